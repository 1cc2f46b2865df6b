/**
 * Training rows: one feature vector per machine per hour boundary, computed by replaying history
 * through the live tracker, and the labels attached afterwards from failure records.
 *
 * Labels never enter features: the tracker sees telemetry only. A row at boundary t is labelled by
 * what happens strictly after t: "mode m fails in (t, t + H]" and the hours to the next failure of
 * m (capped). A row whose future is not known far enough (the history ends before t + H and no
 * failure came) is censored (−1 / NaN) and left out, never counted as healthy.
 */
import { FEATURE_COUNT, FEATURE_NAMES } from './features/catalogue.js';
import { MachineTracker, type TrackerOptions } from './features/tracker.js';
import { PdmErrors } from './errors.js';
import type { FailureRecord, MachineInfo, MachineSample } from './types.js';

export interface Dataset {
  readonly featureNames: readonly string[];
  /** False when the trackers ran without anomaly detectors (those features are then all NaN). */
  readonly anomalyFeatures?: boolean;
  readonly rows: number;
  /** Row-major, FEATURE_COUNT columns. */
  readonly x: Float64Array;
  readonly machines: readonly MachineInfo[];
  /** Index into `machines` per row. */
  readonly machine: Int32Array;
  /** Boundary time per row (ms). */
  readonly time: Float64Array;
  /** 1 when the machine was failed or under corrective repair at the boundary (no prediction is made). */
  readonly inFailure: Uint8Array;
  /** The data window the rows come from: [from, to). */
  readonly window: { readonly from: number; readonly to: number };
  /** Failure records are complete up to here (≥ window.to): rows whose horizon ends later are censored. */
  readonly labelsUntil: number;
  readonly failures: readonly FailureRecord[];
}

const CHUNK = 4096;

export interface BuilderOptions {
  readonly tracker?: TrackerOptions;
  /** Machines not in the initial list are added on first sight with this (default: ignored). */
  readonly infer?: (deviceId: string) => MachineInfo;
  /** Only boundaries in [from, to) make rows; earlier data only warms the trackers up. */
  readonly from: number;
  readonly to: number;
}

export interface FinishOptions {
  /** When the failure records end (default: the rows' `to`); later records are ignored, rows whose horizon passes it are censored. */
  readonly labelsUntil?: number;
}

export class DatasetBuilder {
  private readonly trackers = new Map<string, { tracker: MachineTracker; index: number }>();
  private readonly chunks: Float64Array[] = [];
  private readonly machineIdx: number[] = [];
  private readonly times: number[] = [];
  private readonly failed: number[] = [];
  private count = 0;

  private readonly list: MachineInfo[];

  constructor(
    machines: readonly MachineInfo[],
    private readonly options: BuilderOptions,
  ) {
    this.list = [...machines];
    this.list.forEach((m, index) => this.trackers.set(m.deviceId, { tracker: new MachineTracker(m, options.tracker), index }));
  }

  get machines(): readonly MachineInfo[] {
    return this.list;
  }

  /** One message; messages of one machine must come in time order (machines may interleave). */
  push(deviceId: string, sample: MachineSample): void {
    let entry = this.trackers.get(deviceId);
    if (!entry && this.options.infer) {
      const info = this.options.infer(deviceId);
      entry = { tracker: new MachineTracker(info, this.options.tracker), index: this.list.length };
      this.list.push(info);
      this.trackers.set(deviceId, entry);
    }
    if (!entry || sample.time >= this.options.to) return;
    const { tracker } = entry;
    if (tracker.advanceTo(sample.time) > 0) this.snapshot(tracker, entry.index);
    tracker.add(sample);
  }

  private snapshot(tracker: MachineTracker, index: number): void {
    const t = tracker.boundary;
    if (t < this.options.from || t >= this.options.to) return;
    const offset = (this.count % CHUNK) * FEATURE_COUNT;
    if (offset === 0) this.chunks.push(new Float64Array(CHUNK * FEATURE_COUNT));
    tracker.features(this.chunks[this.chunks.length - 1]!.subarray(offset, offset + FEATURE_COUNT));
    this.machineIdx.push(index);
    this.times.push(t);
    this.failed.push(tracker.currentState.inFailure ? 1 : 0);
    this.count++;
  }

