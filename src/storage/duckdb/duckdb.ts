/**
 * Embedded adapter: one DuckDB file in the data dir. Two connections: a writer behind a SerialQueue
 * (writes are grouped, checked and committed by writer.ts with nothing interleaved) and a reader
 * behind its own queue, so reads are not stuck behind long writes (DuckDB MVCC shows them the last
 * commit).
 */
import {
  DOUBLE,
  LIST,
  TIMESTAMPTZ,
  VARCHAR,
  listValue,
  type DuckDBConnection,
  type DuckDBInstance,
  type DuckDBTimestampTZValue,
  type DuckDBPreparedStatement,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { CollectionName } from '../collections.js';
import { StorageErrors, notOpen } from '../errors.js';
import { scanPages } from '../paging.js';
import type { ListOptions, PointQuery, StorageAdapter, StoredDocument, TimePoint, WriteOp, WriteResult } from '../port.js';
import { SerialQueue } from '../serial-queue.js';
import { checkCollection, checkId, checkIdList, checkListOptions, checkOps, checkPointQuery, checkPoints } from '../validate.js';
import { applyDuckDbMigrations, readApplied } from './migrations.js';
import { canonicalPath, openInstance, releaseFile, unavailable } from './open.js';
import { DuckDbWriter, tz } from './writer.js';
import type { AggregateQuery, AggregateRow, ArchiveCounts, ArchiveTarget, EdgeQuery, PointRange, TextPoint } from '../port-series.js';
import { checkAggregateQuery, checkEdgeQuery, checkRange, checkTextPoints } from '../validate-series.js';
import * as series from './series.js';

export interface DuckDbStorageOptions {
  /** The database file; its directory is created if missing. */
  readonly file: string;
  /** DuckDB settings passed at open, e.g. { threads: '2', memory_limit: '1GB' }. */
  readonly settings?: Readonly<Record<string, string>>;
}

interface Session {
  readonly instance: DuckDBInstance;
  readonly writer: DuckDbWriter;
  readonly writeConn: DuckDBConnection;
  readonly reader: DuckDBConnection;
  readonly statements: Map<string, DuckDBPreparedStatement>;
}

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
  /** Archive runs on their own connections; close() waits for them. */
  private readonly background = new Set<Promise<unknown>>();
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
    try {
      this.file = canonicalPath(this.options.file);
    } catch (err) {
      throw unavailable(this.options.file, `cannot use its directory: ${(err as Error).message}`, err);
    }
    const instance = await openInstance(this.file, { ...this.options.settings });
    try {
      const writeConn = await instance.connect();
      const reader = await instance.connect();
      await applyDuckDbMigrations(writeConn, this.file);
      const writer = new DuckDbWriter(writeConn, (c, sql, v, t) => this.query(c, sql, v, t), (err) => this.translate('write', err));
      this.session = { instance, writer, writeConn, reader, statements: new Map() };
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
    await Promise.all([this.writes.drain(), this.reads.drain(), Promise.allSettled([...this.background])]);
    this.session = undefined;
    this.opening = undefined;
    this.closing = false;
    for (const st of s.statements.values()) st.destroySync();
    s.writeConn.closeSync();
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
    const key = `${conn === s.writeConn ? 'w' : 'r'}:${sql}`;
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
      throw this.translate(operation, err);
    }
  }

  private translate(operation: string, err: unknown): Error {
    if (StorageErrors.is(err)) return err;
    const message = err instanceof Error ? err.message : String(err);
    // After an I/O error DuckDB invalidates the database; every later call fails the same way.
    if (/IO Error|FATAL|database has been invalidated/i.test(message)) return unavailable(this.file, message, err);
    return StorageErrors.create('query_failed', `duckdb ${operation} on ${this.file} failed: ${message}`, { adapter: 'duckdb', operation }, err);
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
    const result = writer.enqueue(checked);
    // One flush per write; a flush takes every batch waiting, so later ones often find nothing to do.
    void this.writes.run(() => writer.flush());
    return result;
  }

  async appendPoints(points: readonly TimePoint[]): Promise<void> {
    checkPoints(points);
    const { writer } = this.live();
    if (points.length === 0) return;
    await this.writes.run(() => this.guard('appendPoints', () => writer.appendPoints(points)));
  }

  async readPoints(query: PointQuery): Promise<TimePoint[]> {
    const { series, from, to, limit } = checkPointQuery(query);
    return this.read('readPoints', async (conn) => {
      const sql = 'SELECT time, arrival, value FROM points WHERE series = $1 AND time >= $2 AND time < $3 ORDER BY time, arrival LIMIT $4';
      const rows = await this.query(conn, sql, [series, tz(from), tz(to), limit], [VARCHAR, TIMESTAMPTZ, TIMESTAMPTZ, DOUBLE]);
      return rows.map((r) => ({ series, time: fromTz(r[0] as DuckDBValue), arrival: fromTz(r[1] as DuckDBValue), value: r[2] as number }));
    });
  }

  async appendTextPoints(points: readonly TextPoint[]): Promise<void> {
    checkTextPoints(points);
    const { writeConn } = this.live();
    if (points.length === 0) return;
    await this.writes.run(() => this.guard('appendTextPoints', () => series.appendTextPoints(writeConn, points)));
  }

  async readTextPoints(query: PointQuery): Promise<TextPoint[]> {
    const { series: name, from, to, limit } = checkPointQuery(query);
    return this.read('readTextPoints', (conn) => series.readTextPoints(conn, name, from, to, limit));
  }

  async aggregatePoints(query: AggregateQuery): Promise<AggregateRow[]> {
    const q = checkAggregateQuery(query);
    return this.read('aggregatePoints', (conn) => series.aggregate(conn, q));
  }

  async edgePoints(query: EdgeQuery): Promise<TimePoint[]> {
    const q = checkEdgeQuery(query);
    return this.read('edgePoints', async (conn) => series.edgeRows(await series.edge(conn, 'points', q)));
  }

  async edgeTextPoints(query: EdgeQuery): Promise<TextPoint[]> {
    const q = checkEdgeQuery(query);
    return this.read('edgeTextPoints', async (conn) => series.edgeTextRows(await series.edge(conn, 'text_points', q)));
  }

  async deletePoints(range: PointRange): Promise<{ points: number; textPoints: number }> {
    const r = checkRange(range);
    const { writeConn } = this.live();
    return this.writes.run(() => this.guard('deletePoints', () => series.deleteRange(writeConn, r)));
  }

  async archivePoints(range: { from: Date; to: Date }, target: ArchiveTarget): Promise<ArchiveCounts> {
    const r = checkRange(range);
    const { instance } = this.live();
    const task = this.guard('archivePoints', async () => {
      const conn = await instance.connect();
      try {
        return await series.archive(conn, r, target);
      } finally {
        conn.closeSync();
      }
    });
    this.background.add(task);
    void task.finally(() => this.background.delete(task)).catch(() => undefined);
    return task;
  }
}
