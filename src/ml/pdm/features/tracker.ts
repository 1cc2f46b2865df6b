/**
 * Per-machine feature state, updated one telemetry message at a time and read at hour boundaries.
 * Training replays history through the same class the live scorer uses, so the features a model
 * was trained on and the ones it is scored on are computed by one piece of code.
 *
 * Every message goes into the hour being accumulated; when a message (or `advanceTo`) crosses into
 * a new hour, the finished hour is summarised (robust medians per channel, counts, shares) and
 * pushed into 14-day rings. `features()` reads only finished hours, so a snapshot taken at a
 * boundary depends on nothing after it (strictly causal: no future data, no labels).
 */
import { noveltyDetectorFactory, type DetectorFactory, type SignalDetector } from '../../anomaly/index.js';
import { DAY_MS, HOUR_MS, inFailureState, type MachineInfo, type MachineSample } from '../types.js';
import {
  ANOMALY_COUNT_THRESHOLD, ANOMALY_FIELDS, CHANNELS, FEATURE_COUNT, HISTORY_HOURS, HOURS_SINCE_CAP, MACHINE_TYPE_HINTS,
} from './catalogue.js';
import { blockMeans, DecimatingBuffer, meanOf, medianOf, Ring, slopeOf } from './rolling.js';

export interface TrackerOptions {
  /** Streaming anomaly detectors on the raw signals; `false` turns them (and their features) off. */
  readonly anomaly?: DetectorFactory | false;
}

const LAST = HISTORY_HOURS;

export class MachineTracker {
  readonly deviceId: string;
  readonly type: string | undefined;
  /** Start of the hour being accumulated = the boundary `features()` describes. NaN before any data. */
  private hourStart = Number.NaN;
  private lastTime = Number.NEGATIVE_INFINITY;
  private readonly bins = CHANNELS.map(() => new DecimatingBuffer());
  private readonly hourly = CHANNELS.map(() => new Ring(LAST));
  private readonly good = new Ring(LAST);
  private readonly reject = new Ring(LAST);
  private readonly runShare = new Ring(LAST);
  private readonly minorStops = new Ring(LAST);
  private readonly anomalyMax = new Ring(LAST);
  private readonly anomalyCount = new Ring(LAST);
  private hour = { samples: 0, running: 0, minorStops: 0, good: 0, reject: 0, counted: false, anomalyMax: 0, anomalyCount: 0 };
  private lastGood = Number.NaN;
  private lastReject = Number.NaN;
  private state: string | undefined;
  private reason: string | undefined;
  private lastMaintenance = Number.NaN;
  private lastPlanned = Number.NaN;
  private boundaryMaintenance = Number.NaN;
  private boundaryPlanned = Number.NaN;
  /** Start times of the last three planned-maintenance windows seen (for their period). */
  private plannedStarts: number[] = [];
  /** When the machine last came out of a maintenance state (a part was repaired or replaced). */
  private repairedAt = Number.NaN;
  private readonly detectors: SignalDetector[] | null;
  /** Anomaly score of each ANOMALY_FIELDS entry in the last message (NaN where the field was absent). */
  readonly anomalyScores = new Float64Array(ANOMALY_FIELDS.length).fill(Number.NaN);

  constructor(info: MachineInfo, options: TrackerOptions = {}) {
    this.deviceId = info.deviceId;
    this.type = info.type;
    const factory = options.anomaly === false ? null : (options.anomaly ?? noveltyDetectorFactory());
    this.detectors = factory ? ANOMALY_FIELDS.map(() => factory.create()) : null;
  }

  /** The boundary the current features describe (ms), NaN before the first message. */
  get boundary(): number {
    return this.hourStart;
  }

  get latestTime(): number {
    return this.lastTime;
  }

  get currentState(): { state: string | undefined; reason: string | undefined; inFailure: boolean } {
    return { state: this.state, reason: this.reason, inFailure: inFailureState(this.state, this.reason) };
  }

  /**
   * Closes every hour that ended at or before `t`; returns how many boundaries were crossed (0 when
   * `t` is in the current hour). A gap longer than the history is treated as a fresh start of rings.
   */
  advanceTo(t: number): number {
    const h = Math.floor(t / HOUR_MS) * HOUR_MS;
    if (Number.isNaN(this.hourStart)) {
      this.hourStart = h;
      return 0;
    }
    if (h <= this.hourStart) return 0;
    this.closeHour(true);
    const empty = Math.min(LAST, Math.round((h - this.hourStart) / HOUR_MS) - 1);
    for (let k = 0; k < empty; k++) this.closeHour(false);
    this.hourStart = h;
    this.boundaryMaintenance = this.lastMaintenance;
    this.boundaryPlanned = this.lastPlanned;
    return empty + 1;
  }

