/**
 * Sensor faults and injected anomalies, applied to sampled values after the physics.
 * They change what the sensor *reports*, never the machine itself: a stuck thermometer does not
 * cool the spindle. Each is a Poisson process in simulated time on its own random stream, so
 * turning them up or down does not disturb the plant's dynamics.
 *
 * Anomalies (process-like deviations to detect): spike (one sample), levelShift, drift.
 * Sensor faults (instrument problems): stuck (frozen value), drift (growing bias), spike
 * (intermittent outliers), dropout (the field is missing from the message).
 */
import { fmix32, type Rng } from './rng.js';
import { iso, type Label, type LabelListener } from './labels.js';

export type SensorName = 'temperature' | 'vibration' | 'power' | 'pressure';
export type SampledValues = Partial<Record<SensorName, number>>;

const HOUR = 3_600_000;
const ANOMALY_MODES = ['spike', 'levelShift', 'drift'] as const;
const FAULT_MODES = ['stuck', 'drift', 'spike', 'dropout'] as const;

interface Effect {
  readonly kind: 'anomaly' | 'sensorFault';
  readonly mode: string;
  readonly sensor: SensorName;
  readonly start: number;
  readonly end: number;
  /** Relative size (fraction of the value at onset); sign gives the direction. */
  readonly magnitude: number;
  /** Value at the first sample the effect touched (stuck value, scale of shifts). */
  reference?: number;
  appliedAt?: number;
}

export interface SignalRates {
  /** Mean injected anomalies per device per simulated day. */
  readonly anomaliesPerDay: number;
  /** Mean sensor faults per device per simulated day. */
  readonly sensorFaultsPerDay: number;
}

export class SignalOverlay {
  private readonly active: Effect[] = [];
  private nextAnomalyAt: number;
  private nextFaultAt: number;

  constructor(
    private readonly deviceId: string,
    private readonly sensors: readonly SensorName[],
    private readonly rates: SignalRates,
    private readonly rng: Rng,
    startMs: number,
    private readonly emit: LabelListener,
  ) {
    this.nextAnomalyAt = this.after(startMs, rates.anomaliesPerDay);
    this.nextFaultAt = this.after(startMs, rates.sensorFaultsPerDay);
  }

  private after(t: number, perDay: number): number {
    return perDay > 0 ? t + this.rng.exponential(86_400_000 / perDay) : Number.POSITIVE_INFINITY;
  }

  /** Distorts `values` (true value + noise) as the sensors would report them at time `now`. */
  apply(now: number, values: SampledValues): SampledValues {
    this.schedule(now);
    const out: SampledValues = { ...values };
    // Anomalies change the process value first; sensor faults then distort what the instrument
    // makes of it (a stuck sensor stays stuck through a level shift).
    for (const kind of ['anomaly', 'sensorFault'] as const) {
      for (let i = this.active.length - 1; i >= 0; i--) {
        const e = this.active[i]!;
        if (e.kind !== kind) continue;
        if (now >= e.end) {
          this.active.splice(i, 1);
          // A spike that fell between two samples never reached the data: no label.
          if (!(e.kind === 'anomaly' && e.mode === 'spike')) this.label(e, e.end);
          continue;
        }
        const v = out[e.sensor];
        if (v === undefined) continue;
        e.reference ??= Math.max(Math.abs(v), 0.05);
        if (e.appliedAt === undefined) {
          e.appliedAt = now;
          // A spike lives for exactly one sample: its label carries that sample's time.
          if (e.mode === 'spike' && e.kind === 'anomaly') {
            out[e.sensor] = v + e.magnitude * e.reference;
            this.active.splice(i, 1);
            this.emit({ time: iso(now), deviceId: this.deviceId, kind: 'anomaly', mode: 'spike', detail: { sensor: e.sensor, magnitude: e.magnitude } });
            continue;
          }
        }
        const d = this.distort(e, now, v);
        if (d === undefined) delete out[e.sensor];
        else out[e.sensor] = d;
      }
    }
    return out;
  }

  private distort(e: Effect, now: number, v: number): number | undefined {
    const ref = e.reference!;
    const progress = (now - e.start) / (e.end - e.start);
    if (e.kind === 'anomaly') {
      if (e.mode === 'levelShift') return v + e.magnitude * ref;
      return v + e.magnitude * ref * progress; // drift
    }
    switch (e.mode) {
      case 'stuck':
        return ref;
      case 'drift':
        return v + e.magnitude * ref * progress;
      case 'spike':
        // Intermittent: about one sample in four is an outlier, decided by a hash of the sample time
        // (not by the random stream, so the sampling rate cannot shift later faults).
        return fmix32(Math.floor(now / 1000) ^ 0x5bd1e995) % 4 === 0 ? v * (1 + Math.abs(e.magnitude) * 3) : v;
      case 'dropout':
        return undefined;
      default:
        return v;
    }
  }

  private schedule(now: number): void {
    // Bounded: at most 1,000 new effects per call even after a very long gap between samples.
    for (let n = 0; n < 1000 && this.nextAnomalyAt <= now; n++) {
      const start = this.nextAnomalyAt;
      const mode = this.rng.pick(ANOMALY_MODES);
      const hours = mode === 'spike' ? 1 : mode === 'levelShift' ? this.rng.uniform(0.25, 2) : this.rng.uniform(2, 12);
      const sign = this.rng.chance(0.5) ? 1 : -1;
      const magnitude = sign * (mode === 'spike' ? this.rng.uniform(1.5, 3) : this.rng.uniform(0.15, 0.4));
      this.active.push({ kind: 'anomaly', mode, sensor: this.rng.pick(this.sensors), start, end: start + hours * HOUR, magnitude });
      this.nextAnomalyAt = this.after(start, this.rates.anomaliesPerDay);
    }
    for (let n = 0; n < 1000 && this.nextFaultAt <= now; n++) {
      const start = this.nextFaultAt;
      const mode = this.rng.pick(FAULT_MODES);
      const hours = mode === 'drift' ? this.rng.uniform(12, 48) : mode === 'dropout' ? this.rng.uniform(0.2, 4) : this.rng.uniform(0.5, 6);
      const magnitude = (this.rng.chance(0.5) ? 1 : -1) * this.rng.uniform(0.3, 0.8);
      const sensor = this.rng.pick(this.sensors);
      // One fault per instrument at a time: a sensor that is already faulty cannot also drift.
      if (!this.active.some((e) => e.kind === 'sensorFault' && e.sensor === sensor)) {
        this.active.push({ kind: 'sensorFault', mode, sensor, start, end: start + hours * HOUR, magnitude });
      }
      this.nextFaultAt = this.after(start, this.rates.sensorFaultsPerDay);
    }
  }

  private label(e: Effect, end: number | undefined): void {
    const label: Label = {
      time: iso(e.start),
      ...(end !== undefined ? { end: iso(end) } : {}),
      deviceId: this.deviceId,
      kind: e.kind,
      mode: e.mode,
      detail: { sensor: e.sensor, magnitude: Number(e.magnitude.toFixed(3)) },
    };
    this.emit(label);
  }

  /** Writes the labels of effects still in progress (without `end`). */
  flush(): void {
    for (const e of this.active.splice(0)) {
      if (e.mode === 'spike' && e.kind === 'anomaly') continue; // never shown: nothing happened
      this.label(e, undefined);
    }
  }
}
