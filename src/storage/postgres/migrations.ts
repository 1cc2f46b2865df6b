/**
 * Versioned migrations for PostgreSQL. All pending ones run in one transaction holding
 * pg_advisory_xact_lock, so replicas starting together queue up: the first migrates, the others
 * then find nothing to do. DDL is transactional in PostgreSQL, so a failure leaves nothing behind.
 */
import type { PoolClient } from 'pg';
import { StorageErrors } from '../errors.js';
import { decidePointsLayout, type PointsLayout } from './layout.js';

export interface MigrationContext {
  /** Quoted schema name, e.g. `"public"`. */
  readonly q: string;
  readonly client: PoolClient;
  readonly timescale: 'auto' | 'off';
}

export interface PgMigration {
  readonly version: number;
  readonly name: string;
  /** Returns the name to record (migration 2 records which points layout it chose). */
  run(ctx: MigrationContext): Promise<string>;
}

// Frozen list of the collections at migration 1 (a later collection gets a new migration).
const V1_COLLECTIONS = ['models', 'twins', 'relationships', 'devices', 'users', 'api_keys', 'settings'];

/** Lock namespace (first key of the two-key advisory lock) so ours do not collide with other apps'. */
const LOCK_CLASS = 0x7477; // "tw"

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'document collections',
    async run({ q, client }) {
      for (const c of V1_COLLECTIONS) {
        // COLLATE "C": ids sort by bytes, as in DuckDB and the port's contract, whatever the database locale.
        await client.query(`CREATE TABLE ${q}."${c}" (id text COLLATE "C" PRIMARY KEY, version bigint NOT NULL, body jsonb NOT NULL, updated_at timestamptz NOT NULL)`);
      }
      return 'document collections';
    },
  },
  {
    version: 2,
    name: 'time-series points',
    async run(ctx) {
      const layout = await choosePointsLayout(ctx);
      const { q, client } = ctx;
      await client.query(`CREATE TABLE ${q}.points (series text COLLATE "C" NOT NULL, "time" timestamptz NOT NULL, arrival timestamptz NOT NULL, value double precision NOT NULL)`);
      await client.query(`CREATE INDEX points_series_time ON ${q}.points (series, "time")`);
      if (layout.kind === 'hypertable') {
        await client.query(`SELECT create_hypertable($1::regclass, 'time')`, [`${q}.points`]);
        return 'time-series points (TimescaleDB hypertable)';
      }
      return `time-series points (plain table: ${layout.reason})`;
    },
  },
  {
    version: 3,
    name: 'history: text points, series catalogue, alerts',
    async run({ q, client }) {
      // Text points stay a plain table even next to a hypertable: they are few (state changes, not samples).
      await client.query(`CREATE TABLE ${q}.text_points (series text COLLATE "C" NOT NULL, "time" timestamptz NOT NULL, arrival timestamptz NOT NULL, text text NOT NULL)`);
      await client.query(`CREATE INDEX text_points_series_time ON ${q}.text_points (series, "time")`);
      for (const c of ['series', 'alerts', 'alert_rules']) {
        await client.query(`CREATE TABLE ${q}."${c}" (id text COLLATE "C" PRIMARY KEY, version bigint NOT NULL, body jsonb NOT NULL, updated_at timestamptz NOT NULL)`);
      }
      return 'history: text points, series catalogue, alerts';
    },
  },
  {
    version: 4,
    name: 'ml: model registry',
    async run({ q, client }) {
      await client.query(`CREATE TABLE ${q}."ml_models" (id text COLLATE "C" PRIMARY KEY, version bigint NOT NULL, body jsonb NOT NULL, updated_at timestamptz NOT NULL)`);
      return 'ml: model registry';
    },
  },
];

async function choosePointsLayout({ client, timescale }: MigrationContext): Promise<PointsLayout> {
  const ext = await client.query<{ installed_version: string | null }>(`SELECT installed_version FROM pg_available_extensions WHERE name = 'timescaledb'`);
  const preload = await client.query<{ shared_preload_libraries: string }>('SHOW shared_preload_libraries');
  const layout = decidePointsLayout({
    wanted: timescale,
    available: ext.rows.length > 0,
    installedVersion: ext.rows[0]?.installed_version ?? null,
    preloadLibraries: preload.rows[0]?.shared_preload_libraries ?? '',
  });
  if (layout.kind === 'hypertable' && layout.createExtension) {
    // Needs CREATE privilege on the database; without it, fall back to the plain table rather than fail.
    await client.query('SAVEPOINT timescale');
    try {
      await client.query('CREATE EXTENSION IF NOT EXISTS timescaledb');
      await client.query('RELEASE SAVEPOINT timescale');
    } catch (err) {
      await client.query('ROLLBACK TO SAVEPOINT timescale');
      return { kind: 'plain', reason: `CREATE EXTENSION timescaledb failed: ${(err as Error).message}` };
    }
  }
  return layout;
}

export async function readAppliedPg(client: Pick<PoolClient, 'query'>, q: string): Promise<number[]> {
  const res = await client.query<{ version: number }>(`SELECT version FROM ${q}.schema_migrations ORDER BY version`);
  return res.rows.map((r) => Number(r.version));
}

/** Applies pending migrations; returns the versions applied in total. `schema` is already validated. */
export async function applyPgMigrations(client: PoolClient, schema: string, target: string, timescale: 'auto' | 'off', migrations = PG_MIGRATIONS): Promise<number[]> {
  const q = `"${schema}"`;
  let current: PgMigration | undefined;
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, `migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${q}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${q}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const applied = new Set(await readAppliedPg(client, q));
    const known = new Set(migrations.map((m) => m.version));
    const unknown = [...applied].filter((v) => !known.has(v));
    if (unknown.length > 0) {
      throw StorageErrors.create('migration_failed', `schema ${schema} has migrations ${unknown.join(', ')} that this build does not know; upgrade Twinworks`, {
        adapter: 'postgres',
        target,
        version: Math.max(...unknown),
        name: 'unknown',
      });
    }
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      current = m;
      const recorded = await m.run({ q, client, timescale });
      await client.query(`INSERT INTO ${q}.schema_migrations (version, name) VALUES ($1, $2)`, [m.version, recorded]);
    }
    current = undefined;
    const result = await readAppliedPg(client, q);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (current === undefined) throw err;
    throw StorageErrors.create('migration_failed', `schema ${schema}: migration ${current.version} (${current.name}) failed: ${(err as Error).message}`, {
      adapter: 'postgres',
      target,
      version: current.version,
      name: current.name,
    }, err);
  }
}
