/**
 * The history writer: turns `telemetry.received` and `twin.updated` events into points and writes
 * them in batches, at most `maxBatchPoints` at a time and at most `maxDelayMs` after the first
 * point of a batch arrived.
 *
 * Nothing acknowledged is lost: a handler returns only when the batch holding its points is
 * committed, and the bus acknowledges the event only then (durable consumers `history-telemetry`,
 * `history-twins`). A failed batch fails every handler in it, so the bus redelivers those events.
 * The price of at-least-once: after a crash or a failed batch, some points may be stored twice
 * (same series, time and arrival); counters and time-weighted averages are unaffected, counts are.
 *
 * Numbers go to `points`, booleans as 1/0, strings (machine state, reasons) to `text_points`.
 */
import type { EventBus, Subscription, TelemetryReceived, TwinUpdated } from '../bus/index.js';
import type { StorageAdapter, TextPoint, TimePoint } from '../storage/index.js';
import { DEVICE_PREFIX, SeriesCatalogue, propertySeries, telemetrySeries, type SeriesInfo } from './catalogue.js';

export interface HistoryWriterOptions {
  readonly store: StorageAdapter;
  readonly catalogue: SeriesCatalogue;
  /** Default 10 000. */
  readonly maxBatchPoints?: number;
  /** Default 200 ms. */
  readonly maxDelayMs?: number;
  readonly onError?: (err: unknown) => void;
}

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

export interface WriterStats {
  points: number;
  textPoints: number;
  batches: number;
  failedBatches: number;
}

const MAX_STRING_BYTES = 4096;

export class HistoryWriter {
  private points: TimePoint[] = [];
  private texts: TextPoint[] = [];
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly subscriptions: Subscription[] = [];
  readonly stats: WriterStats = { points: 0, textPoints: 0, batches: 0, failedBatches: 0 };
  private readonly maxBatch: number;
  private readonly maxDelay: number;

  constructor(private readonly options: HistoryWriterOptions) {
    this.maxBatch = options.maxBatchPoints ?? 10_000;
    this.maxDelay = options.maxDelayMs ?? 200;
  }

  /** Subscribes with durable consumers; high concurrency so many events share one batch. */
  async start(bus: EventBus, options: { telemetry?: boolean } = {}): Promise<void> {
    const common = { concurrency: 512, maxAckPending: 20_000, ackWaitMs: 60_000, deliver: 'all' as const };
    // telemetry: false when the device hub hands messages to `telemetry()` itself (its durable history
    // port): reading `telemetry.received` too would store a message twice when a route also asks for it.
    if (options.telemetry ?? true) this.subscriptions.push(await bus.subscribe('telemetry.received', (e) => this.telemetry(e.payload), { ...common, durable: 'history-telemetry' }));
    this.subscriptions.push(await bus.subscribe('twin.updated', (e) => this.twinUpdated(e.payload), { ...common, durable: 'history-twins' }));
  }

  async stop(): Promise<void> {
    await Promise.all(this.subscriptions.splice(0).map((s) => s.close()));
    await this.flush();
  }

  /** Stores one telemetry event; resolves once its points are committed. */
  telemetry(t: TelemetryReceived): Promise<void> {
    return this.addTelemetry(t) ? this.enqueue() : Promise.resolve();
  }

  /**
   * Stores a batch another component already gathered (the device hub's group commit): one waiter
   * for the whole batch, written at once instead of after the writer's own delay.
   */
  telemetryBatch(messages: readonly TelemetryReceived[]): Promise<void> {
    let any = false;
    for (const t of messages) any = this.addTelemetry(t) || any;
    if (!any) return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    void this.flush();
    return done;
  }

  /** Buffers the event's values; false when it has none to store. */
  private addTelemetry(t: TelemetryReceived): boolean {
    const time = new Date(t.sourceTime);
    const arrival = new Date(t.arrivalTime);
    const entries = Object.entries(t.values);
    if (entries.length === 0 || Number.isNaN(time.getTime()) || Number.isNaN(arrival.getTime())) return false;
    for (const [signal, v] of entries) {
      const series = telemetrySeries(t.deviceId, t.twinId, signal);
      const base = { series, signal, source: 'telemetry' as const, ...(t.twinId !== undefined ? { twinId: t.twinId } : {}), deviceId: t.deviceId };
      this.add(series, time, arrival, v, base);
    }
    return true;
  }

