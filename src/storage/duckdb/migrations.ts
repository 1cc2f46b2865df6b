/**
 * Versioned schema migrations for the DuckDB file. Each runs in its own transaction together with
 * its row in `schema_migrations`, so a crash mid-migration leaves the previous version intact
 * (DuckDB DDL is transactional). Released migrations are never edited: a change is a new version.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { StorageErrors } from '../errors.js';

export interface DuckDbMigration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}

// The collections that existed when migration 1 was written. Frozen on purpose: a collection added
// to COLLECTIONS later gets its own migration, or existing files would never get its table.
const V1_COLLECTIONS = ['models', 'twins', 'relationships', 'devices', 'users', 'api_keys', 'settings'];

// The document collections when migration 5 was written (frozen for the same reason).
const V5_COLLECTIONS = [...V1_COLLECTIONS, 'series', 'alerts', 'alert_rules', 'ml_models'];

export const DUCKDB_MIGRATIONS: readonly DuckDbMigration[] = [
  {
    version: 1,
    name: 'document collections',
    statements: V1_COLLECTIONS.map(
      (c) => `CREATE TABLE "${c}" (id VARCHAR PRIMARY KEY, version BIGINT NOT NULL, body JSON NOT NULL, updated_at TIMESTAMPTZ NOT NULL)`,
    ),
  },
  {
    version: 2,
    name: 'time-series points',
    // No index: an ART index would slow bulk appends several-fold; DuckDB prunes row groups by their
    // min/max (zonemaps), which works because points mostly arrive in time order.
    statements: ['CREATE TABLE points (series VARCHAR NOT NULL, time TIMESTAMPTZ NOT NULL, arrival TIMESTAMPTZ NOT NULL, value DOUBLE NOT NULL)'],
  },
  {
    version: 3,
    name: 'history: text points, series catalogue, alerts',
    // String-valued signals (machine state, reasons) beside the numeric points, same layout and no index
    // for the same reason; and the collections of the history and alerts contexts.
    statements: [
      'CREATE TABLE text_points (series VARCHAR NOT NULL, time TIMESTAMPTZ NOT NULL, arrival TIMESTAMPTZ NOT NULL, text VARCHAR NOT NULL)',
      ...['series', 'alerts', 'alert_rules'].map((c) => `CREATE TABLE "${c}" (id VARCHAR PRIMARY KEY, version BIGINT NOT NULL, body JSON NOT NULL, updated_at TIMESTAMPTZ NOT NULL)`),
    ],
  },
  {
    version: 4,
    name: 'ml: model registry',
    statements: ['CREATE TABLE "ml_models" (id VARCHAR PRIMARY KEY, version BIGINT NOT NULL, body JSON NOT NULL, updated_at TIMESTAMPTZ NOT NULL)'],
  },
  {
    version: 5,
    name: 'documents: append-only journal, base tables without a key index',
    // journal.ts explains why: writes append to the journal and a compaction folds it into the base
    // tables; a PRIMARY KEY index made that compaction cost seconds per 100k rows at 1M documents.
    // Uniqueness of ids is kept by the writer, which plans every write against the version map.
    statements: [
      'CREATE TABLE document_journal (seq BIGINT NOT NULL, collection VARCHAR NOT NULL, id VARCHAR NOT NULL, version BIGINT NOT NULL, body VARCHAR, updated_at TIMESTAMPTZ NOT NULL)',
      ...V5_COLLECTIONS.flatMap((c) => [
        `CREATE TABLE "${c}__v5" (id VARCHAR NOT NULL, version BIGINT NOT NULL, body JSON NOT NULL, updated_at TIMESTAMPTZ NOT NULL)`,
        `INSERT INTO "${c}__v5" SELECT id, version, body, updated_at FROM "${c}" ORDER BY id`,
        `DROP TABLE "${c}"`,
        `ALTER TABLE "${c}__v5" RENAME TO "${c}"`,
      ]),
    ],
  },
];

export async function applyDuckDbMigrations(conn: DuckDBConnection, file: string, migrations = DUCKDB_MIGRATIONS): Promise<number[]> {
  await conn.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)');
  const applied = new Set(await readApplied(conn));
  const known = new Set(migrations.map((m) => m.version));
  const unknown = [...applied].filter((v) => !known.has(v));
  if (unknown.length > 0) {
    // A newer build migrated this file; running older code against it could corrupt data.
    throw StorageErrors.create('migration_failed', `${file} has schema migrations ${unknown.join(', ')} that this build does not know; upgrade Twinworks`, {
      adapter: 'duckdb',
      target: file,
      version: Math.max(...unknown),
      name: 'unknown',
    });
  }
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    try {
      await conn.run('BEGIN TRANSACTION');
      for (const sql of m.statements) await conn.run(sql);
      await conn.run('INSERT INTO schema_migrations VALUES ($1, $2, now())', [m.version, m.name]);
      await conn.run('COMMIT');
    } catch (err) {
      await conn.run('ROLLBACK').catch(() => undefined);
      throw StorageErrors.create('migration_failed', `${file}: migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, { adapter: 'duckdb', target: file, version: m.version, name: m.name }, err);
    }
  }
  return readApplied(conn);
}

export async function readApplied(conn: DuckDBConnection): Promise<number[]> {
  const reader = await conn.runAndReadAll('SELECT version FROM schema_migrations ORDER BY version');
  return reader.getRows().map((row) => Number(row[0]));
}
