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
import type { ListOptions, PointQuery, StorageAdapter, StoredDocument, TimePoint, WriteOp, WriteResult } from '../port.js';
import { SerialQueue } from '../serial-queue.js';
import { checkCollection, checkId, checkIdList, checkListOptions, checkOps, checkPointQuery, checkPoints, compareIds } from '../validate.js';
import { applyDuckDbMigrations, readApplied } from './migrations.js';
import { canonicalPath, openInstance, releaseFile, unavailable } from './open.js';
import { DuckDbWriter, inTransaction, tz } from './writer.js';
import { Compactor } from './compaction.js';
import { compactJournal, journalExtent } from './journal.js';
import { DocumentOverlay } from './overlay.js';
import { scanMerged } from './scan.js';
import type { AggregateQuery, AggregateRow, ArchiveCounts, ArchiveTarget, EdgeQuery, PointRange, TextPoint } from '../port-series.js';
import { checkAggregateQuery, checkEdgeQuery, checkRange, checkTextPoints } from '../validate-series.js';
import * as series from './series.js';

export interface DuckDbStorageOptions {
  /** The database file; its directory is created if missing. */
  readonly file: string;
  /** DuckDB settings passed at open, e.g. { threads: '2', memory_limit: '1GB' }. */
  readonly settings?: Readonly<Record<string, string>>;
  /** Told about a failed background compaction; the journal is kept and the next compaction retries. */
  readonly onBackgroundError?: (err: Error) => void;
  /** Overlay entries before a compaction is considered (compaction.ts); tests lower it. */
  readonly compactionMinEntries?: number;
}

interface Session {
  readonly instance: DuckDBInstance;
  readonly writer: DuckDbWriter;
  readonly writeConn: DuckDBConnection;
  readonly reader: DuckDBConnection;
  readonly statements: Map<string, DuckDBPreparedStatement>;
  readonly compactConn: DuckDBConnection;
  readonly overlay: DocumentOverlay;
  readonly compactor: Compactor;
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
      // Journal rows left by the previous run (every run leaves some: compaction is not done at close)
      // are folded into the base tables first, so a session starts with an empty overlay.
      const journal = await journalExtent(writeConn);
      if (journal.rows > 0) await inTransaction(writeConn, () => compactJournal(writeConn, journal.maxSeq));
      const overlay = new DocumentOverlay(journal.maxSeq + 1);
      const compactConn = await instance.connect();
      const compactor = new Compactor({
        conn: compactConn,
        overlay,
        exclusiveOfReads: (task) => this.reads.run(task),
        onError: (err) => this.options.onBackgroundError?.(this.translate('compact', err)),
        track: (task) => this.track(task),
      }, this.options.compactionMinEntries);
      const writer = new DuckDbWriter(writeConn, overlay, (err) => this.translate('write', err), () => compactor.maybeStart());
      this.session = { instance, writer, writeConn, reader, compactConn, statements: new Map(), overlay, compactor };
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
    await s.compactor.idle(); // one may have started while the writes drained
    await this.reads.drain();
    this.session = undefined;
    this.opening = undefined;
    this.closing = false;
    for (const st of s.statements.values()) st.destroySync();
    s.writeConn.closeSync();
    s.reader.closeSync();
    s.compactConn.closeSync();
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

  /** Compactions committed since open (for tests and the benchmark). */
  compactions(): number {
    return this.live().compactor.count();
  }

