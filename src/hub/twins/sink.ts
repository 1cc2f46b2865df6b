/**
 * Applies binding patches to twins through the TwinUpdater port, after the messages are durable.
 * At most one update per twin runs at a time; values that arrive while it runs are merged into the
 * next update (per property, the value with the newest source time wins, and a value older than
 * what the twin already shows is dropped). So a twin follows its machine within one update round
 * trip at any rate, and the update rate adapts to what the twin graph can take instead of queueing.
 */
import type { JsonObject, JsonPatchOperation } from '../../bus/index.js';
import type { TwinUpdater } from './port.js';

/**
 * One twin's next update. The first message's patch is taken as it is (the common case at device
 * rates: one message per twin per round, no copy); a second message builds the per-path index and
 * per-operation source times and merges into it.
 */
interface Pending {
  readonly ops: JsonPatchOperation[];
  /** Source time per operation (same order as `ops`), once two messages were merged. */
  times: number[] | undefined;
  index: Map<string, number> | undefined;
  sourceMs: number;
  messages: number;
}

/** The newest source time applied per twin property (mutated in place: no allocation per update). */
interface Applied {
  ms: number;
}

export interface TwinSinkStats {
  readonly updates: number;
  readonly failures: number;
  readonly merged: number;
}

export interface TwinSinkOptions {
  readonly concurrency?: number;
  readonly onError?: (twinId: string, err: unknown) => void;
  readonly onUpdate?: (info: { twinId: string; messages: number; ms: number }) => void;
}