  /** Stores the values a twin patch set (add/replace of scalars); removals are not values. */
  twinUpdated(u: TwinUpdated): Promise<void> {
    const time = new Date(u.time);
    let any = false;
    for (const op of u.patch) {
      if (op.op !== 'add' && op.op !== 'replace') continue;
      const v = op.value;
      if (typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean') continue;
      // JSON Pointer (RFC 6901 §4): ~1 is '/', ~0 is '~'. Nested paths keep their '/' separators.
      const path = op.path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).join('/');
      if (path === '' || path.startsWith('$')) continue;
      const series = propertySeries(u.twinId, path);
      this.add(series, time, time, v, { series, signal: path, source: 'property', twinId: u.twinId });
      any = true;
    }
    return any ? this.enqueue() : Promise.resolve();
  }

  /**
   * Values another context computed (the ML live scorer's anomaly scores, `<twinId>/anomaly:<signal>`),
   * batched with the rest and catalogued as `derived` under the twin before the first '/', so they
   * are selected by twin and signal like telemetry. Resolves once committed. Names without a twin
   * part and non-finite values are skipped.
   */
  derived(points: ReadonlyArray<{ readonly series: string; readonly time: number; readonly value: number }>, arrival = new Date()): Promise<void> {
    let any = false;
    for (const p of points) {
      const slash = p.series.indexOf('/');
      if (slash <= 0 || slash === p.series.length - 1 || !Number.isFinite(p.time)) continue;
      const owner = p.series.slice(0, slash);
      const of = owner.startsWith(DEVICE_PREFIX) ? { deviceId: owner.slice(DEVICE_PREFIX.length) } : { twinId: owner };
      this.add(p.series, new Date(p.time), arrival, p.value, { series: p.series, signal: p.series.slice(slash + 1), source: 'derived', ...of });
      any = true;
    }
    return any ? this.enqueue() : Promise.resolve();
  }

  private add(series: string, time: Date, arrival: Date, v: number | string | boolean, info: Omit<SeriesInfo, 'kind' | 'firstSeen'>): void {
    if (typeof v === 'string') {
      if (Buffer.byteLength(v, 'utf8') > MAX_STRING_BYTES || v.includes('\u0000')) return;
      this.texts.push({ series, time, arrival, text: v });
      this.noteSeries(info, 'text', arrival);
      return;
    }
    const value = typeof v === 'boolean' ? (v ? 1 : 0) : v;
    if (!Number.isFinite(value)) return;
    this.points.push({ series, time, arrival, value });
    this.noteSeries(info, 'number', arrival);
  }

  private noteSeries(info: Omit<SeriesInfo, 'kind' | 'firstSeen'>, kind: 'number' | 'text', at: Date): void {
    if (this.options.catalogue.get(info.series) === undefined) this.options.catalogue.note({ ...info, kind, firstSeen: at.toISOString() });
  }

  private enqueue(): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (this.points.length + this.texts.length >= this.maxBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.maxDelay);
    return done;
  }

  /** Writes what is buffered now (after any flush already running). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const points = this.points;
    const texts = this.texts;
    const waiters = this.waiters;
    this.points = [];
    this.texts = [];
    this.waiters = [];
    if (waiters.length === 0 && points.length === 0 && texts.length === 0) return this.flushing;
    const run = this.flushing.then(async () => {
      try {
        await this.options.catalogue.persist();
        for (let i = 0; i < points.length; i += 100_000) await this.options.store.appendPoints(points.slice(i, i + 100_000));
        for (let i = 0; i < texts.length; i += 100_000) await this.options.store.appendTextPoints(texts.slice(i, i + 100_000));
        this.stats.points += points.length;
        this.stats.textPoints += texts.length;
        this.stats.batches++;
        for (const w of waiters) w.resolve();
      } catch (err) {
        this.stats.failedBatches++;
        this.options.onError?.(err);
        for (const w of waiters) w.reject(err);
      }
    });
    this.flushing = run;
    return run;
  }
}
