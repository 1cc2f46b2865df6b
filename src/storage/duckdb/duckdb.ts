/**
 * Embedded adapter: one DuckDB file in the data dir. Two connections: a writer behind a SerialQueue
 * (every write batch is BEGIN … version checks … COMMIT with nothing interleaved) and a reader behind
 * its own queue, so reads are not stuck behind long writes (DuckDB MVCC shows them the last commit).
 */
import {
  BIGINT,
  DOUBLE,
  DuckDBTimestampTZValue,
  LIST,
  TIMESTAMPTZ,
  VARCHAR,
  listValue,
  type DuckDBConnection,
  type DuckDBInstance,
  type DuckDBPreparedStatement,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { CollectionName } from '../collections.js';
import { StorageErrors, notOpen } from '../errors.js';
import { idsByCollection, planBatch, type PlannedRow } from '../plan.js';
import { scanPages } from '../paging.js';
import type { ListOptions, PointQuery, StorageAdapter, StoredDocument, TimePoint, WriteOp, WriteResult } from '../port.js';
import { SerialQueue } from '../serial-queue.js';
import { checkCollection, checkId, checkIdList, checkListOptions, checkOps, checkPointQuery, checkPoints, type CheckedOp } from '../validate.js';
import { applyDuckDbMigrations, readApplied } from './migrations.js';
import { canonicalPath, openInstance, releaseFile, unavailable } from './open.js';

export interface DuckDbStorageOptions {
  /** The database file; its directory is created if missing. */
  readonly file: string;
  /** DuckDB settings passed at open, e.g. { threads: '2', memory_limit: '1GB' }. */
  readonly settings?: Readonly<Record<string, string>>;
}

interface Session {
  readonly instance: DuckDBInstance;
  readonly writer: DuckDBConnection;
  readonly reader: DuckDBConnection;
  readonly statements: Map<string, DuckDBPreparedStatement>;
}

const tz = (d: Date) => new DuckDBTimestampTZValue(BigInt(d.getTime()) * 1000n);
const fromTz = (v: DuckDBValue) => new Date(Number((v as DuckDBTimestampTZValue).micros / 1000n));

function toDoc(id: string, version: DuckDBValue, body: DuckDBValue, updatedAt: DuckDBValue): StoredDocument {
  return { id, version: Number(version), body: JSON.parse(body as string) as unknown, updatedAt: fromTz(updatedAt) };
}

export class DuckDbStorage implements StorageAdapter {
  readonly kind = 'duckdb';
  private session: Session | undefined;
  private closing = false;
  private opening: Promise<void> | undefined;
  private readonly writes = new SerialQueue();
  private readonly reads = new SerialQueue();
  private file: string;

  constructor(private readonly options: DuckDbStorageOptions) {
    this.file = options.file;
  }

  open(): Promise<void> {
    this.opening ??= this.doOpen().catch((err: unknown) => {
      this.opening = undefined;
      throw err;
    });
    return this.opening;
  }

  private async doOpen(): Promise<void> {
    this.file = canonicalPath(this.options.file);
    const instance = await openInstance(this.file, { ...this.options.settings });
    try {
      const writer = await instance.connect();
      const reader = await instance.connect();
      await applyDuckDbMigrations(writer, this.file);
      this.session = { instance, writer, reader, statements: new Map() };
    } catch (err) {
      instance.closeSync();
      releaseFile(this.file);
      throw err;
    }
  }

  async close(): Promise<void> {
    const s = this.session;
    if (s === undefined || this.closing) return;
    // New calls fail fast from here on; calls already queued still finish against the open file.
    this.closing = true;
    await Promise.all([this.writes.drain(), this.reads.drain()]);
    this.session = undefined;
    this.opening = undefined;
    this.closing = false;
    for (const st of s.statements.values()) st.destroySync();
    s.writer.closeSync();
    s.reader.closeSync();
    s.instance.closeSync(); // checkpoints the WAL into the file
    releaseFile(this.file);
  }

  private live(): Session {
    if (this.session === undefined || this.closing) throw notOpen('duckdb', this.file);
    return this.session;
  }

  /** Prepared statements are cached per connection and SQL text; each queue owns one connection. */
  private async prepared(conn: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement> {
    // Not live(): tasks queued before close() still run while it drains the queues.
    const s = this.session;
    if (s === undefined) throw notOpen('duckdb', this.file);
    const key = `${conn === s.writer ? 'w' : 'r'}:${sql}`;
    let st = s.statements.get(key);
    if (st === undefined) {
      st = await conn.prepare(sql);
      s.statements.set(key, st);
    }
    return st;
  }

  private async query(conn: DuckDBConnection, sql: string, values: DuckDBValue[], types?: Parameters<DuckDBPreparedStatement['bind']>[1]): Promise<DuckDBValue[][]> {
    const st = await this.prepared(conn, sql);
    st.bind(values, types);
    return (await st.runAndReadAll()).getRows();
  }

  private read<T>(operation: string, task: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const conn = this.live().reader;
    return this.reads.run(() => this.guard(operation, () => task(conn)));
  }

  private async guard<T>(operation: string, task: () => Promise<T>): Promise<T> {
    try {
      return await task();
    } catch (err) {
      if (StorageErrors.is(err)) throw err;
      const message = err instanceof Error ? err.message : String(err);
      // After an I/O error DuckDB invalidates the database; every later call fails the same way.
      if (/IO Error|FATAL|database has been invalidated/i.test(message)) throw unavailable(this.file, message, err);
      throw StorageErrors.create('query_failed', `duckdb ${operation} on ${this.file} failed: ${message}`, { adapter: 'duckdb', operation }, err);
    }
  }

  async appliedMigrations(): Promise<number[]> {
    return this.read('appliedMigrations', (conn) => readApplied(conn));
  }

  async get(collection: CollectionName, id: string): Promise<StoredDocument | undefined> {
    const c = checkCollection(collection);
    checkId(id);
    return this.read('get', async (conn) => {
      const rows = await this.query(conn, `SELECT version, body, updated_at FROM "${c}" WHERE id = $1`, [id]);
      const row = rows[0];
      return row === undefined ? undefined : toDoc(id, row[0] as DuckDBValue, row[1] as DuckDBValue, row[2] as DuckDBValue);
    });
  }

  async getMany(collection: CollectionName, ids: readonly string[]): Promise<StoredDocument[]> {
    const c = checkCollection(collection);
    const wanted = checkIdList(ids);
    if (wanted.length === 0) return [];
    return this.read('getMany', async (conn) => {
      const sql = `SELECT id, version, body, updated_at FROM "${c}" WHERE id IN (SELECT unnest($1)) ORDER BY id`;
      const rows = await this.query(conn, sql, [listValue(wanted)], [LIST(VARCHAR)]);
      return rows.map((r) => toDoc(r[0] as string, r[1] as DuckDBValue, r[2] as DuckDBValue, r[3] as DuckDBValue));
    });
  }

  async list(collection: CollectionName, options?: ListOptions): Promise<StoredDocument[]> {
    const c = checkCollection(collection);
    const { after, prefix, limit } = checkListOptions(options);
    const where: string[] = [];
    const values: DuckDBValue[] = [];
    if (after !== undefined) where.push(`id > $${values.push(after)}`);
    // starts_with compares bytes: no LIKE wildcards to escape.
    if (prefix !== undefined) where.push(`starts_with(id, $${values.push(prefix)})`);
    const sql = `SELECT id, version, body, updated_at FROM "${c}"${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT $${values.push(limit)}`;
    return this.read('list', async (conn) => {
      const rows = await this.query(conn, sql, values);
      return rows.map((r) => toDoc(r[0] as string, r[1] as DuckDBValue, r[2] as DuckDBValue, r[3] as DuckDBValue));
    });
  }

  scan(collection: CollectionName, pageSize?: number): AsyncIterable<StoredDocument> {
    return scanPages((c, o) => this.list(c, o), collection, pageSize);
  }

  async count(collection: CollectionName): Promise<number> {
    const c = checkCollection(collection);
    return this.read('count', async (conn) => Number((await this.query(conn, `SELECT count(*) FROM "${c}"`, []))[0]?.[0] ?? 0));
  }

  async write(ops: readonly WriteOp[]): Promise<WriteResult[]> {
    const checked = checkOps(ops);
    const { writer } = this.live();
    if (checked.length === 0) return [];
    return this.writes.run(() => this.guard('write', () => this.transaction(writer, () => this.applyOps(writer, checked))));
  }

  private async transaction<T>(conn: DuckDBConnection, body: () => Promise<T>): Promise<T> {
    await conn.run('BEGIN TRANSACTION');
    try {
      const result = await body();
      await conn.run('COMMIT');
      return result;
    } catch (err) {
      await conn.run('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  /**
   * One SELECT per touched collection for the current versions, the checks in memory (plan.ts), then
   * at most three set-based statements per collection. Safe because this runs inside the writer
   * queue: nothing else writes between the SELECT and the DML (and the file lock keeps other
   * processes out).
   */
  private async applyOps(conn: DuckDBConnection, ops: readonly CheckedOp[]): Promise<WriteResult[]> {
    const current = new Map<string, number>();
    for (const [c, ids] of idsByCollection(ops)) {
      // The list forms cost about half a millisecond more per statement, so single ids use plain ones.
      const rows =
        ids.length === 1
          ? await this.query(conn, `SELECT id, version FROM "${c}" WHERE id = $1`, ids)
          : await this.query(conn, `SELECT id, version FROM "${c}" WHERE id IN (SELECT unnest($1))`, [listValue(ids)], [LIST(VARCHAR)]);
      for (const r of rows) current.set(`${c}\u0000${r[0] as string}`, Number(r[1]));
    }
    const plan = planBatch(ops, (c, id) => current.get(`${c}\u0000${id}`));
    const now = tz(new Date());
    const rowLists = (rows: readonly PlannedRow[]): DuckDBValue[] => [listValue(rows.map((r) => r.id)), listValue(rows.map((r) => BigInt(r.version))), listValue(rows.map((r) => r.bodyText)), now];
    const rowTypes = [LIST(VARCHAR), LIST(BIGINT), LIST(VARCHAR), TIMESTAMPTZ];
    for (const [c, { inserts, updates, deletes }] of plan.changes) {
      const t = `"${c}"`;
      if (deletes.length > 0) await this.query(conn, `DELETE FROM ${t} WHERE id IN (SELECT unnest($1))`, [listValue(deletes)], [LIST(VARCHAR)]);
      const [one] = updates;
      if (updates.length === 1 && one !== undefined) {
        await this.query(conn, `UPDATE ${t} SET version = $2, body = $3, updated_at = $4 WHERE id = $1`, [one.id, BigInt(one.version), one.bodyText, now]);
      } else if (updates.length > 1) {
        const sql = `UPDATE ${t} SET version = v.version, body = v.body, updated_at = $4 FROM (SELECT unnest($1) AS id, unnest($2) AS version, unnest($3)::JSON AS body) AS v WHERE ${t}.id = v.id`;
        await this.query(conn, sql, rowLists(updates), rowTypes);
      }
      const [first] = inserts;
      if (inserts.length === 1 && first !== undefined) {
        await this.query(conn, `INSERT INTO ${t} (id, version, body, updated_at) VALUES ($1, $2, $3, $4)`, [first.id, BigInt(first.version), first.bodyText, now]);
      } else if (inserts.length > 1) {
        await this.query(conn, `INSERT INTO ${t} (id, version, body, updated_at) SELECT unnest($1), unnest($2), unnest($3)::JSON, $4`, rowLists(inserts), rowTypes);
      }
    }
    return plan.results;
  }

  async appendPoints(points: readonly TimePoint[]): Promise<void> {
    checkPoints(points);
    const { writer } = this.live();
    if (points.length === 0) return;
    // The appender writes column chunks directly (no SQL per row); inside one transaction so an
    // append is all-or-nothing even when the appender flushes several chunks.
    await this.writes.run(() =>
      this.guard('appendPoints', () =>
        this.transaction(writer, async () => {
          const appender = await writer.createAppender('points');
          try {
            for (const p of points) {
              appender.appendVarchar(p.series);
              appender.appendTimestampTZ(tz(p.time));
              appender.appendTimestampTZ(tz(p.arrival));
              appender.appendDouble(p.value);
              appender.endRow();
            }
            appender.flushSync();
          } finally {
            appender.closeSync();
          }
        }),
      ),
    );
  }

  async readPoints(query: PointQuery): Promise<TimePoint[]> {
    const { series, from, to, limit } = checkPointQuery(query);
    return this.read('readPoints', async (conn) => {
      const sql = 'SELECT time, arrival, value FROM points WHERE series = $1 AND time >= $2 AND time < $3 ORDER BY time, arrival LIMIT $4';
      const rows = await this.query(conn, sql, [series, tz(from), tz(to), limit], [VARCHAR, TIMESTAMPTZ, TIMESTAMPTZ, DOUBLE]);
      return rows.map((r) => ({ series, time: fromTz(r[0] as DuckDBValue), arrival: fromTz(r[1] as DuckDBValue), value: r[2] as number }));
    });
  }
}