  /**
   * Adds one message. Messages not newer than the last one are ignored: late data cannot rewrite
   * closed hours, and a message with the same source time is a redelivery (at-least-once bus).
   */
  add(sample: MachineSample): void {
    const t = sample.time;
    if (!(t > this.lastTime)) return;
    this.advanceTo(t);
    const v = sample.values;
    const state = typeof v['state'] === 'string' ? v['state'] : undefined;
    const reason = typeof v['stateReason'] === 'string' ? v['stateReason'] : undefined;
    const running = state === 'running';
    const failed = inFailureState(state, reason);
    const hr = this.hour;
    hr.samples++;
    if (running) hr.running++;
    if (state === 'down' && reason === 'minorStop' && !(this.state === 'down' && this.reason === 'minorStop')) hr.minorStops++;
    if (state === 'maintenance') this.lastMaintenance = t;
    else if (this.state === 'maintenance') this.repairedAt = t;
    if (state === 'plannedStop' && reason === 'plannedMaintenance') {
      // A new window starts when the previous planned-maintenance message is more than a day old.
      if (!(t - this.lastPlanned < DAY_MS)) this.plannedStarts = [...this.plannedStarts.slice(-2), t];
      this.lastPlanned = t;
    }
    for (let c = 0; c < CHANNELS.length; c++) {
      const ch = CHANNELS[c]!;
      const x = v[ch.field];
      if (typeof x !== 'number') continue;
      // Rest excludes failure downtime: a failed machine's readings say nothing about the next failure.
      if (ch.when === 'running' ? running : !running && state !== undefined && !failed) this.bins[c]!.push(x);
    }
    this.count(v['goodCount'], v['rejectCount']);
    if (this.detectors) {
      for (let i = 0; i < ANOMALY_FIELDS.length; i++) {
        const x = v[ANOMALY_FIELDS[i]!];
        if (typeof x !== 'number' || !Number.isFinite(x)) {
          this.anomalyScores[i] = Number.NaN;
          continue;
        }
        const s = this.detectors[i]!.update(t, x);
        this.anomalyScores[i] = s;
        if (s > hr.anomalyMax) hr.anomalyMax = s;
        if (s >= ANOMALY_COUNT_THRESHOLD) hr.anomalyCount++;
      }
    }
    this.state = state;
    this.reason = reason;
    this.lastTime = t;
  }

  private count(goodRaw: unknown, rejectRaw: unknown): void {
    if (typeof goodRaw !== 'number' || typeof rejectRaw !== 'number') return;
    // Counters are cumulative and reset to 0 on restarts or resetCounters: a drop means "reset",
    // and everything since the reset is new.
    const dGood = Number.isFinite(this.lastGood) ? (goodRaw >= this.lastGood ? goodRaw - this.lastGood : goodRaw) : 0;
    const dReject = Number.isFinite(this.lastReject) ? (rejectRaw >= this.lastReject ? rejectRaw - this.lastReject : rejectRaw) : 0;
    this.hour.good += dGood;
    this.hour.reject += dReject;
    this.hour.counted = true;
    this.lastGood = goodRaw;
    this.lastReject = rejectRaw;
  }

  private closeHour(withData: boolean): void {
    const hr = this.hour;
    const has = withData && hr.samples > 0;
    for (let c = 0; c < CHANNELS.length; c++) {
      this.hourly[c]!.push(has ? this.bins[c]!.median() : Number.NaN);
      this.bins[c]!.reset();
    }
    this.good.push(has && hr.counted ? hr.good : Number.NaN);
    this.reject.push(has && hr.counted ? hr.reject : Number.NaN);
    this.runShare.push(has ? hr.running / hr.samples : Number.NaN);
    this.minorStops.push(has ? hr.minorStops : Number.NaN);
    this.anomalyMax.push(has && this.detectors ? hr.anomalyMax : Number.NaN);
    this.anomalyCount.push(has && this.detectors ? hr.anomalyCount : Number.NaN);
    this.hour = { samples: 0, running: 0, minorStops: 0, good: 0, reject: 0, counted: false, anomalyMax: 0, anomalyCount: 0 };
  }

  /**
   * Hours from the boundary to the next planned-maintenance window, from the period of the last
   * windows seen (the plant's maintenance calendar as the machine lived it); NaN before two windows.
   */
  private hoursUntilPlanned(): number {
    const starts = this.plannedStarts.filter((s) => s < this.hourStart);
    if (starts.length < 2) return Number.NaN;
    const period = starts[starts.length - 1]! - starts[starts.length - 2]!;
    if (!(period >= HOUR_MS && period <= 60 * DAY_MS)) return Number.NaN;
    let next = starts[starts.length - 1]! + period;
    // Bounded: the boundary is at most a few periods past the last window seen.
    for (let i = 0; i < 100 && next < this.hourStart; i++) next += period;
    return (next - this.hourStart) / HOUR_MS;
  }

