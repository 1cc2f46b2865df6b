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
    this.pump();
  }

  telemetry(twinId: string, values: JsonObject, sourceMs: number): void {
    if (!this.updater.publishTelemetry) return;
    this.updater.publishTelemetry(twinId, values, { sourceTime: new Date(sourceMs).toISOString() }).catch((err: unknown) => this.options.onError?.(twinId, err));
  }

  private pump(): void {
    while (this.running.size < this.concurrency && this.ready.length > 0) {
      const twinId = this.ready.shift() as string;
      const p = this.pending.get(twinId);
      if (!p) continue;
      this.pending.delete(twinId);
      this.running.add(twinId);
      void this.apply(twinId, p);
    }
    if (this.running.size === 0 && this.ready.length === 0) {
      for (const w of this.idleWaiters) w();
      this.idleWaiters = [];
    }
  }

  private async apply(twinId: string, p: Pending): Promise<void> {
    const patch: JsonPatchOperation[] = [];
    for (const [path, { value }] of p.props) patch.push({ op: 'add', path, value });
    const started = performance.now();
    try {
      await this.updater.patchTwin(twinId, patch, { sourceTime: new Date(p.sourceMs).toISOString() });
      this.stats.updates++;
      let seen = this.applied.get(twinId);
      if (!seen) {
        if (this.applied.size > 500_000) this.applied.clear(); // bound memory; only ordering of stale values is lost
        this.applied.set(twinId, (seen = new Map()));
      }
      for (const [path, { sourceMs }] of p.props) if ((seen.get(path) ?? -Infinity) < sourceMs) seen.set(path, sourceMs);
      this.options.onUpdate?.({ twinId, messages: p.messages, ms: performance.now() - started });
    } catch (err) {
      this.stats.failures++;
      this.options.onError?.(twinId, err);
    } finally {
      this.running.delete(twinId);
      if (this.pending.has(twinId)) this.ready.push(twinId);
      this.pump();
    }
  }

  /** Resolves when nothing is pending or running (tests, shutdown). */
  idle(): Promise<void> {
    if (this.running.size === 0 && this.ready.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }
}
