import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { rejectsWith } from '../testing/helpers.js';
import { applyDuckDbMigrations, DUCKDB_MIGRATIONS } from './migrations.js';

const dir = mkdtempSync(join(tmpdir(), 'twinworks-duckdb-migrations-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function withConnection(name: string, fn: (conn: Awaited<ReturnType<DuckDBInstance['connect']>>) => Promise<void>): Promise<void> {
  const instance = await DuckDBInstance.create(join(dir, name));
  const conn = await instance.connect();
  try {
    await fn(conn);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

const tables = async (conn: Awaited<ReturnType<DuckDBInstance['connect']>>) =>
  (await conn.runAndReadAll("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_name")).getRows().map((r) => r[0]);

test('a failing migration is rolled back whole and reported as storage.migration_failed', async () => {
  await withConnection('fail.duckdb', async (conn) => {
    const broken = [...DUCKDB_MIGRATIONS, { version: 6, name: 'broken', statements: ['CREATE TABLE half_done (x INTEGER)', 'THIS IS NOT SQL'] }];
    const err = await rejectsWith(applyDuckDbMigrations(conn, 'fail.duckdb', broken), 'storage.migration_failed');
    assert.equal(err.details.version, 6);
    assert.equal(err.details.name, 'broken');
    // Migrations 1 to 5 committed before 6 started; none of 6 remains.
    assert.deepEqual((await conn.runAndReadAll('SELECT version FROM schema_migrations ORDER BY version')).getRows().map((r) => r[0]), [1, 2, 3, 4, 5]);
    assert.ok(!(await tables(conn)).includes('half_done'));
  });
});

test('a file migrated by a newer build is refused', async () => {
  await withConnection('newer.duckdb', async (conn) => {
    await applyDuckDbMigrations(conn, 'newer.duckdb');
    await conn.run("INSERT INTO schema_migrations VALUES (99, 'from the future', now())");
    const err = await rejectsWith(applyDuckDbMigrations(conn, 'newer.duckdb'), 'storage.migration_failed');
    assert.equal(err.details.version, 99);
  });
});

test('migrations create one table per collection plus points, text points and schema_migrations', async () => {
  await withConnection('fresh.duckdb', async (conn) => {
    assert.deepEqual(await applyDuckDbMigrations(conn, 'fresh.duckdb'), [1, 2, 3, 4, 5]);
    assert.deepEqual(await applyDuckDbMigrations(conn, 'fresh.duckdb'), [1, 2, 3, 4, 5]);
    assert.deepEqual(await tables(conn), ['alert_rules', 'alerts', 'api_keys', 'devices', 'document_journal', 'ml_models', 'models', 'points', 'relationships', 'schema_migrations', 'series', 'settings', 'text_points', 'twins', 'users']);
  });
});
