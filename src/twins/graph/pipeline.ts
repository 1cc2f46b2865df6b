/**
 * The write pipeline: writes applied in memory at once, stored by group commit behind them.
 *
 * Every write (model, twin, relationship, event route) is an intent: a function that validates
 * against a StagingView and returns the storage ops, the change to make in memory, the events to
 * publish and, for twin and relationship writes, how to undo the memory change.
 *
 * - Staging: queued intents are validated in arrival order; an intent with `undo` is applied to the
 *   in-memory graph at once, so the next write and the next query see it (ADT: "up to 10 s").
 * - Commit: one storage batch is in flight at a time; everything staged while it commits forms the
 *   next batch (one transaction, up to the port's 10,000 ops). Validation of the next writes thus
 *   overlaps the database's work on the previous batch.
 * - Acknowledgement: a caller's promise resolves only after its batch committed and its events were
 *   published, so an acknowledged write is durable (a crash loses only unacknowledged writes).
 * - Intents without `undo` (models, event routes; rare) keep the older order: they are applied
 *   after their commit, and nothing after them is validated until then, so later writes see them.
 *
 * Ordering: writes are validated, applied, stored and published in submission order, each on top
 * of the previous ones (a second patch of a twin sees the first).
 *
 * Failure (the store refuses a batch: I/O error, or another process wrote a document): the batch is
 * written again one intent at a time, in order. Those that store are acknowledged; the first that
 * fails gets its error; everything applied after it (the rest of the batch and all writes staged
 * since) is undone in memory in reverse order and validated again from the restored state, as it was
 * validated on top of a write that will not exist. Memory therefore never keeps a write the store
 * refused, and no caller gets an answer computed from one.
 */
import type { EventBus, PublishItem } from '../../bus/index.js';
import type { Logger } from '../../observability/index.js';
import type { StorageAdapter, WriteOp } from '../../storage/index.js';
import { StorageErrors } from '../../storage/index.js';
import { TwinsErrors } from '../errors.js';
import type { ModelCatalog } from '../models/catalog.js';
import type { GraphIndex } from './graph-index.js';
import { StagingView } from './staging.js';

export interface Staged<T> {
  readonly ops: readonly WriteOp[];
  /** Makes the change in memory. Must not throw. */
  readonly apply: () => void;
  /**
   * Reverses `apply` exactly, given that every later change was undone first. With it, the change is
   * applied before the commit (and undone if the commit fails); without it, after the commit.
   */
  readonly undo?: () => void;
  readonly events: readonly PublishItem[];
  readonly result: T;
}

export type Intent<T> = (view: StagingView) => Staged<T>;

interface Queued {
  readonly intent: Intent<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: unknown) => void;
}

interface Entry {
  readonly q: Queued;
  readonly s: Staged<unknown>;
  /** Applied in memory before the commit (has undo). */
  readonly early: boolean;
}

export interface PipelineStats {
  batches: number;
  writes: number;
  largestBatch: number;
}

/** The storage port takes up to 10,000 ops per batch (storage LIMITS.opsPerBatch). */
const MAX_OPS_PER_BATCH = 10_000;
const MAX_INTENTS_PER_BATCH = 10_000;

export class WritePipeline {
  private queue: Queued[] = [];
  /** Validated (and applied, if early), waiting for the next commit, in order. */
  private staged: Entry[] = [];
  private stagingScheduled = false;
  private committing = false;
  /** A late-applied intent is staged: validate nothing more until it committed and was applied. */
  private held = false;
  private idleWaiters: Array<() => void> = [];
  readonly stats: PipelineStats = { batches: 0, writes: 0, largestBatch: 0 };

  constructor(
    private readonly store: StorageAdapter,
    private readonly bus: EventBus | undefined,
    private readonly index: GraphIndex,
    private readonly catalog: ModelCatalog,
    private readonly logger: Logger | undefined,
  ) {}

