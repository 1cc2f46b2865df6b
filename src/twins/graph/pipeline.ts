/**
 * The write pipeline with group commit. Every write (model, twin, relationship, event route) is an
 * intent: a function that validates against a StagingView and returns the storage ops, the change to
 * make in memory and the events to publish. Intents queue up; one loop takes everything queued,
 * validates it in arrival order against the committed graph plus the batch's earlier changes, writes
 * all ops in one atomic storage batch, then applies the changes to memory, publishes the events and
 * only then resolves each caller (never acknowledged before the commit).
 *
 * Ordering: one batch is in flight at a time and intents run in arrival order, so two writes to the
 * same twin are validated, committed, applied and published in the order they were submitted.
 *
 * Failure: if the combined batch fails, the intents are written again one by one in order; the first
 * one that fails gets its error, and the rest of that batch are refused unwritten (they were validated
 * against a state that now will not exist) with twins.concurrent_writer, which says to retry.
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
  /** Makes the change in memory; runs after the commit. Must not throw. */
  readonly apply: () => void;
  readonly events: readonly PublishItem[];
  readonly result: T;
}

export type Intent<T> = (view: StagingView) => Staged<T>;

interface Queued {
  readonly intent: Intent<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: unknown) => void;
}

export interface PipelineStats {
  batches: number;
  writes: number;
  largestBatch: number;
}

/** Storage accepts up to 10 000 ops per batch; stay well below. */
const MAX_OPS_PER_BATCH = 4000;
const MAX_INTENTS_PER_BATCH = 2000;

export class WritePipeline {
  private readonly queue: Queued[] = [];
  private running = false;
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
      if (!this.running) {
        this.running = true;
        // Let the writes submitted in this turn of the event loop join the same batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  /** Resolves when nothing is queued or in flight (for shutdown and tests). */
  idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.runBatch();
    } finally {
      this.running = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private async runBatch(): Promise<void> {
    const view = new StagingView(this.index, this.catalog);
    const accepted: Array<{ q: Queued; s: Staged<unknown> }> = [];
    let ops = 0;
    while (this.queue.length > 0 && accepted.length < MAX_INTENTS_PER_BATCH && ops < MAX_OPS_PER_BATCH) {
      const q = this.queue.shift() as Queued;
      try {
        const s = q.intent(view);
        accepted.push({ q, s });
        ops += s.ops.length;
      } catch (err) {
        q.reject(err);
      }
    }
    if (accepted.length === 0) return;
    this.stats.batches++;
    this.stats.writes += accepted.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, accepted.length);

    const committed = await this.commit(accepted);
    const events: PublishItem[] = [];
    for (const { s } of committed) {
      try {
        s.apply();
      } catch (err) {
        this.logger?.error({ err }, 'twins: applying a committed write to memory failed (bug); restart reloads from storage');
      }
      for (const e of s.events) events.push(e);
    }
    if (events.length > 0 && this.bus) {
      try {
        await this.bus.publishMany(events);
      } catch (err) {
        this.logger?.error({ err, events: events.length }, 'twins: publishing change events failed; the writes are stored');
      }
    }
    for (const { q, s } of committed) q.resolve(s.result);
  }

  /** The entries whose ops are stored; rejects the others. */
  private async commit(accepted: Array<{ q: Queued; s: Staged<unknown> }>): Promise<typeof accepted> {
    const all = accepted.flatMap(({ s }) => s.ops);
    try {
      if (all.length > 0) await this.store.write(all);
      return accepted;
    } catch (err) {
      if (accepted.length === 1) {
        accepted[0]!.q.reject(translate(err));
        return [];
      }
    }
    const done: typeof accepted = [];
    for (let i = 0; i < accepted.length; i++) {
      const entry = accepted[i]!;
      try {
        if (entry.s.ops.length > 0) await this.store.write(entry.s.ops);
        done.push(entry);
      } catch (err) {
        entry.q.reject(translate(err));
        for (const rest of accepted.slice(i + 1)) {
          rest.q.reject(TwinsErrors.create('concurrent_writer', 'An earlier write of the same commit batch failed, so this one was not stored; retry it', {}));
        }
        break;
      }
    }
    return done;
  }
}

/** A version conflict means another process wrote the document (several replicas on one database). */
function translate(err: unknown): unknown {
  if (StorageErrors.is(err, 'version_conflict')) {
    return TwinsErrors.create('concurrent_writer', `Another writer changed the stored document; reload and retry (${(err as Error).message})`, { ...(err as { details: object }).details });
  }
  return err;
}
