/**
 * The history scenarios (testing/scenarios.ts) on PostgreSQL: retention into Parquet and reading
 * back (PostgreSQL archives through a cursor and an embedded DuckDB writer), queries answering the
 * same from the archive, and a twin-graph query rolled up per local day. Each store gets its own
 * schema, dropped at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { createPostgresStorage, type StorageAdapter } from '../storage/index.js';
import { lineScopeScenario, retentionScenario } from './testing/scenarios.js';

const url = process.env.TWINWORKS_TEST_POSTGRES_URL;
const skip = url === undefined ? 'set TWINWORKS_TEST_POSTGRES_URL to run' : false;
const dir = mkdtempSync(join(tmpdir(), 'twinworks-history-pg-'));
const schemas: string[] = [];

async function store(): Promise<StorageAdapter> {
  const schema = `tw_history_${process.pid}_${Date.now() % 1_000_000}_${schemas.length}`;
  schemas.push(schema);
  const s = createPostgresStorage({ url: url as string, schema, maxConnections: 4 });
  await s.open();
  return s;
}

describe('history on postgres', { skip }, () => {
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    if (url === undefined) return;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    } finally {
      await client.end();
    }
  });

  test('retention: days before now − 30 d move to Parquet, read back, and queries answer as before', async (t) => {
    const s = await store();
    t.after(() => s.close());
    await retentionScenario(s, join(dir, 'archive'));
  });

  test('all machines of LINE-2 by a twin-graph query, rolled up per local day across DST', async (t) => {
    const s = await store();
    t.after(() => s.close());
    await lineScopeScenario(s);
  });
});
