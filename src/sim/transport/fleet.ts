/**
 * Many simulated devices in one process, one MQTT connection each (the IoT Hub rule: a connection
 * is a device identity). Connections are opened at a bounded rate (ramp-up) with a bounded number
 * in progress; each device has at most `maxInflight` unacknowledged QoS 1 publishes and a bounded
 * queue behind them — when a device cannot keep up, its oldest queued messages are dropped and
 * counted, so one slow or offline device never stalls the rest.
 */
import type { TelemetryMessage } from '../engine/telemetry.js';
import type { DeviceLink } from './links.js';

export interface FleetOptions {
  /** Connections started per second (default 200). */
  readonly rampPerSecond?: number;
  /** Connection attempts in progress at once (default 200). */
  readonly maxConnecting?: number;
  /** Unacknowledged QoS 1 publishes per device (default 4). */
  readonly maxInflight?: number;
  /** Queued messages per device beyond those in flight (default 1000). */
  readonly maxQueue?: number;
  readonly onError?: (deviceId: string, err: Error) => void;
}

export interface FleetStats {
  readonly devices: number;
  readonly connected: number;
  readonly failed: number;
  readonly sent: number;
  readonly acked: number;
  readonly dropped: number;
  /** Messages produced while their device had not connected yet (not sent, not queued). */
  readonly offline: number;
  readonly errors: number;
  readonly queued: number;
  readonly inflight: number;
  readonly reconnects: number;
}

interface Slot {
  readonly link: DeviceLink;
  status: 'waiting' | 'connecting' | 'ready' | 'failed';
  queue: TelemetryMessage[];
  inflight: number;
}

export class Fleet {
  private readonly slots = new Map<string, Slot>();
  private readonly order: Slot[];
  private nextToOpen = 0;
  private settled = 0;
  private connecting = 0;
  private rampTimer: NodeJS.Timeout | undefined;
  private readonly waiters: Array<{ below: number; resolve: () => void }> = [];
  private readyResolve!: () => void;
  readonly ready: Promise<void>;
  private counts = { sent: 0, acked: 0, dropped: 0, offline: 0, errors: 0 };
  private totalQueued = 0;
  private totalInflight = 0;
  private closed = false;

  constructor(
    links: readonly DeviceLink[],
    private readonly options: FleetOptions = {},
  ) {
    this.order = links.map((link) => ({ link, status: 'waiting', queue: [], inflight: 0 }));
    for (const s of this.order) {
      this.slots.set(s.link.deviceId, s);
      s.link.onConnect(() => this.pump(s));
    }
    this.ready = new Promise((resolve) => (this.readyResolve = resolve));
    if (this.order.length === 0) this.readyResolve();
  }

  /** Starts opening connections at the ramp rate. `ready` resolves when every device has been tried. */
  start(): void {
    const perSecond = this.options.rampPerSecond ?? 200;
    const tickMs = 50;
    const perTick = Math.max(1, Math.round((perSecond * tickMs) / 1000));
    const tick = () => {
      const maxConnecting = this.options.maxConnecting ?? 200;
      for (let i = 0; i < perTick && this.nextToOpen < this.order.length && this.connecting < maxConnecting; i++) {
        this.openSlot(this.order[this.nextToOpen++]!);
      }
      if (this.nextToOpen < this.order.length && !this.closed) this.rampTimer = setTimeout(tick, tickMs);
    };
    tick();
  }

  private openSlot(s: Slot): void {
    s.status = 'connecting';
    this.connecting++;
    s.link.open().then(
      () => {
        s.status = 'ready';
        this.pump(s);
      },
      (err: Error) => {
        s.status = 'failed';
        this.counts.dropped += s.queue.length;
        this.totalQueued -= s.queue.length;
        s.queue = [];
        this.options.onError?.(s.link.deviceId, err);
      },
    ).finally(() => {
      this.connecting--;
      if (++this.settled === this.order.length) this.readyResolve();
      this.notify();
    });
  }

  /**
   * Queues a message for its device; returns false if it was not kept. A device that has not
   * connected yet reports nothing (counted as offline); one that lost its connection buffers.
   */
  send(msg: TelemetryMessage): boolean {
    const s = this.slots.get(msg.deviceId);
    if (!s || s.status === 'failed' || this.closed) {
      this.counts.dropped++;
      return false;
    }
    if (s.status !== 'ready') {
      this.counts.offline++;
      return false;
    }
    s.queue.push(msg);
    this.totalQueued++;
    let kept = true;
    if (s.queue.length > (this.options.maxQueue ?? 1000)) {
      s.queue.shift();
      this.totalQueued--;
      this.counts.dropped++;
      kept = false;
    }
    this.pump(s);
    return kept;
  }

  private pump(s: Slot): void {
    const max = this.options.maxInflight ?? 4;
    while (s.status === 'ready' && s.link.connected && s.inflight < max && s.queue.length > 0) {
      const msg = s.queue.shift()!;
      this.totalQueued--;
      s.inflight++;
      this.totalInflight++;
      this.counts.sent++;
      s.link.send(msg).then(
        () => this.counts.acked++,
        (err: Error) => {
          this.counts.errors++;
          this.options.onError?.(s.link.deviceId, err);
        },
      ).finally(() => {
        s.inflight--;
        this.totalInflight--;
        this.pump(s);
        this.notify();
      });
    }
  }

  /** Messages queued or in flight. */
  pending(): number {
    return this.totalQueued + this.totalInflight;
  }

  /** Resolves once fewer than `below` messages are pending (back-pressure for backfills). */
  waitForRoom(below: number): Promise<void> {
    if (this.pending() < below) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ below, resolve }));
  }

  private notify(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      if (this.pending() < w.below || this.closed) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  stats(): FleetStats {
    let connected = 0;
    let failed = 0;
    let reconnects = 0;
    for (const s of this.order) {
      if (s.status === 'failed') failed++;
      else if (s.status === 'ready' && s.link.connected) connected++;
      reconnects += s.link.reconnects;
    }
    return { devices: this.order.length, connected, failed, ...this.counts, queued: this.totalQueued, inflight: this.totalInflight, reconnects };
  }

  /** Waits (bounded by `graceMs`) for queued messages to go out, then closes every connection. */
  async close(graceMs = 5000): Promise<void> {
    const until = Date.now() + graceMs;
    while (this.pending() > 0 && Date.now() < until && this.order.some((s) => s.status === 'ready' && s.link.connected)) {
      await new Promise((r) => setTimeout(r, 20));
    }
    this.closed = true;
    if (this.rampTimer) clearTimeout(this.rampTimer);
    this.notify();
    await Promise.allSettled(this.order.map((s) => s.link.close()));
  }
}
