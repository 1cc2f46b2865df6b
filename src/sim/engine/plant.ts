/**
 * The plant: lines of machines on one shift calendar, advanced in fixed time steps, sampled into
 * telemetry messages with exact source timestamps.
 *
 * Each device samples every `sampleIntervalMs` at its own phase (a hash of its id), so message load
 * is spread evenly over the interval and each device's rate is stable. A sample at time t reports
 * the step that contains t: the state decided at its start (so calendar boundaries are exact) with
 * what happened during it (parts, a failure), and the physics at its end. Randomness comes from per-device,
 * per-purpose streams (rng.ts), so the same seed and start give the same stream, byte for byte.
 */
import { SimErrors } from '../errors.js';
import { DEFAULT_CALENDAR, ShiftCalendar } from './calendar.js';
import { deviceIds, validatePlant, type PlantConfig } from './config.js';
import { SimDevice } from './device.js';
import { MinHeap } from './heap.js';
import type { LabelListener } from './labels.js';
import { Line } from './line.js';
import { Machine } from './machine.js';
import { ambientTemperature } from './physics.js';
import { fmix32, Rng } from './rng.js';
import { sampleTelemetry } from './sampling.js';
import type { TelemetryMessage } from './telemetry.js';

export interface PlantOptions {
  readonly seed: number | string;
  /** Simulated start time (ms since the epoch, Date, or ISO string). */
  readonly start: number | Date | string;
  /** Physics step, simulated ms. Default 1000. */
  readonly stepMs?: number;
  /** Telemetry period per device, simulated ms. Default 1000. */
  readonly sampleIntervalMs?: number;
  readonly onLabel?: LabelListener;
}

export interface DeviceInfo {
  readonly deviceId: string;
  readonly lineId: string;
  readonly position: number;
  readonly type: Machine['type'];
}

function toMs(t: number | Date | string): number {
  const ms = typeof t === 'number' ? t : new Date(t).getTime();
  if (!Number.isFinite(ms)) throw SimErrors.create('invalid_option', `not a valid time: ${String(t)}`, { value: String(t) });
  return ms;
}

export class Plant {
  readonly calendar: ShiftCalendar;
  readonly lines: readonly Line[];
  readonly machines: readonly Machine[];
  readonly stepMs: number;
  readonly startMs: number;
  private readonly devices = new Map<string, SimDevice>();
  private readonly byId = new Map<string, Machine>();
  private readonly phases: Float64Array;
  private readonly samples: MinHeap;
  private sampleIntervalMs: number;
  private readonly ambient: { meanC: number; swingC: number };
  private readonly utcOffsetMinutes: number;
  now: number;

  constructor(
    readonly config: PlantConfig,
    options: PlantOptions,
  ) {
    this.startMs = toMs(options.start);
    this.now = this.startMs;
    this.stepMs = options.stepMs ?? 1000;
    this.sampleIntervalMs = options.sampleIntervalMs ?? 1000;
    if (!(this.stepMs >= 1 && this.stepMs <= 3_600_000)) throw SimErrors.create('invalid_option', 'stepMs must be from 1 to 3,600,000', { stepMs: this.stepMs });
    if (!(this.sampleIntervalMs >= 1)) throw SimErrors.create('invalid_option', 'sampleIntervalMs must be at least 1', { sampleIntervalMs: this.sampleIntervalMs });
    const calendarConfig = config.calendar ?? DEFAULT_CALENDAR;
    this.calendar = new ShiftCalendar(calendarConfig);
    this.utcOffsetMinutes = calendarConfig.utcOffsetMinutes ?? 0;
    this.ambient = config.ambient ?? { meanC: 22, swingC: 1.5 };
    const emit = options.onLabel ?? (() => {});
    const rates = { anomaliesPerDay: config.anomaliesPerDevicePerDay ?? 0.2, sensorFaultsPerDay: config.sensorFaultsPerDevicePerDay ?? 0.04 };
    const root = new Rng(options.seed);
    const ambientC = this.ambientAt(this.startMs);

    const machines: Machine[] = [];
    for (const slot of deviceIds(config)) {
      machines.push(new Machine({ id: slot.id, lineId: slot.lineId, position: slot.position, config: slot.machine, rng: root.fork(slot.id), startMs: this.startMs, ambientC, rates, emit }));
    }
    this.machines = machines;
    for (const m of machines) {
      this.byId.set(m.id, m);
      this.devices.set(m.id, new SimDevice(m));
    }
    this.lines = config.lines.map((line) => {
      const stations = machines.filter((m) => m.lineId === line.id);
      const caps = Array.from({ length: Math.max(0, stations.length - 1) }, (_, i) =>
        typeof line.buffers === 'number' ? line.buffers : (line.buffers?.[i] ?? 6));
      return new Line(line.id, stations, caps);
    });
    // Phase in [0, 1) from the device id alone: adding devices does not move anyone's sample times.
    this.phases = Float64Array.from(machines, (m) => fmix32(hashString(m.id)) / 4294967296);
    this.samples = new MinHeap();
    this.schedule(this.startMs);
    this.stepAll(0); // settle every machine into the state its calendar and buffers imply
  }