  submit<T>(intent: Intent<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ intent: intent as Intent<unknown>, resolve: resolve as (v: unknown) => void, reject });
      this.scheduleStaging();
    });
  }

  /** Resolves when nothing is queued, staged or in flight (for shutdown and tests). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.staged.length === 0 && !this.committing && !this.stagingScheduled;
  }

  private scheduleStaging(): void {
    if (this.stagingScheduled || this.held) return;
    this.stagingScheduled = true;
    // Let the writes submitted in this turn of the event loop be validated (and batched) together.
    setImmediate(() => {
      this.stagingScheduled = false;
      this.stage();
    });
  }

  /** Validates (and applies early) everything queued, in order, then makes sure a commit runs. */
  private stage(): void {
    const view = new StagingView(this.index, this.catalog);
    // Consumed by index and cut once: shift() on a queue of 20,000 writes (a backing store in V8's
    // large-object space, which cannot be trimmed in place) copies the rest each time; it was 10 % of
    // the in-process patch benchmark's main thread.
    let taken = 0;
    while (taken < this.queue.length && !this.held) {
      const q = this.queue[taken++] as Queued;
      let s: Staged<unknown>;
      try {
        s = q.intent(view);
      } catch (err) {
        q.reject(err);
        view.clear();
        continue;
      }
      if (s.undo !== undefined) {
        this.applySafely(s);
        view.clear(); // memory now holds the change; the overlay would only duplicate it
        this.staged.push({ q, s, early: true });
      } else {
        this.staged.push({ q, s, early: false });
        this.held = true;
      }
    }
    this.queue.splice(0, taken);
    this.startCommits();
  }

  private startCommits(): void {
    if (this.committing) return;
    if (this.staged.length === 0) {
      this.notifyIdle();
      return;
    }
    this.committing = true;
    void this.commitLoop();
  }

  private async commitLoop(): Promise<void> {
    try {
      while (this.staged.length > 0) await this.commitNext();
    } catch (err) {
      // commitNext handles storage errors itself; this is a bug, but callers must still get an answer.
      this.logger?.error({ err }, 'twins: the write pipeline failed (bug)');
      this.abandon(err);
    } finally {
      this.committing = false;
      if (this.queue.length > 0) this.scheduleStaging();
      this.notifyIdle();
    }
  }

  private async commitNext(): Promise<void> {
    const batch: Entry[] = [];
    let ops = 0;
    while (batch.length < this.staged.length && batch.length < MAX_INTENTS_PER_BATCH) {
      const next = this.staged[batch.length] as Entry;
      if (batch.length > 0 && ops + next.s.ops.length > MAX_OPS_PER_BATCH) break;
      batch.push(next);
      ops += next.s.ops.length;
    }
    this.staged.splice(0, batch.length); // once, for the reason given in stage()
    this.stats.batches++;
    this.stats.writes += batch.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);

    const all: WriteOp[] = [];
    for (const { s } of batch) for (const op of s.ops) all.push(op);
    try {
      if (all.length > 0) await this.store.write(all);
      await this.acknowledge(batch);
      return;
    } catch (err) {
      if (batch.length === 1) return this.failAt(batch, 0, err);
    }
    // Find the write the store refuses: store the batch one intent at a time, in order.
    for (let i = 0; i < batch.length; i++) {
      const entry = batch[i] as Entry;
      try {
        if (entry.s.ops.length > 0) await this.store.write(entry.s.ops);
      } catch (err) {
        await this.acknowledge(batch.slice(0, i));
        return this.failAt(batch, i, err);
      }
    }
    await this.acknowledge(batch);
  }

  /** Stored: apply what waits for the commit, publish the events in order, answer the callers. */
  private async acknowledge(entries: readonly Entry[]): Promise<void> {
    const events: PublishItem[] = [];
    for (const e of entries) {
      if (!e.early) {
        this.applySafely(e.s);
        this.release();
      }
      for (const ev of e.s.events) events.push(ev);
    }
    if (events.length > 0 && this.bus) {
      try {
        await this.bus.publishMany(events);
      } catch (err) {
        this.logger?.error({ err, events: events.length }, 'twins: publishing change events failed; the writes are stored');
      }
    }
    for (const { q, s } of entries) q.resolve(s.result);
  }

  /**
   * `batch[i]` was refused by the store. Undo it and everything applied after it (newest first), give
   * it its error, and queue the later writes again (in order, ahead of newer ones) for validation
   * against the restored state.
   */
  private failAt(batch: readonly Entry[], i: number, err: unknown): void {
    const undone = [...batch.slice(i), ...this.staged];
    this.staged = [];
    for (let k = undone.length - 1; k >= 0; k--) {
      const e = undone[k] as Entry;
      if (!e.early) continue;
      try {
        e.s.undo?.();
      } catch (undoErr) {
        this.logger?.error({ err: undoErr }, 'twins: undoing a refused write in memory failed (bug); restart reloads from storage');
      }
    }
    this.release();
    (undone[0] as Entry).q.reject(translate(err));
    this.queue = [...undone.slice(1).map((e) => e.q), ...this.queue];
    if (this.queue.length > 0) this.scheduleStaging();
  }

  /** Unexpected failure: answer everyone staged with the error and reset (memory may be ahead). */
  private abandon(err: unknown): void {
    const entries = this.staged;
    this.staged = [];
    for (let k = entries.length - 1; k >= 0; k--) if (entries[k]!.early) entries[k]!.s.undo?.();
    this.release();
    for (const e of entries) e.q.reject(err);
  }

  private applySafely(s: Staged<unknown>): void {
    try {
      s.apply();
    } catch (err) {
      this.logger?.error({ err }, 'twins: applying a write to memory failed (bug); restart reloads from storage');
    }
  }

  private release(): void {
    if (!this.held) return;
    this.held = false;
    if (this.queue.length > 0) this.scheduleStaging();
  }

  private notifyIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

/** A version conflict means another process wrote the document (several replicas on one database). */
function translate(err: unknown): unknown {
  if (StorageErrors.is(err, 'version_conflict')) {
    return TwinsErrors.create('concurrent_writer', `Another writer changed the stored document; reload and retry (${(err as Error).message})`, { ...(err as { details: object }).details });
  }
  return err;
}