  private track(task: Promise<unknown>): void {
    this.background.add(task);
    void task.finally(() => this.background.delete(task)).catch(() => undefined);
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

  // Reads take the base table's answer and let the overlay (uncompacted journal rows) override it. The
  // overlay is consulted after the query returns: whatever it holds then is at least as new as the
  // snapshot the query saw (compaction.ts explains why that holds across a compaction).

  async get(collection: CollectionName, id: string): Promise<StoredDocument | undefined> {
    const c = checkCollection(collection);
    checkId(id);
    const { overlay } = this.live();
    return this.read('get', async (conn) => {
      // Inside a read task an overlay entry can be replaced by a newer one but not dropped, so when
      // there is one now, the base table cannot have anything newer: skip the query.
      const early = overlay.lookup(c, id);
      if (early !== undefined) return early ?? undefined;
      const rows = await this.query(conn, `SELECT version, body, updated_at FROM "${c}" WHERE id = $1`, [id]);
      const fromJournal = overlay.lookup(c, id);
      if (fromJournal !== undefined) return fromJournal ?? undefined;
      const row = rows[0];
      return row === undefined ? undefined : toDoc(id, row[0] as DuckDBValue, row[1] as DuckDBValue, row[2] as DuckDBValue);
    });
  }

  async getMany(collection: CollectionName, ids: readonly string[]): Promise<StoredDocument[]> {
    const c = checkCollection(collection);
    const wanted = checkIdList(ids);
    if (wanted.length === 0) return [];
    const { overlay } = this.live();
    return this.read('getMany', async (conn) => {
      const sql = `SELECT id, version, body, updated_at FROM "${c}" WHERE id IN (SELECT unnest($1))`;
      const rows = await this.query(conn, sql, [listValue(wanted)], [LIST(VARCHAR)]);
      const found = new Map(rows.map((r) => [r[0] as string, r]));
      const out: StoredDocument[] = [];
      for (const id of wanted) {
        const fromJournal = overlay.lookup(c, id);
        const r = found.get(id);
        if (fromJournal !== undefined) {
          if (fromJournal !== null) out.push(fromJournal);
        } else if (r !== undefined) {
          out.push(toDoc(id, r[1] as DuckDBValue, r[2] as DuckDBValue, r[3] as DuckDBValue));
        }
      }
      return out.sort((a, b) => compareIds(a.id, b.id));
    });
  }

  async list(collection: CollectionName, options?: ListOptions): Promise<StoredDocument[]> {
    const c = checkCollection(collection);
    const { after, prefix, limit } = checkListOptions(options);
    const { overlay } = this.live();
    return this.read('list', async (conn) => {
      // Base rows that the overlay replaces are dropped, so a page may come up short: read on from
      // the last base id until the page is full or the table is exhausted.
      const out: StoredDocument[] = [];
      let cursor = after;
      for (;;) {
        const rows = await this.listBase(conn, c, cursor, prefix, limit);
        const exhausted = rows.length < limit;
        const upTo = exhausted ? undefined : (rows[rows.length - 1]?.[0] as string);
        const merged = rows.filter((r) => overlay.entry(c, r[0] as string) === undefined).map((r) => toDoc(r[0] as string, r[1] as DuckDBValue, r[2] as DuckDBValue, r[3] as DuckDBValue));
        merged.push(...overlay.liveInRange(c, cursor, upTo, prefix));
        out.push(...merged.sort((a, b) => compareIds(a.id, b.id)));
        if (exhausted || out.length >= limit) return out.slice(0, limit);
        cursor = upTo;
      }
    });
  }

  private listBase(conn: DuckDBConnection, c: CollectionName, after: string | undefined, prefix: string | undefined, limit: number): Promise<DuckDBValue[][]> {
    const where: string[] = [];
    const values: DuckDBValue[] = [];
    if (after !== undefined) where.push(`id > $${values.push(after)}`);
    // starts_with compares bytes: no LIKE wildcards to escape.
    if (prefix !== undefined) where.push(`starts_with(id, $${values.push(prefix)})`);
    const sql = `SELECT id, version, body, updated_at FROM "${c}"${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT $${values.push(limit)}`;
    return this.query(conn, sql, values);
  }

  /** One streaming query on a connection of its own (a page per query would sort the table per page). */
  scan(collection: CollectionName, pageSize?: number): AsyncIterable<StoredDocument> {
    return this.scanLazily(collection, pageSize);
  }

  // A generator, so that a bad collection or a closed store is reported when iterating, as elsewhere.
  private async *scanLazily(collection: CollectionName, pageSize: number | undefined): AsyncGenerator<StoredDocument> {
    const c = checkCollection(collection);
    const { instance, overlay } = this.live();
    // A full scan (the twin graph's load at start) sees every id and version: that primes the version
    // map, unless a write to the collection committed since the scan's snapshot. Otherwise the first
    // write would stop all writes while it reads the versions (2–4 s at 1M twins).
    const onComplete = (versions: Map<string, number>, writesAtSnapshot: number) => {
      if (!overlay.hasVersions(c) && overlay.writeCount(c) === writesAtSnapshot) overlay.setVersions(c, versions);
    };
    yield* scanMerged({ instance, collection: c, pageSize, startInReadQueue: (task) => this.read('scan', () => task()), overlay, toDoc, translate: (err) => this.translate('scan', err), onComplete });
  }

  async count(collection: CollectionName): Promise<number> {
    const c = checkCollection(collection);
    const { overlay } = this.live();
    return this.read('count', async (conn) => {
      const base = Number((await this.query(conn, `SELECT count(*) FROM "${c}"`, []))[0]?.[0] ?? 0);
      return base + overlay.countDelta(c);
    });
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
    this.track(task);
    return task;
  }
}