  get deviceInfo(): DeviceInfo[] {
    return this.machines.map((m) => ({ deviceId: m.id, lineId: m.lineId, position: m.position, type: m.type }));
  }

  /** The device-facing API (methods, desired and reported properties) of one machine. */
  device(id: string): SimDevice {
    const d = this.devices.get(id);
    if (!d) throw SimErrors.create('unknown_device', `no simulated device '${id}'`, { deviceId: id });
    return d;
  }

  machine(id: string): Machine {
    const m = this.byId.get(id);
    if (!m) throw SimErrors.create('unknown_device', `no simulated device '${id}'`, { deviceId: id });
    return m;
  }

  get interval(): number {
    return this.sampleIntervalMs;
  }

  /** Changes the telemetry period; each device's next sample is at its phase after `now`. */
  setSampleInterval(ms: number): void {
    if (!(ms >= 1)) throw SimErrors.create('invalid_option', 'sample interval must be at least 1 ms', { ms });
    this.sampleIntervalMs = ms;
    this.schedule(this.now);
  }

  private schedule(from: number): void {
    this.samples.clear();
    const iv = this.sampleIntervalMs;
    for (let i = 0; i < this.machines.length; i++) {
      const base = Math.floor(from / iv) * iv + Math.floor(this.phases[i]! * iv);
      this.samples.push(base >= from ? base : base + iv, i);
    }
  }

  private ambientAt(ms: number): number {
    return ambientTemperature(ms, this.ambient.meanC, this.ambient.swingC, this.utcOffsetMinutes);
  }

  private stepAll(dtMs: number): void {
    const cal = this.calendar.at(this.now);
    const ambient = this.ambientAt(this.now);
    for (const line of this.lines) line.step(this.now, dtMs, ambient, cal);
    this.now += dtMs;
  }

  /**
   * Steps the plant to `t`, calling `emit` for every sample due on the way. The clock may end up to
   * one step past `t` when a sample falls in the last step; it never moves backwards.
   */
  advanceTo(t: number, emit: (msg: TelemetryMessage) => void): void {
    const iv = this.sampleIntervalMs;
    for (;;) {
      const due = this.samples.peekKey();
      if (due === undefined || due > t) break;
      while (this.now <= due) this.stepAll(this.stepMs);
      const i = this.samples.pop()!;
      const m = this.machines[i]!;
      emit({ deviceId: m.id, time: due, body: sampleTelemetry(m, due) });
      this.samples.push(due + iv, i);
    }
    while (this.now + this.stepMs <= t) this.stepAll(this.stepMs);
  }

  /** Every message up to `t`, in time order (ties by device order). */
  *messages(t: number): Generator<TelemetryMessage> {
    const batch: TelemetryMessage[] = [];
    const chunk = Math.max(this.stepMs, this.sampleIntervalMs);
    // Bounded: advances at least one chunk per iteration until t.
    for (let from = this.now; from < t; ) {
      const to = Math.min(t, from + 60 * chunk);
      this.advanceTo(to, (msg) => batch.push(msg));
      yield* batch.splice(0);
      from = to;
    }
  }

  /** Writes the labels of events still open at the end of the run. */
  flushLabels(): void {
    for (const m of this.machines) m.flushLabels();
  }
}

function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Builds a plant from a (validated) description. */
export function createPlant(config: PlantConfig, options: PlantOptions): Plant {
  return new Plant(validatePlant(config), options);
}
