/**
 * Group commit: the durable hand-off for every accepted message. Messages submitted while a commit
 * is running form the next batch; a batch is one `appendPoints` call (one transaction in either
 * store) followed by one `publishMany` on the bus. Each submitter's callback (or promise) settles with its batch,
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
  /**
   * The durable hand-off through the hub's write-ahead log (src/hub/wal): when present it takes the
   * batch's points and messages instead of `appendPoints` / `writeTelemetry` and resolves once they
   * are on disk; the log applies them to the store afterwards.
   */
  persist?(points: readonly TimePoint[], telemetry: readonly TelemetryReceived[], messages: number): Promise<void>;
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
  /**
   * Least time between the starts of two commits unless a full batch (`maxBatch`) is waiting. A
   * commit has a fixed cost (a DuckDB transaction with its appender: ~2 ms of CPU on the 2-vCPU
   * VM, against ~2 µs per point); at moderate rates back-to-back commits of a few messages each spent
   * most of the hub's CPU on that. Adds at most this much to the PUBACK latency, and nothing once
   * commits take longer than it.
   */
  readonly minIntervalMs?: number;
  readonly onBatch?: (info: { messages: number; points: number; ms: number; ok: boolean }) => void;
}

/** Settles one message: no argument once its batch is durable, else the refusal. */
export type CommitCallback = (err?: Error) => void;

export class GroupCommitter {
  // Parallel arrays taken whole by a batch (no shifting or slicing of long queues: those were O(n)
  // per batch; and no per-message waiter object or promise on the MQTT hot path).
  private entries: CommitEntry[] = [];
  private callbacks: CommitCallback[] = [];
  private running = 0;
  private scheduled = false;
  private closed = false;
  private publishChain: Promise<void> = Promise.resolve();
  private readonly spaceWaiters: Array<() => void> = [];
  private readonly maxBatch: number;
  private readonly maxPending: number;
  private readonly maxWaitMs: number;
  private readonly concurrency: number;
  private readonly minIntervalMs: number;
  private lastStart = -Infinity;
  private inFlight = 0; // messages submitted and not yet settled

  constructor(private readonly options: CommitterOptions) {
    this.maxBatch = options.maxBatch ?? 5000;
    this.maxPending = options.maxPending ?? 20_000;
    this.maxWaitMs = options.maxWaitMs ?? 30_000;
    this.concurrency = options.concurrency ?? 2;
    this.minIntervalMs = options.minIntervalMs ?? 0;
  }

  /** Messages accepted and waiting for (or in) a commit. */
  get pending(): number {
    return this.inFlight;
  }

  /** Resolves once the entry's batch is durable; rejects with hub.store_failed, hub.overloaded or hub.closed. */
  submit(entry: CommitEntry): Promise<void> {
    return new Promise<void>((resolve, reject) => this.enqueue(entry, (err) => (err ? reject(err) : resolve())));
  }

  /**
   * The callback form of `submit`: `done` is called exactly once, never synchronously, with no
   * argument once the entry's batch is durable, else with the error.
   */
  enqueue(entry: CommitEntry, done: CommitCallback): void {
    if (this.closed) {
      process.nextTick(done, HubErrors.create('closed', 'the hub is shutting down', {}));
      return;
    }
    if (this.inFlight >= this.maxPending) {
      this.waitForSpace((err) => (err ? done(err) : this.add(entry, done)));
      return;
    }
    this.add(entry, done);
  }

  private add(entry: CommitEntry, done: CommitCallback): void {
    this.inFlight++;
    this.entries.push(entry);
    this.callbacks.push(done);
    this.schedule();
  }

  private waitForSpace(then: (err?: Error) => void): void {
    const timer = setTimeout(() => {
      const i = this.spaceWaiters.indexOf(wake);
      if (i >= 0) this.spaceWaiters.splice(i, 1);
      then(HubErrors.create('overloaded', `the store has not taken messages for ${this.maxWaitMs} ms`, { pending: this.inFlight }));
    }, this.maxWaitMs);
    const wake = () => {
      clearTimeout(timer);
      then();
    };
    this.spaceWaiters.push(wake);
  }