export class TwinSink {
  private readonly pending = new Map<string, Pending>();
  private readonly ready: string[] = [];
  private readonly running = new Set<string>();
  private readonly applied = new Map<string, Map<string, Applied>>();
  private readonly concurrency: number;
  private stats = { updates: 0, failures: 0, merged: 0 };
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly updater: TwinUpdater,
    private readonly options: TwinSinkOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 32;
  }

  get snapshot(): TwinSinkStats {
    return { ...this.stats };
  }

  get backlog(): number {
    return this.pending.size;
  }

  /** Queues a patch for a twin (the sink may keep `patch`: pass an array nobody changes later). */
  enqueue(twinId: string, patch: readonly JsonPatchOperation[], sourceMs: number): void {
    if (patch.length === 0) return;
    const seen = this.applied.get(twinId);
    let p = this.pending.get(twinId);
    // Only value-setting operations are merged; each leaves as `add` (creates or replaces the property).
    let usable = true;
    for (const op of patch) {
      if (op.op !== 'add' || (seen && (seen.get(op.path)?.ms ?? -Infinity) > sourceMs)) {
        usable = false;
        break;
      }
    }
    if (!p) {
      const ops = usable ? (patch as JsonPatchOperation[]) : TwinSink.settable(patch, seen, sourceMs);
      if (ops.length === 0) return;
      p = { ops, times: undefined, index: undefined, sourceMs, messages: 1 };
      this.pending.set(twinId, p);
      if (!this.running.has(twinId)) this.ready.push(twinId);
    } else {
      const ops = usable ? patch : TwinSink.settable(patch, seen, sourceMs);
      if (ops.length === 0) return;
      TwinSink.merge(p, ops, sourceMs);
      p.messages++;
      this.stats.merged++;
      if (sourceMs > p.sourceMs) p.sourceMs = sourceMs;
    }
    this.schedule();
  }

  /** The `add`/`replace` operations of a patch as `add`, less values older than what the twin shows. */
  private static settable(patch: readonly JsonPatchOperation[], seen: Map<string, Applied> | undefined, sourceMs: number): JsonPatchOperation[] {
    const out: JsonPatchOperation[] = [];
    for (const op of patch) {
      if (op.op !== 'add' && op.op !== 'replace') continue;
      if (seen && (seen.get(op.path)?.ms ?? -Infinity) > sourceMs) continue; // the twin already shows newer data
      out.push(op.op === 'add' ? op : { op: 'add', path: op.path, value: op.value });
    }
    return out;
  }

  /** Per property, the value with the newest source time wins. */
  private static merge(p: Pending, ops: readonly JsonPatchOperation[], sourceMs: number): void {
    if (!p.index) {
      p.index = new Map();
      p.times = [];
      for (let i = 0; i < p.ops.length; i++) {
        p.index.set(p.ops[i]!.path, i);
        p.times.push(p.sourceMs);
      }
    }
    const times = p.times!;
    for (const op of ops) {
      const i = p.index.get(op.path);
      if (i === undefined) {
        p.index.set(op.path, p.ops.length);
        p.ops.push(op);
        times.push(sourceMs);
      } else if (times[i]! <= sourceMs) {
        p.ops[i] = op;
        times[i] = sourceMs;
      }
    }
  }

  private scheduled = false;

  /** Pumps on the next turn, so updates enqueued together (a commit's worth) leave in one batch. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  telemetry(twinId: string, values: JsonObject, sourceMs: number): void {
    if (!this.updater.publishTelemetry) return;
    this.updater.publishTelemetry(twinId, values, { sourceTime: new Date(sourceMs).toISOString() }).catch((err: unknown) => this.options.onError?.(twinId, err));
  }

  private calls = 0;

  private pump(): void {
    if (this.updater.patchTwins) {
      // Batch form: up to 256 twins per call, `concurrency` calls at once.
      while (this.calls < this.concurrency && this.ready.length > 0) {
        const take = this.ready.splice(0, 256);
        const batch: Array<[string, Pending]> = [];
        for (const twinId of take) {
          const p = this.pending.get(twinId);
          if (!p) continue;
          this.pending.delete(twinId);
          this.running.add(twinId);
          batch.push([twinId, p]);
        }
        if (batch.length > 0) void this.applyMany(batch);
      }
    } else {
      while (this.running.size < this.concurrency && this.ready.length > 0) {
        const twinId = this.ready.shift() as string;
        const p = this.pending.get(twinId);
        if (!p) continue;
        this.pending.delete(twinId);
        this.running.add(twinId);
        void this.apply(twinId, p);
      }
    }
    if (this.running.size === 0 && this.ready.length === 0 && this.calls === 0) {
      for (const w of this.idleWaiters) w();
      this.idleWaiters = [];
    }
  }

  private static patchOf(p: Pending): JsonPatchOperation[] {
    return p.ops;
  }

  private succeeded(twinId: string, p: Pending, ms: number): void {
    this.stats.updates++;
    let seen = this.applied.get(twinId);
    if (!seen) {
      if (this.applied.size > 500_000) this.applied.clear(); // bound memory; only ordering of stale values is lost
      this.applied.set(twinId, (seen = new Map()));
    }
    for (let i = 0; i < p.ops.length; i++) {
      const path = p.ops[i]!.path;
      const t = p.times ? p.times[i]! : p.sourceMs;
      const a = seen.get(path);
      if (!a) seen.set(path, { ms: t });
      else if (a.ms < t) a.ms = t;
    }
    this.options.onUpdate?.({ twinId, messages: p.messages, ms });
  }

  private failed(twinId: string, err: unknown): void {
    this.stats.failures++;
    this.options.onError?.(twinId, err);
  }

  private done(twinId: string): void {
    this.running.delete(twinId);
    if (this.pending.has(twinId)) this.ready.push(twinId);
  }

  private async apply(twinId: string, p: Pending): Promise<void> {
    const started = performance.now();
    try {
      await this.updater.patchTwin(twinId, TwinSink.patchOf(p), { sourceTime: new Date(p.sourceMs).toISOString() });
      this.succeeded(twinId, p, performance.now() - started);
    } catch (err) {
      this.failed(twinId, err);
    } finally {
      this.done(twinId);
      this.pump();
    }
  }

  private async applyMany(batch: Array<[string, Pending]>): Promise<void> {
    this.calls++;
    const started = performance.now();
    try {
      const results = await this.updater.patchTwins!(batch.map(([twinId, p]) => ({ twinId, patch: TwinSink.patchOf(p), sourceTime: new Date(p.sourceMs).toISOString() })));
      const ms = performance.now() - started;
      batch.forEach(([twinId, p], i) => (results[i] ? this.failed(twinId, results[i]) : this.succeeded(twinId, p, ms)));
    } catch (err) {
      for (const [twinId] of batch) this.failed(twinId, err);
    } finally {
      this.calls--;
      for (const [twinId] of batch) this.done(twinId);
      this.pump();
    }
  }

  /** Resolves when nothing is pending or running (tests, shutdown). */
  idle(): Promise<void> {
    if (this.running.size === 0 && this.ready.length === 0 && this.calls === 0 && !this.scheduled) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }
}
