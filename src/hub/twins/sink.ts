/**
 * Applies binding patches to twins through the TwinUpdater port, after the messages are durable.
 * At most one update per twin runs at a time; values that arrive while it runs are merged into the
 * next update (per property, the value with the newest source time wins, and a value older than
 * what the twin already shows is dropped). So a twin follows its machine within one update round
 * trip at any rate, and the update rate adapts to what the twin graph can take instead of queueing.
 */
import type { JsonObject, JsonPatchOperation, JsonValue } from '../../bus/index.js';
import type { TwinUpdater } from './port.js';

interface Pending {
  readonly props: Map<string, { value: JsonValue; sourceMs: number }>;
  sourceMs: number;
  messages: number;
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
  private readonly applied = new Map<string, Map<string, number>>();
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

  enqueue(twinId: string, patch: readonly JsonPatchOperation[], sourceMs: number): void {
    if (patch.length === 0) return;
    const seen = this.applied.get(twinId);
    let p = this.pending.get(twinId);
    for (const op of patch) {
      if (op.op !== 'add' && op.op !== 'replace') continue;
      if (seen && (seen.get(op.path) ?? -Infinity) > sourceMs) continue; // the twin already shows newer data
      if (!p) {
        p = { props: new Map(), sourceMs, messages: 0 };
        this.pending.set(twinId, p);
        if (!this.running.has(twinId)) this.ready.push(twinId);
      }
      const prev = p.props.get(op.path);
      if (!prev || prev.sourceMs <= sourceMs) p.props.set(op.path, { value: op.value, sourceMs });
    }
    if (p) {
      p.messages++;
      if (p.messages > 1) this.stats.merged++;
      if (sourceMs > p.sourceMs) p.sourceMs = sourceMs;
    }
    this.schedule();
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
    const patch: JsonPatchOperation[] = [];
    for (const [path, { value }] of p.props) patch.push({ op: 'add', path, value });
    return patch;
  }

  private succeeded(twinId: string, p: Pending, ms: number): void {
    this.stats.updates++;
    let seen = this.applied.get(twinId);
    if (!seen) {
      if (this.applied.size > 500_000) this.applied.clear(); // bound memory; only ordering of stale values is lost
      this.applied.set(twinId, (seen = new Map()));
    }
    for (const [path, { sourceMs }] of p.props) if ((seen.get(path) ?? -Infinity) < sourceMs) seen.set(path, sourceMs);
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