  private release(n: number): void {
    this.inFlight -= n;
    if (this.spaceWaiters.length === 0) return;
    const room = Math.max(0, this.maxPending - this.inFlight);
    const wake = this.spaceWaiters.splice(0, room);
    for (const w of wake) w();
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.concurrency || this.entries.length === 0) return;
    this.scheduled = true;
    const wait = this.entries.length >= this.maxBatch ? 0 : this.lastStart + this.minIntervalMs - performance.now();
    // setImmediate lets every packet already read in this I/O phase join the batch; the timer lets
    // more join when the previous commit started less than minIntervalMs ago.
    if (wait >= 1) setTimeout(() => this.startBatches(), wait);
    else setImmediate(() => this.startBatches());
  }

  private startBatches(): void {
    this.scheduled = false;
    if (this.running < this.concurrency && this.entries.length > 0) this.lastStart = performance.now();
    while (this.running < this.concurrency && this.entries.length > 0) {
      let entries: CommitEntry[];
      let callbacks: CommitCallback[];
      if (this.entries.length <= this.maxBatch) {
        entries = this.entries;
        callbacks = this.callbacks;
        this.entries = [];
        this.callbacks = [];
      } else {
        entries = this.entries.splice(0, this.maxBatch);
        callbacks = this.callbacks.splice(0, this.maxBatch);
      }
      void this.commit(entries, callbacks);
    }
  }

  private async commit(batch: CommitEntry[], callbacks: CommitCallback[]): Promise<void> {
    this.running++;
    const started = performance.now();
    const points: TimePoint[] = [];
    const events: PublishItem[] = [];
    const summaries: unknown[] = [];
    const stored: TelemetryReceived[] = [];
    for (const entry of batch) {
      if (entry.telemetry !== undefined) stored.push(entry.telemetry);
      for (const p of entry.points) points.push(p);
      for (const e of entry.events) events.push(e);
      if (entry.summary !== undefined) summaries.push(entry.summary);
    }
    const summary = summaries.length > 0 ? this.options.summarise?.(summaries) : undefined;
    if (summary) events.push(summary);
    let ok = false;
    // Publishes follow batch order even when two batches commit at once, so per-device order holds:
    // each batch takes its turn in the chain when it starts and publishes only after its predecessor.
    const previous = this.publishChain;
    let endTurn: () => void = () => undefined;
    this.publishChain = new Promise<void>((r) => (endTurn = r));
    let failure: Error | undefined;
    try {
      const targets = this.options.targets;
      if (targets.persist) {
        if (points.length > 0 || stored.length > 0) await targets.persist(points, stored, batch.length);
      } else {
        if (stored.length > 0 && !targets.writeTelemetry) throw new Error('no telemetry writer for the history port');
        await Promise.all([points.length > 0 ? targets.appendPoints(points) : undefined, stored.length > 0 ? targets.writeTelemetry!(stored) : undefined]);
      }
      await previous;
      if (events.length > 0) await this.options.targets.publishMany(events);
      ok = true;
    } catch (err) {
      failure = HubErrors.create('store_failed', `durable hand-off failed: ${(err as Error).message}`, { messages: batch.length }, err);
    } finally {
      endTurn();
      this.running--;
      this.release(batch.length);
      this.options.onBatch?.({ messages: batch.length, points: points.length, ms: performance.now() - started, ok });
      this.schedule();
    }
    // Outside the try: a throwing callback must not turn a durable batch into a failed one.
    for (const done of callbacks) {
      try {
        done(failure);
      } catch {
        // A callback's own failure is its caller's to report; the other messages still settle.
      }
    }
  }

  /** Stops taking messages and waits for the batches already taken. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.entries.length > 0 || this.running > 0) await new Promise((r) => setTimeout(r, 5));
    await this.publishChain;
  }
}
