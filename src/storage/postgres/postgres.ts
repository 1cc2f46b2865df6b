/**
 * Scale-out adapter: PostgreSQL through a `pg` Pool. Several platform replicas may share one
 * database, so concurrency control lives in SQL: conditional UPDATE/INSERT … ON CONFLICT DO NOTHING
 * (row locks make a racing second writer see the first one's version), one transaction per batch.
 */
import pg from 'pg';
import type { CollectionName } from '../collections.js';
import { StorageErrors, notOpen, versionConflict } from '../errors.js';
import { scanPages } from '../paging.js';
import type { ListOptions, PointQuery, StorageAdapter, StoredDocument, TimePoint, WriteOp, WriteResult } from '../port.js';
import { checkCollection, checkId, checkIdList, checkListOptions, checkOps, checkPointQuery, checkPoints, prefixUpperBound, type CheckedOp } from '../validate.js';
import { applyPgMigrations, readAppliedPg } from './migrations.js';
import { classifyPgError, redactUrl } from './pg-errors.js';
import type { AggregateQuery, AggregateRow, ArchiveCounts, ArchiveTarget, EdgeQuery, PointRange, TextPoint } from '../port-series.js';
import { checkAggregateQuery, checkEdgeQuery, checkRange, checkTextPoints } from '../validate-series.js';
import * as series from './series.js';

export interface PostgresStorageOptions {
  /** postgres://user:password@host:port/database */
  readonly url: string;
  /** Schema holding every table (created if missing). Default `public`. */
  readonly schema?: string;
  /** 'auto' (default): points become a TimescaleDB hypertable when the server offers one. */
  readonly timescale?: 'auto' | 'off';
  /** Pool size. Default 10. */
  readonly maxConnections?: number;
}

interface DocRow {
  id: string;
  version: string; // bigint arrives as a string
  body: unknown; // jsonb arrives parsed
  updated_at: Date;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const POINTS_PER_STATEMENT = 20_000;
const MAX_ATTEMPTS = 3;

const toDoc = (r: DocRow): StoredDocument => ({ id: r.id, version: Number(r.version), body: r.body, updatedAt: r.updated_at });

export class PostgresStorage implements StorageAdapter {
  readonly kind = 'postgres';
  private pool: pg.Pool | undefined;
  private opening: Promise<void> | undefined;
  private closing = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly schema: string;
  private readonly q: string;
  private readonly target: string;

  constructor(private readonly options: PostgresStorageOptions) {
    const schema = options.schema ?? 'public';
    if (!SCHEMA_NAME.test(schema)) {
      throw StorageErrors.create('invalid_input', `schema ${JSON.stringify(schema)} must match ${SCHEMA_NAME}`, { field: 'schema', reason: 'not a plain lower-case identifier' });
    }
    this.schema = schema;
    this.q = `"${schema}"`;
    this.target = `${redactUrl(options.url)} schema ${schema}`;
  }

  open(): Promise<void> {
    this.opening ??= this.doOpen().catch((err: unknown) => {
      this.opening = undefined;
      throw err;
    });
    return this.opening;
  }

  private async doOpen(): Promise<void> {
    const pool = new pg.Pool({ connectionString: this.options.url, max: this.options.maxConnections ?? 10, application_name: 'twinworks' });
    // An idle client losing its connection emits on the pool; without a listener that kills the process.
    // The next query gets a fresh connection or fails with storage.unavailable.
    pool.on('error', () => undefined);
    try {
      const client = await pool.connect();
      try {
        await applyPgMigrations(client, this.schema, this.target, this.options.timescale ?? 'auto');
      } finally {
        client.release();
      }
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw this.translate(err, 'open');
    }
    this.pool = pool;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    if (pool === undefined || this.closing) return;
    this.closing = true; // new calls fail fast; calls already running finish
    await Promise.allSettled([...this.inFlight]);
    this.pool = undefined;
    this.opening = undefined;
    this.closing = false;
    await pool.end();
  }

  private translate(err: unknown, operation: string): Error {
    if (StorageErrors.is(err)) return err;
    const message = err instanceof Error ? err.message : String(err);
    if (classifyPgError(err) === 'unavailable') {
      return StorageErrors.create('unavailable', `PostgreSQL ${this.target} is unavailable: ${message}`, { adapter: 'postgres', target: this.target, reason: message }, err);
    }
    return StorageErrors.create('query_failed', `postgres ${operation} on ${this.target} failed: ${message}`, { adapter: 'postgres', operation }, err);
  }

