/**
 * The DuckDB write path, run only from the adapter's writer queue (one at a time).
 *
 * Group commit: write() calls that queue up while a transaction is committing are planned together
 * and committed in one transaction. A durable COMMIT costs milliseconds (WAL fsync); sharing it is
 * what lets concurrent writers scale. Each batch is still all-or-nothing on its own: a batch whose
 * version check fails is rejected alone (plan.ts), and no batch is acknowledged before the COMMIT.
 */
import { BIGINT, LIST, TIMESTAMPTZ, VARCHAR, listValue, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import type { CollectionName } from '../collections.js';
import { idsByCollection, planBatches, type CollectionChanges, type PlannedRow } from '../plan.js';
import type { TimePoint, WriteResult } from '../port.js';
import type { CheckedOp } from '../validate.js';
import { CHUNK_ROWS, pointChunk, tz } from './chunks.js';

export { tz };

export type QueryFn = (conn: DuckDBConnection, sql: string, values: DuckDBValue[], types?: DuckDBType[]) => Promise<DuckDBValue[][]>;

interface Pending {
  readonly ops: readonly CheckedOp[];
  resolve(results: WriteResult[]): void;
  reject(err: unknown): void;
}

/** Appends up to this many rows are one appender flush, hence one transaction (see appendPoints). */
export const SINGLE_FLUSH_ROWS = 100_000;

/** Bounds one group so a burst cannot build an unbounded transaction. */
const MAX_GROUP_OPS = 20_000;

export async function inTransaction<T>(conn: DuckDBConnection, body: () => Promise<T>): Promise<T> {
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

export class DuckDbWriter {
  private pending: Pending[] = [];

  constructor(
    private readonly conn: DuckDBConnection,
    private readonly query: QueryFn,
    /** Maps a database error to the storage catalogue. */
    private readonly translate: (err: unknown) => Error,
  ) {}

  /** Registers a batch; it is applied by the next flush(). */
  enqueue(ops: readonly CheckedOp[]): Promise<WriteResult[]> {
    return new Promise((resolve, reject) => this.pending.push({ ops, resolve, reject }));
  }

  /** Commits every batch waiting (up to MAX_GROUP_OPS ops) in one transaction. Never throws. */
  async flush(): Promise<void> {
    const group: Pending[] = [];
    let ops = 0;
    while (this.pending.length > 0 && (group.length === 0 || ops + (this.pending[0] as Pending).ops.length <= MAX_GROUP_OPS)) {
      const next = this.pending.shift() as Pending;
      group.push(next);
      ops += next.ops.length;
    }
    if (group.length === 0) return;
    try {
      const outcomes = await inTransaction(this.conn, async () => {
        const batches = group.map((p) => p.ops);
        const stored = await this.readVersions(idsByCollection(batches));
        const plan = planBatches(batches, (c, id) => stored.get(`${c}\u0000${id}`));
        await this.applyChanges(plan.changes);
        return plan.outcomes;
      });
      group.forEach((p, i) => {
        const outcome = outcomes[i] as WriteResult[] | Error;
        if (outcome instanceof Error) p.reject(outcome);
        else p.resolve(outcome);
      });
    } catch (err) {
      const e = this.translate(err);
      for (const p of group) p.reject(e);
    }
    // Batches that did not fit stay queued; the adapter queued one flush per write, so they get theirs.
  }

  private async readVersions(ids: Map<CollectionName, string[]>): Promise<Map<string, number>> {
    const stored = new Map<string, number>();
    for (const [c, list] of ids) {
      // The list forms cost about half a millisecond more per statement, so a single id uses `=`.
      const rows =
        list.length === 1
          ? await this.query(this.conn, `SELECT id, version FROM "${c}" WHERE id = $1`, list)
          : await this.query(this.conn, `SELECT id, version FROM "${c}" WHERE id IN (SELECT unnest($1))`, [listValue(list)], [LIST(VARCHAR)]);
      for (const r of rows) stored.set(`${c}\u0000${r[0] as string}`, Number(r[1]));
    }
    return stored;
  }

  private async applyChanges(changes: Map<CollectionName, CollectionChanges>): Promise<void> {
    const now = tz(new Date());
    const lists = (rows: readonly PlannedRow[]): DuckDBValue[] => [listValue(rows.map((r) => r.id)), listValue(rows.map((r) => BigInt(r.version))), listValue(rows.map((r) => r.bodyText)), now];
    const types = [LIST(VARCHAR), LIST(BIGINT), LIST(VARCHAR), TIMESTAMPTZ];
    const row = (r: PlannedRow): DuckDBValue[] => [r.id, BigInt(r.version), r.bodyText, now];
    for (const [c, { inserts, updates, deletes }] of changes) {
      const t = `"${c}"`;
      if (deletes.length > 0) await this.query(this.conn, `DELETE FROM ${t} WHERE id IN (SELECT unnest($1))`, [listValue(deletes)], [LIST(VARCHAR)]);
      if (updates.length === 1) {
        await this.query(this.conn, `UPDATE ${t} SET version = $2, body = $3, updated_at = $4 WHERE id = $1`, row(updates[0] as PlannedRow));
      } else if (updates.length > 1) {
        const sql = `UPDATE ${t} SET version = v.version, body = v.body, updated_at = $4 FROM (SELECT unnest($1) AS id, unnest($2) AS version, unnest($3)::JSON AS body) AS v WHERE ${t}.id = v.id`;
        await this.query(this.conn, sql, lists(updates), types);
      }
      if (inserts.length === 1) {
        await this.query(this.conn, `INSERT INTO ${t} (id, version, body, updated_at) VALUES ($1, $2, $3, $4)`, row(inserts[0] as PlannedRow));
      } else if (inserts.length > 1) {
        await this.query(this.conn, `INSERT INTO ${t} (id, version, body, updated_at) SELECT unnest($1), unnest($2), unnest($3)::JSON, $4`, lists(inserts), types);
      }
    }
  }

  /**
   * Points go in as data chunks through the appender: one native call per column per 2048 rows
   * instead of five per row (2–3× faster, see docs/storage.md), built in one pass (chunks.ts).
   *
   * All-or-nothing: outside a transaction the appender's flush is one auto-committed transaction, and
   * it only flushes on its own once it holds DuckDB's flush count (100 vectors, 204 800 rows), so an
   * append below SINGLE_FLUSH_ROWS commits exactly once, at flushSync, which returns after the
   * commit (the write is acknowledged only then). That saves the BEGIN and COMMIT round trips on
   * the ingest path. Larger appends run inside an explicit transaction.
   */
  async appendPoints(points: readonly TimePoint[]): Promise<void> {
    if (points.length > SINGLE_FLUSH_ROWS) return inTransaction(this.conn, () => this.appendChunks(points));
    return this.appendChunks(points);
  }

  private async appendChunks(points: readonly TimePoint[]): Promise<void> {
    const appender = await this.conn.createAppender('points');
    try {
      for (let start = 0; start < points.length; start += CHUNK_ROWS) {
        appender.appendDataChunk(pointChunk(points, start, Math.min(CHUNK_ROWS, points.length - start)));
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }
}
