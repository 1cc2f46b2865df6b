/**
 * The DuckDB write path, run only from the adapter's writer queue (one at a time).
 *
 * Group commit: write() calls that queue up while a transaction is committing are planned together
 * and committed in one transaction (one journal append, journal.ts). A durable commit costs
 * milliseconds (WAL fsync); sharing it is what lets concurrent writers scale. Each batch is still
 * all-or-nothing on its own: a batch whose version check fails is rejected alone (plan.ts), and no
 * batch is acknowledged before the commit.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { idsByCollection, planBatches } from '../plan.js';
import type { TimePoint, WriteResult } from '../port.js';
import type { CheckedOp } from '../validate.js';
import { CHUNK_ROWS, pointChunk, tz } from './chunks.js';
import { appendJournal, readVersions } from './journal.js';
import { inTransaction } from './transaction.js';
import type { DocumentOverlay } from './overlay.js';

export { tz };
export { inTransaction };


interface Pending {
  readonly ops: readonly CheckedOp[];
  resolve(results: WriteResult[]): void;
  reject(err: unknown): void;
}

/** Bounds one group so a burst cannot build an unbounded transaction. */
const MAX_GROUP_OPS = 20_000;

export class DuckDbWriter {
  private pending: Pending[] = [];

  constructor(
    private readonly conn: DuckDBConnection,
    /** Versions and uncompacted journal rows (overlay.ts); the writer is the only one to record into it. */
    private readonly overlay: DocumentOverlay,
    /** Maps a database error to the storage catalogue. */
    private readonly translate: (err: unknown) => Error,
    /** Called after each group commit, so the adapter can start a compaction when the journal is long. */
    private readonly afterCommit: () => void = () => undefined,
  ) {}

  /** Registers a batch; it is applied by the next flush(). */
  enqueue(ops: readonly CheckedOp[]): Promise<WriteResult[]> {
    return new Promise((resolve, reject) => this.pending.push({ ops, resolve, reject }));
  }

  /**
   * Commits every batch waiting (up to MAX_GROUP_OPS ops) as one journal append (journal.ts): plan
   * against the in-memory versions, append the net changes, record them once committed. Never throws.
   */
  async flush(): Promise<void> {
    // Creating an appender resolves without a trip through libuv and its flush is synchronous, so
    // back-to-back writes would otherwise run as one chain of microtasks and starve the event loop,
    // including the compaction's and the readers' DuckDB callbacks (seen in a test). One turn of the
    // loop per group also lets more batches join the group.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const group: Pending[] = [];
    let ops = 0;
    while (this.pending.length > 0 && (group.length === 0 || ops + (this.pending[0] as Pending).ops.length <= MAX_GROUP_OPS)) {
      const next = this.pending.shift() as Pending;
      group.push(next);
      ops += next.ops.length;
    }
    if (group.length === 0) return;
    try {
      const batches = group.map((p) => p.ops);
      for (const c of idsByCollection(batches).keys()) {
        if (!this.overlay.hasVersions(c)) this.overlay.setVersions(c, await readVersions(this.conn, c));
      }
      const plan = planBatches(batches, (c, id) => this.overlay.version(c, id));
      const rows = this.overlay.rowsFor(plan.changes);
      if (rows.length > 0) {
        const at = new Date();
        await appendJournal(this.conn, rows, at);
        this.overlay.record(rows, at);
      }
      group.forEach((p, i) => {
        const outcome = plan.outcomes[i] as WriteResult[] | Error;
        if (outcome instanceof Error) p.reject(outcome);
        else p.resolve(outcome);
      });
      this.afterCommit();
    } catch (err) {
      const e = this.translate(err);
      for (const p of group) p.reject(e);
    }
    // Batches that did not fit stay queued; the adapter queued one flush per write, so they get theirs.
  }

  /**
   * Points go in as data chunks through the appender: one native call per column per 2048 rows
   * instead of five per row (2–3× faster, see docs/storage.md), built in one pass (chunks.ts).
   *
   * All-or-nothing and off the main thread: every append runs inside BEGIN … COMMIT. Without the
   * explicit transaction the appender's synchronous flush would commit, and every few seconds
   * checkpoint (300–700 ms), on the main thread, stalling every PUBACK of the device hub (docs/hub.md);
   * the COMMIT is async and runs on DuckDB's threads. The two round trips cost about 1 ms of CPU per
   * append, which group commit spreads over thousands of points.
   */
  async appendPoints(points: readonly TimePoint[]): Promise<void> {
    return inTransaction(this.conn, () => this.appendChunks(points));
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