  /** Runs `task` with the pool, tracking it so close() can wait, and maps errors to the catalogue. */
  private run<T>(operation: string, task: (pool: pg.Pool) => Promise<T>): Promise<T> {
    const pool = this.pool;
    if (pool === undefined || this.closing) return Promise.reject(notOpen('postgres', this.target));
    const p = task(pool).catch((err: unknown) => {
      throw this.translate(err, operation);
    });
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p)).catch(() => undefined);
    return p;
  }

  /** A transaction on one pooled client, retried whole after a deadlock or serialization failure. */
  private transaction<T>(operation: string, body: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    return this.run(operation, async (pool) => {
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect();
        let broken = false;
        try {
          await client.query(begin);
          const result = await body(client);
          await client.query('COMMIT');
          return result;
        } catch (err) {
          await client.query('ROLLBACK').catch(() => (broken = true));
          if (classifyPgError(err) !== 'retry' || attempt >= MAX_ATTEMPTS) throw err;
        } finally {
          client.release(broken);
        }
      }
    });
  }

  async appliedMigrations(): Promise<number[]> {
    return this.run('appliedMigrations', (pool) => readAppliedPg(pool, this.q));
  }

  async get(collection: CollectionName, id: string): Promise<StoredDocument | undefined> {
    const c = checkCollection(collection);
    checkId(id);
    return this.run('get', async (pool) => {
      const res = await pool.query<DocRow>(`SELECT id, version, body, updated_at FROM ${this.q}."${c}" WHERE id = $1`, [id]);
      const row = res.rows[0];
      return row === undefined ? undefined : toDoc(row);
    });
  }

  async getMany(collection: CollectionName, ids: readonly string[]): Promise<StoredDocument[]> {
    const c = checkCollection(collection);
    const wanted = checkIdList(ids);
    if (wanted.length === 0) return [];
    return this.run('getMany', async (pool) => {
      const res = await pool.query<DocRow>(`SELECT id, version, body, updated_at FROM ${this.q}."${c}" WHERE id = ANY($1::text[]) ORDER BY id`, [wanted]);
      return res.rows.map(toDoc);
    });
  }

  async list(collection: CollectionName, options?: ListOptions): Promise<StoredDocument[]> {
    const c = checkCollection(collection);
    const { after, prefix, limit } = checkListOptions(options);
    const where: string[] = [];
    const values: unknown[] = [];
    if (after !== undefined) where.push(`id > $${values.push(after)}`);
    if (prefix !== undefined) {
      // A range instead of LIKE: no wildcard escaping, and the primary-key index serves it.
      where.push(`id >= $${values.push(prefix)}`);
      const upper = prefixUpperBound(prefix);
      if (upper !== undefined) where.push(`id < $${values.push(upper)}`);
    }
    const sql = `SELECT id, version, body, updated_at FROM ${this.q}."${c}"${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT $${values.push(limit)}`;
    return this.run('list', async (pool) => (await pool.query<DocRow>(sql, values)).rows.map(toDoc));
  }

  scan(collection: CollectionName, pageSize?: number): AsyncIterable<StoredDocument> {
    return scanPages((c, o) => this.list(c, o), collection, pageSize);
  }

  async count(collection: CollectionName): Promise<number> {
    const c = checkCollection(collection);
    return this.run('count', async (pool) => Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${this.q}."${c}"`)).rows[0]?.n ?? 0));
  }

  async write(ops: readonly WriteOp[]): Promise<WriteResult[]> {
    const checked = checkOps(ops);
    if (checked.length === 0) {
      if (this.pool === undefined || this.closing) throw notOpen('postgres', this.target);
      return [];
    }
    const now = new Date();
    const [only] = checked;
    if (checked.length === 1 && only !== undefined) {
      // One statement is atomic by itself: skip BEGIN/COMMIT, two round trips fewer.
      return this.run('write', async (pool) => [await this.applyOp(pool, only, now)]);
    }
    return this.transaction('write', async (client) => {
      const results: WriteResult[] = [];
      for (const op of checked) results.push(await this.applyOp(client, op, now));
      return results;
    });
  }

  private async applyOp(client: pg.Pool | pg.PoolClient, op: CheckedOp, now: Date): Promise<WriteResult> {
    const t = `${this.q}."${op.collection}"`;
    const done = (version: number, deleted = false): WriteResult => ({ collection: op.collection, id: op.id, version, deleted });
    const conflict = async (expected: number | 'absent'): Promise<never> => {
      const cur = await client.query<{ version: string }>(`SELECT version FROM ${t} WHERE id = $1`, [op.id]);
      throw versionConflict(op.collection, op.id, expected, cur.rows[0] === undefined ? 'absent' : Number(cur.rows[0].version));
    };
    if (op.op === 'delete') {
      if (op.expectVersion !== undefined) {
        const res = await client.query<{ version: string }>(`DELETE FROM ${t} WHERE id = $1 AND version = $2 RETURNING version`, [op.id, op.expectVersion]);
        return res.rows[0] ? done(Number(res.rows[0].version), true) : conflict(op.expectVersion);
      }
      const res = await client.query<{ version: string }>(`DELETE FROM ${t} WHERE id = $1 RETURNING version`, [op.id]);
      return res.rows[0] ? done(Number(res.rows[0].version), true) : done(0);
    }
    const args = [op.id, op.bodyText, now];
    if (op.expectVersion === 'absent') {
      const res = await client.query(`INSERT INTO ${t} (id, version, body, updated_at) VALUES ($1, 1, $2::jsonb, $3) ON CONFLICT (id) DO NOTHING`, args);
      return res.rowCount === 1 ? done(1) : conflict('absent');
    }
    if (op.expectVersion !== undefined) {
      const res = await client.query<{ version: string }>(`UPDATE ${t} SET version = version + 1, body = $2::jsonb, updated_at = $3 WHERE id = $1 AND version = $4 RETURNING version`, [...args, op.expectVersion]);
      return res.rows[0] ? done(Number(res.rows[0].version)) : conflict(op.expectVersion);
    }
    const res = await client.query<{ version: string }>(
      `INSERT INTO ${t} AS d (id, version, body, updated_at) VALUES ($1, 1, $2::jsonb, $3)
       ON CONFLICT (id) DO UPDATE SET version = d.version + 1, body = EXCLUDED.body, updated_at = EXCLUDED.updated_at RETURNING version`,
      args,
    );
    return done(Number(res.rows[0]?.version));
  }

  async appendPoints(points: readonly TimePoint[]): Promise<void> {
    checkPoints(points);
    if (points.length === 0) return;
    // unnest over four arrays: one statement per chunk instead of one per point; one transaction overall.
    await this.transaction('appendPoints', async (client) => {
      for (let start = 0; start < points.length; start += POINTS_PER_STATEMENT) {
        const chunk = points.slice(start, start + POINTS_PER_STATEMENT);
        await client.query(
          `INSERT INTO ${this.q}.points (series, "time", arrival, value) SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::float8[])`,
          [chunk.map((p) => p.series), chunk.map((p) => p.time.toISOString()), chunk.map((p) => p.arrival.toISOString()), chunk.map((p) => p.value)],
        );
      }
    });
  }

  async readPoints(query: PointQuery): Promise<TimePoint[]> {
    const { series, from, to, limit } = checkPointQuery(query);
    return this.run('readPoints', async (pool) => {
      const res = await pool.query<{ time: Date; arrival: Date; value: number }>(
        `SELECT "time", arrival, value FROM ${this.q}.points WHERE series = $1 AND "time" >= $2 AND "time" < $3 ORDER BY "time", arrival LIMIT $4`,
        [series, from.toISOString(), to.toISOString(), limit],
      );
      return res.rows.map((r) => ({ series, time: r.time, arrival: r.arrival, value: r.value }));
    });
  }

  async appendTextPoints(points: readonly TextPoint[]): Promise<void> {
    checkTextPoints(points);
    if (points.length === 0) return;
    await this.transaction('appendTextPoints', (client) => series.appendTextPoints(client, this.q, points));
  }

  async readTextPoints(query: PointQuery): Promise<TextPoint[]> {
    const { series: name, from, to, limit } = checkPointQuery(query);
    return this.run('readTextPoints', (pool) => series.readTextPoints(pool, this.q, name, from, to, limit));
  }

  async aggregatePoints(query: AggregateQuery): Promise<AggregateRow[]> {
    const q = checkAggregateQuery(query);
    return this.run('aggregatePoints', (pool) => series.aggregate(pool, this.q, q));
  }

  async edgePoints(query: EdgeQuery): Promise<TimePoint[]> {
    const q = checkEdgeQuery(query);
    return this.run('edgePoints', async (pool) => (await series.edge(pool, this.q, 'points', q)).map(series.toPoint));
  }

  async edgeTextPoints(query: EdgeQuery): Promise<TextPoint[]> {
    const q = checkEdgeQuery(query);
    return this.run('edgeTextPoints', async (pool) => (await series.edge(pool, this.q, 'text_points', q)).map(series.toTextPoint));
  }

  async deletePoints(range: PointRange): Promise<{ points: number; textPoints: number }> {
    const r = checkRange(range);
    return this.transaction('deletePoints', (client) => series.deleteRange(client, this.q, r));
  }

  async archivePoints(range: { from: Date; to: Date }, target: ArchiveTarget): Promise<ArchiveCounts> {
    const r = checkRange(range);
    // REPEATABLE READ: the cursor and the DELETE see one snapshot, so rows committed meanwhile stay.
    return this.transaction('archivePoints', (client) => series.archive(client, this.q, r, target), 'BEGIN ISOLATION LEVEL REPEATABLE READ');
  }
}