  /** The feature vector at the current boundary (FEATURES order); NaN = not enough history. */
  features(out: Float64Array = new Float64Array(FEATURE_COUNT)): Float64Array {
    let k = 0;
    // After a repair the part is new: hours that ended before it describe the old part, so channel
    // statistics restart (levels, deviations and trends of a replaced bearing are not its successor's).
    const stale = Number.isFinite(this.repairedAt) ? Math.min(LAST, Math.max(0, Math.floor((this.repairedAt - (this.hourStart - LAST * HOUR_MS)) / HOUR_MS))) : 0;
    for (let c = 0; c < CHANNELS.length; c++) {
      const ch = CHANNELS[c]!;
      const raw = this.hourly[c]!.last(LAST);
      raw.fill(Number.NaN, 0, stale);
      const tr = ch.scale === 'log' ? raw.map((x) => (x > 0 ? Math.log(x) : Number.NaN)) : raw;
      const level = recentLevel(raw);
      const tLevel = ch.scale === 'log' ? (level > 0 ? Math.log(level) : Number.NaN) : level;
      const ref = medianOf(blockMeans(tr, 24, 4));
      const dev = tLevel - ref;
      const slope1d = slopeOf(tr.subarray(LAST - 24), 6) * 24;
      out[k++] = level;
      out[k++] = dev;
      out[k++] = slope1d;
      out[k++] = slopeOf(tr.subarray(LAST - 72), 12) * 24;
      out[k++] = slopeOf(tr.subarray(LAST - 168), 24) * 24;
      out[k++] = dev + 3 * slope1d;
      out[k++] = trendAge(dev, slope1d);
    }
    out[k++] = scrapRate(this.good, this.reject, 6);
    out[k++] = scrapRate(this.good, this.reject, 24);
    out[k++] = meanOf(this.runShare.last(24), 1);
    out[k++] = sumOf(this.minorStops.last(24));
    out[k++] = hoursSince(this.hourStart, this.boundaryMaintenance);
    out[k++] = hoursSince(this.hourStart, this.boundaryPlanned);
    out[k++] = this.hoursUntilPlanned();
    const maxes = this.anomalyMax.last(24);
    let mx = Number.NaN;
    for (const m of maxes) if (Number.isFinite(m) && !(m <= mx)) mx = m;
    out[k++] = mx;
    out[k++] = sumOf(this.anomalyCount.last(24));
    for (const type of MACHINE_TYPE_HINTS) out[k++] = this.type === type ? 1 : 0;
    return out;
  }
}

/**
 * Mean of the newest 6 known hourly values within the last 48 hours (at least 2): the last level the
 * channel was seen at. Across a break, a weekend or a maintenance window the level stays known
 * instead of turning into "no data" the moment the machine stops running.
 */
function recentLevel(hourly: Float64Array): number {
  let s = 0, n = 0;
  for (let i = hourly.length - 1; i >= hourly.length - 48 && i >= 0 && n < 6; i--) {
    const v = hourly[i]!;
    if (Number.isFinite(v)) {
      s += v;
      n++;
    }
  }
  return n >= 2 ? s / n : Number.NaN;
}

function sumOf(values: Float64Array): number {
  let s = 0, n = 0;
  for (const v of values) if (Number.isFinite(v)) {
    s += v;
    n++;
  }
  return n === 0 ? Number.NaN : s;
}

function scrapRate(good: Ring, reject: Ring, hours: number): number {
  const g = sumOf(good.last(hours)), r = sumOf(reject.last(hours));
  const total = g + r;
  return total > 0 ? r / total : Number.NaN;
}

/** Days the current one-day trend would take to build the deviation, in [0, 30]; 30 = not growing. */
function trendAge(dev: number, slopePerDay: number): number {
  if (!Number.isFinite(dev) || !Number.isFinite(slopePerDay)) return Number.NaN;
  if (Math.abs(slopePerDay) < 1e-9 || Math.sign(dev) !== Math.sign(slopePerDay)) return 30;
  return Math.min(30, Math.max(0, dev / slopePerDay));
}

function hoursSince(now: number, then: number): number {
  if (!Number.isFinite(then)) return Number.NaN;
  return Math.min(HOURS_SINCE_CAP, Math.max(0, (now - then) / HOUR_MS));
}
