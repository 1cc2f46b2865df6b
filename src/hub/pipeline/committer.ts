/**
 * Group commit: the durable hand-off for every accepted message. Messages submitted while a commit
 * is running form the next batch; a batch is one `appendPoints` call (one transaction in either
 * store) followed by one `publishMany` on the bus. Each submitter's promise settles with its batch,
 * and the QoS 1 PUBACK / HTTP 204 is sent only after that: a crash after the ack loses nothing.
 *
 * Back-pressure: at most `maxPending` messages wait for a commit. Beyond that, `submit` itself waits
 * (the MQTT connection stops being read, so TCP pushes back on the device) up to `maxWaitMs`, then
 * fails with hub.overloaded and the message is not acknowledged (the device sends it again).
 */
import type { PublishItem, TelemetryReceived } from '../../bus/index.js';
import type { TimePoint } from '../../storage/index.js';
import { HubErrors } from '../errors.js';

export interface CommitEntry {
  readonly points: readonly TimePoint[];
  readonly events: readonly PublishItem[];
  /** The message for the history port (`CommitTargets.writeTelemetry`), when the platform provides one. */
  readonly telemetry?: TelemetryReceived;
  /** Folded into the batch's summary event (see `summarise`). */
  readonly summary?: unknown;
}

export interface CommitTargets {
  appendPoints(points: readonly TimePoint[]): Promise<void>;
  /** The history context's durable write (twin-named series, text values, catalogue); resolves once committed. */
  writeTelemetry?(messages: readonly TelemetryReceived[]): Promise<void>;
  publishMany(items: readonly PublishItem[]): Promise<unknown>;
}

export interface CommitterOptions {
  readonly targets: CommitTargets;
  /** Turns the batch's summaries into one bus event (the `telemetry.batch` event), or none. */
  readonly summarise?: (summaries: unknown[]) => PublishItem | undefined;
  readonly maxBatch?: number;
  readonly maxPending?: number;
  readonly maxWaitMs?: number;
  /** Batches committing at once; later batches still publish in order. */
  readonly concurrency?: number;
  readonly onBatch?: (info: { messages: number; points: number; ms: number; ok: boolean }) => void;
}

interface Waiter {
  readonly entry: CommitEntry;
  resolve(): void;
  reject(err: Error): void;
}

export class GroupCommitter {
  // Arrays taken whole by a batch (no shifting or slicing of long queues: those were O(n) per batch).
  private queue: Waiter[] = [];
  private running = 0;
  private scheduled = false;
  private closed = false;
  private publishChain: Promise<void> = Promise.resolve();
  private readonly spaceWaiters: Array<() => void> = [];
  private readonly maxBatch: number;
  private readonly maxPending: number;
  private readonly maxWaitMs: number;
  private readonly concurrency: number;
  private inFlight = 0; // messages submitted and not yet settled

  constructor(private readonly options: CommitterOptions) {
    this.maxBatch = options.maxBatch ?? 5000;
    this.maxPending = options.maxPending ?? 20_000;
    this.maxWaitMs = options.maxWaitMs ?? 30_000;
    this.concurrency = options.concurrency ?? 2;
  }

  /** Messages accepted and waiting for (or in) a commit. */
  get pending(): number {
    return this.inFlight;
  }

  async submit(entry: CommitEntry): Promise<void> {
    if (this.closed) throw HubErrors.create('closed', 'the hub is shutting down', {});
    if (this.inFlight >= this.maxPending) await this.waitForSpace();
    this.inFlight++;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      this.schedule();
    });
  }

  private waitForSpace(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.spaceWaiters.indexOf(wake);
        if (i >= 0) this.spaceWaiters.splice(i, 1);
        reject(HubErrors.create('overloaded', `the store has not taken messages for ${this.maxWaitMs} ms`, { pending: this.inFlight }));
      }, this.maxWaitMs);
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      this.spaceWaiters.push(wake);
    });
  }

  private release(n: number): void {
    this.inFlight -= n;
    if (this.spaceWaiters.length === 0) return;
    const room = Math.max(0, this.maxPending - this.inFlight);
    const wake = this.spaceWaiters.splice(0, room);
    for (const w of wake) w();
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.concurrency || this.queue.length === 0) return;
    this.scheduled = true;
    // setImmediate lets every packet already read in this I/O phase join the batch.
    setImmediate(() => {
      this.scheduled = false;
      while (this.running < this.concurrency && this.queue.length > 0) {
        let batch: Waiter[];
        if (this.queue.length <= this.maxBatch) {
          batch = this.queue;
          this.queue = [];
        } else {
          batch = this.queue.splice(0, this.maxBatch);
        }
        void this.commit(batch);
      }
    });
  }

  private async commit(batch: Waiter[]): Promise<void> {
    this.running++;
    const started = performance.now();
    const points: TimePoint[] = [];
    const events: PublishItem[] = [];
    const summaries: unknown[] = [];
    const stored: TelemetryReceived[] = [];
    for (const w of batch) {
      if (w.entry.telemetry !== undefined) stored.push(w.entry.telemetry);
      for (const p of w.entry.points) points.push(p);
      for (const e of w.entry.events) events.push(e);
      if (w.entry.summary !== undefined) summaries.push(w.entry.summary);
    }
    const summary = summaries.length > 0 ? this.options.summarise?.(summaries) : undefined;
    if (summary) events.push(summary);
    let ok = false;
    // Publishes follow batch order even when two batches commit at once, so per-device order holds:
    // each batch takes its turn in the chain when it starts and publishes only after its predecessor.
    const previous = this.publishChain;
    let endTurn: () => void = () => undefined;
    this.publishChain = new Promise<void>((r) => (endTurn = r));
    try {
      const targets = this.options.targets;
      if (stored.length > 0 && !targets.writeTelemetry) throw new Error('no telemetry writer for the history port');
      await Promise.all([points.length > 0 ? targets.appendPoints(points) : undefined, stored.length > 0 ? targets.writeTelemetry!(stored) : undefined]);
      await previous;
      if (events.length > 0) await this.options.targets.publishMany(events);
      ok = true;
      for (const w of batch) w.resolve();
    } catch (err) {
      const e = HubErrors.create('store_failed', `durable hand-off failed: ${(err as Error).message}`, { messages: batch.length }, err);
      for (const w of batch) w.reject(e);
    } finally {
      endTurn();
      this.running--;
      this.release(batch.length);
      this.options.onBatch?.({ messages: batch.length, points: points.length, ms: performance.now() - started, ok });
      this.schedule();
    }
  }

  /** Stops taking messages and waits for the batches already taken. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.queue.length > 0 || this.running > 0) await new Promise((r) => setTimeout(r, 5));
    await this.publishChain;
  }
}