  finish(failures: readonly FailureRecord[], options: FinishOptions = {}): Dataset {
    const labelsUntil = options.labelsUntil ?? this.options.to;
    const x = new Float64Array(this.count * FEATURE_COUNT);
    this.chunks.forEach((c, i) => x.set(c.subarray(0, Math.min(CHUNK, this.count - i * CHUNK) * FEATURE_COUNT), i * CHUNK * FEATURE_COUNT));
    return {
      featureNames: FEATURE_NAMES,
      anomalyFeatures: this.options.tracker?.anomaly !== false,
      rows: this.count,
      x,
      machines: [...this.list],
      machine: Int32Array.from(this.machineIdx),
      time: Float64Array.from(this.times),
      inFailure: Uint8Array.from(this.failed),
      window: { from: this.options.from, to: this.options.to },
      labelsUntil,
      failures: failures.filter((f) => f.time < labelsUntil).sort((a, b) => a.time - b.time),
    };
  }
}

/** Which failures a label counts: one mode, several, or every mode (undefined). */
export type ModeSelector = string | readonly string[] | undefined;

function selects(sel: ModeSelector, mode: string): boolean {
  return sel === undefined ? true : typeof sel === 'string' ? sel === mode : sel.includes(mode);
}

/** Failure times of the selected modes per machine index, ascending. */
function failureTimes(ds: Dataset, mode: ModeSelector): Float64Array[] {
  const index = new Map(ds.machines.map((m, i) => [m.deviceId, i]));
  const lists: number[][] = ds.machines.map(() => []);
  for (const f of ds.failures) {
    const i = index.get(f.deviceId);
    if (i !== undefined && selects(mode, f.mode)) lists[i]!.push(f.time);
  }
  return lists.map((l) => Float64Array.from(l));
}

/** Time of the first entry > t, or Infinity (lists are short: a linear scan is enough). */
function nextAfter(times: Float64Array, t: number): number {
  for (const f of times) if (f > t) return f;
  return Number.POSITIVE_INFINITY;
}

/**
 * 1 = a failure of `mode` (any mode when undefined) in (t, t + horizon]; 0 = none and the history
 * reaches t + horizon; −1 = censored or the machine was already failed at t.
 */
export function horizonLabels(ds: Dataset, mode: ModeSelector, horizonMs: number): Int8Array {
  if (!(horizonMs > 0)) throw PdmErrors.create('bad_window', 'horizon must be positive', { horizonMs });
  const times = failureTimes(ds, mode);
  const y = new Int8Array(ds.rows);
  for (let r = 0; r < ds.rows; r++) {
    const t = ds.time[r]!;
    if (ds.inFailure[r]) {
      y[r] = -1;
      continue;
    }
    const next = nextAfter(times[ds.machine[r]!]!, t);
    y[r] = next - t <= horizonMs ? 1 : ds.labelsUntil >= t + horizonMs ? 0 : -1;
  }
  return y;
}

/** Hours to the next failure of `mode`, capped at `capMs`; NaN when censored or already failed. */
export function rulTargets(ds: Dataset, mode: ModeSelector, capMs: number): Float64Array {
  const times = failureTimes(ds, mode);
  const out = new Float64Array(ds.rows);
  for (let r = 0; r < ds.rows; r++) {
    const t = ds.time[r]!;
    const next = nextAfter(times[ds.machine[r]!]!, t);
    if (ds.inFailure[r]) out[r] = Number.NaN;
    else if (next - t <= capMs) out[r] = (next - t) / 3_600_000;
    else out[r] = ds.labelsUntil >= t + capMs ? capMs / 3_600_000 : Number.NaN;
  }
  return out;
}
