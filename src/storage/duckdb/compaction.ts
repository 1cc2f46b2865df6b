/**
 * Folds the document journal into the base tables (journal.ts) when it has grown, on a connection of
 * its own so that writes keep appending meanwhile (they only add journal rows past `upTo`, which the
 * compaction neither reads nor deletes).
 *
 * Reads merge a base-table snapshot with the overlay. The overlay entries of the compacted rows must
 * disappear exactly when the base tables gain them, so the COMMIT and `dropCompacted` run as one read-
 * queue task: no read holds a snapshot from before the commit while seeing the overlay from after it.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { compactJournal } from './journal.js';
import type { DocumentOverlay } from './overlay.js';

/** Compaction waits for at least this many overlay entries (small stores compact rarely)... */
export const MIN_COMPACTION_ENTRIES = 10_000;
/** ...or this share of the known documents: each compaction scans the base tables once, so its
 * cost is spread over more writes as the store grows. */
const COMPACTION_SHARE = 1 / 8;
/** The journal may hold several rows per id; bound it as well. */
const JOURNAL_ROWS_PER_ENTRY = 4;

export interface CompactorDeps {
  /** A connection only compaction uses (opened with the store: connecting while the writer is busy
   * waited ~0.5 s in a test). */
  readonly conn: DuckDBConnection;
  readonly overlay: DocumentOverlay;
  /** Runs a task with no read in flight (the adapter's read queue). */
  readonly exclusiveOfReads: (task: () => Promise<void>) => Promise<void>;
  /** Reports a failed background compaction (the journal stays; the next one retries). */
  readonly onError: (err: unknown) => void;
  /** Tells the adapter about work that close() must wait for. */
  readonly track: (task: Promise<unknown>) => void;
}

export class Compactor {
  private running: Promise<void> | undefined;
  private completed = 0;

  constructor(
    private readonly deps: CompactorDeps,
    /** Tests set a small one to compact often. */
    private readonly minEntries = MIN_COMPACTION_ENTRIES,
  ) {}

  /** Compactions committed since open. */
  count(): number {
    return this.completed;
  }

  /** Starts a background compaction when the journal is long enough and none is running. */
  maybeStart(): void {
    if (this.running !== undefined || !this.due()) return;
    const task = this.run().catch((err: unknown) => this.deps.onError(err));
    this.running = task.finally(() => {
      this.running = undefined;
    });
    this.deps.track(this.running);
  }

  /** Waits for a running compaction, if any. */
  async idle(): Promise<void> {
    await this.running;
  }

  private due(): boolean {
    const { overlay } = this.deps;
    const threshold = Math.max(this.minEntries, Math.floor(overlay.knownDocuments() * COMPACTION_SHARE));
    return overlay.entryCount() >= threshold || overlay.journalRowCount() >= threshold * JOURNAL_ROWS_PER_ENTRY;
  }

  /** Compacts every journal row appended so far. */
  async run(): Promise<void> {
    const { conn, overlay, exclusiveOfReads } = this.deps;
    const upTo = overlay.beginCompaction();
    await conn.run('BEGIN TRANSACTION');
    try {
      const removed = await compactJournal(conn, upTo);
      await exclusiveOfReads(async () => {
        await conn.run('COMMIT');
        overlay.dropCompacted(upTo, removed);
      });
      this.completed++;
    } catch (err) {
      await conn.run('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }
}
