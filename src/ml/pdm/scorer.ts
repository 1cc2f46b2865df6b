/**
 * The live scorer: consumes telemetry, keeps one feature tracker per machine, scores each machine
 * with the promoted model when its hour closes, and hands results to ports the platform wires:
 * - `twins.patch(twinId, ops)`: healthIndex, failureProbability24h/7d, rulHours, predictedFailureMode,
 *   predictionExplanation, maintenanceRecommendation, modelVersion, and anomalyScore (the highest
 *   anomaly score of the machine's signals over the last `anomalyWindowMs`);
 * - `points.write(points)`: anomaly scores as time series `<twinId>/anomaly:<signal>` (the maximum
 *   per `anomalyPointMs` bucket, so 1 Hz telemetry does not double the history's write load);
 * - `warnings.raise/clear`: failure warnings with their recommendation (the alerts context turns
 *   them into alerts).
 * Writes never block ingestion: they are chained, errors go to `onError`, `flush()` waits for them.
 * The state is soft: after a restart `warmUp` replays recent history from the HistorySource port.
 */
import type { JsonPatchOperation, JsonValue, TelemetryReceived } from '../../bus/index.js';
import { describeFeature } from './describe.js';
import { ANOMALY_FIELDS } from './features/catalogue.js';
import { MachineTracker } from './features/tracker.js';
import { inferMachineInfo } from './machines.js';
import { render } from './messages.js';
import { warningPolicy, type PdmModel } from './model.js';
import { predictMachine, type MachinePrediction } from './predict.js';
import { recommend, type Recommendation } from './recommend.js';
import { DAY_MS, type HistorySource, type MachineInfo, type MachineSample } from './types.js';
import { WarningState } from './warnings.js';

export interface TwinWriter {
  patch(twinId: string, ops: readonly JsonPatchOperation[]): Promise<void>;
}
export interface PointWriter {
  write(points: ReadonlyArray<{ readonly series: string; readonly time: number; readonly value: number }>): Promise<void>;
}
export interface WarningSink {
  raise(recommendation: Recommendation, message: string): Promise<void>;
  clear(deviceId: string, twinId: string, time: number): Promise<void>;
}

export interface LiveScorerOptions {
  readonly twins?: TwinWriter;
  readonly points?: PointWriter;
  readonly warnings?: WarningSink;
  /** Type, line and twin of a device; default: read off the id, twin = the event's twinId or the id. */
  readonly machineInfo?: (deviceId: string, twinId?: string) => MachineInfo;
  readonly anomalyWindowMs?: number;
  readonly anomalyPointMs?: number;
  readonly maxMachines?: number;
  readonly onError?: (err: unknown, what: string) => void;
  /** Called after every scoring (the evaluation records predictions through it). */
  readonly onScore?: (deviceId: string, time: number, prediction: MachinePrediction, inFailure: boolean) => void;
}

export interface MachineStatus {
  readonly deviceId: string;
  readonly twinId: string;
  readonly info: MachineInfo;
  readonly lastSeen: number;
  readonly state?: string;
  readonly stateReason?: string;
  readonly anomalyScore: number;
  readonly scoredAt?: number;
  readonly prediction?: MachinePrediction;
  readonly warning?: { readonly since: number; readonly mode?: string };
  readonly recommendation?: Recommendation;
}

interface Entry {
  info: MachineInfo;
  tracker: MachineTracker;
  warning: WarningState | null;
  prediction?: MachinePrediction;
  scoredAt?: number;
  recommendation?: Recommendation;
  minute: number;
  minuteMax: number;
  recent: Array<{ minute: number; max: number }>;
  anomalyScore: number;
  writtenAnomaly: number;
  buckets: Float64Array;
  bucketStart: number;
}

const MINUTE = 60_000;

export class LiveScorer {
  private readonly machinesById = new Map<string, Entry>();
  private model: PdmModel | undefined;
  private modelVersion: number | undefined;
  private chain: Promise<void> = Promise.resolve();
  private readonly anomalyWindowMs: number;
  private readonly anomalyPointMs: number;
  private readonly maxMachines: number;
  private refused = 0;

  constructor(private readonly options: LiveScorerOptions = {}) {
    this.anomalyWindowMs = options.anomalyWindowMs ?? 15 * MINUTE;
    this.anomalyPointMs = options.anomalyPointMs ?? MINUTE;
    this.maxMachines = options.maxMachines ?? 50_000;
  }

  /** Uses `model` from the next scoring on; warning states restart (thresholds may differ). */
  setModel(model: PdmModel | undefined, version?: number): void {
    this.model = model;
    this.modelVersion = version;
    const sink = this.options.warnings;
    for (const e of this.machinesById.values()) {
      if (e.warning?.active && sink) {
        const t = e.tracker.latestTime;
        this.enqueue(() => sink.clear(e.info.deviceId, this.twinId(e), t), 'warnings');
      }
      e.warning = model ? new WarningState(e.info.deviceId, warningPolicy(model.warning)) : null;
      e.recommendation = undefined;
    }
  }

  get currentModel(): { model: PdmModel; version?: number } | undefined {
    return this.model ? { model: this.model, ...(this.modelVersion !== undefined ? { version: this.modelVersion } : {}) } : undefined;
  }

  /** One telemetry event (from `telemetry.received` or each message of a `telemetry.batch`). */
  ingest(event: TelemetryReceived): void {
    const time = Date.parse(event.sourceTime);
    if (!Number.isFinite(time)) return;
    const e = this.entry(event.deviceId, event.twinId);
    if (!e) return;
    this.addSample(e, { time, values: event.values });
  }

  /** One message already in sample form (replays, the evaluation). */
  push(deviceId: string, sample: MachineSample): void {
    const e = this.entry(deviceId);
    if (e) this.addSample(e, sample);
  }

  private entry(deviceId: string, twinId?: string): Entry | undefined {
    let e = this.machinesById.get(deviceId);
    if (e) return e;
    if (this.machinesById.size >= this.maxMachines) {
      if (this.refused++ === 0) this.options.onError?.(new Error(`more than ${this.maxMachines} machines: the rest are not scored`), 'capacity');
      return undefined;
    }
    const info = this.options.machineInfo?.(deviceId, twinId) ?? inferMachineInfo(deviceId, twinId);
    e = {
      info, tracker: new MachineTracker(info), warning: this.model ? new WarningState(deviceId, warningPolicy(this.model.warning)) : null,
      minute: Number.NaN, minuteMax: 0, recent: [], anomalyScore: 0, writtenAnomaly: Number.NaN,
      buckets: new Float64Array(ANOMALY_FIELDS.length).fill(Number.NaN), bucketStart: Number.NaN,
    };
    this.machinesById.set(deviceId, e);
    return e;
  }

  private addSample(e: Entry, sample: MachineSample, quiet = false): void {
    if (e.tracker.advanceTo(sample.time) > 0 && !quiet) this.score(e);
    e.tracker.add(sample);
    if (!quiet) this.anomaly(e, sample.time);
  }

  private twinId(e: Entry): string {
    return e.info.twinId ?? e.info.deviceId;
  }

  private anomaly(e: Entry, time: number): void {
    const scores = e.tracker.anomalyScores;
    const bucket = Math.floor(time / this.anomalyPointMs) * this.anomalyPointMs;
    if (bucket !== e.bucketStart) {
      this.flushBuckets(e);
      e.bucketStart = bucket;
    }
    let max = 0;
    for (let i = 0; i < scores.length; i++) {
      const s = scores[i]!;
      if (!Number.isFinite(s)) continue;
      if (!(s <= e.buckets[i]!)) e.buckets[i] = s;
      if (s > max) max = s;
    }
    const minute = Math.floor(time / MINUTE);
    if (minute !== e.minute) {
      if (Number.isFinite(e.minute)) e.recent.push({ minute: e.minute, max: e.minuteMax });
      const oldest = minute - this.anomalyWindowMs / MINUTE;
      while (e.recent.length > 0 && e.recent[0]!.minute <= oldest) e.recent.shift();
      e.minute = minute;
      e.minuteMax = 0;
    }
    if (max > e.minuteMax) e.minuteMax = max;
    const windowMax = e.recent.reduce((m, r) => Math.max(m, r.max), e.minuteMax);
    e.anomalyScore = windowMax;
    // Patch the twin only when the recent maximum moved noticeably: the twin is a dashboard value.
    if (!(Math.abs(windowMax - e.writtenAnomaly) < 0.02)) {
      e.writtenAnomaly = windowMax;
      this.patch(e, { anomalyScore: round(windowMax, 3) });
    }
  }

  private flushBuckets(e: Entry): void {
    if (!this.options.points || !Number.isFinite(e.bucketStart)) return;
    const points: Array<{ series: string; time: number; value: number }> = [];
    ANOMALY_FIELDS.forEach((field, i) => {
      const v = e.buckets[i]!;
      if (Number.isFinite(v)) points.push({ series: `${this.twinId(e)}/anomaly:${field}`, time: e.bucketStart, value: round(v, 4) });
    });
    e.buckets.fill(Number.NaN);
    const writer = this.options.points;
    if (points.length > 0) this.enqueue(() => writer.write(points), 'points');
  }

  private score(e: Entry): void {
    const model = this.model;
    if (!model) return;
    const t = e.tracker.boundary;
    const state = e.tracker.currentState;
    const prediction = predictMachine(model, e.tracker.features());
    e.prediction = prediction;
    e.scoredAt = t;
    this.options.onScore?.(e.info.deviceId, t, prediction, state.inFailure);
    const step = e.warning?.update({ time: t, probability: prediction.warningScore, perMode: prediction.warningScores, inFailure: state.inFailure, ...(prediction.warningMode ? { mode: prediction.warningMode } : {}) });
    if (step?.closed) {
      e.recommendation = undefined;
      const sink = this.options.warnings;
      if (sink) this.enqueue(() => sink.clear(e.info.deviceId, this.twinId(e), t), 'warnings');
    }
    if (e.warning?.active) {
      e.recommendation = recommend(e.info, prediction, { now: t, since: e.warning.since ?? t, horizonHours: model.warning.horizonHours, ...(e.warning.mode ? { mode: e.warning.mode } : {}) });
      const sink = this.options.warnings;
      if (step?.raised && sink && e.recommendation) {
        const rec = e.recommendation;
        this.enqueue(() => sink.raise(rec, render(rec.action, 'en')), 'warnings');
      }
    }
    const rec = e.recommendation;
    this.patch(e, {
      healthIndex: prediction.healthIndex,
      failureProbability24h: round(prediction.failureProbability24h ?? 0, 4),
      failureProbability7d: round(prediction.failureProbability7d ?? 0, 4),
      rulHours: round(prediction.rulHours ?? model.rulCapHours, 1),
      predictedFailureMode: prediction.mode ?? '',
      predictionExplanation: prediction.drivers.map((d) => describeFeature(d.feature, d.value)).flatMap((m) => (m ? [render(m, 'en')] : [])).join('; '),
      maintenanceRecommendation: rec ? render(rec.action, 'en') : '',
      ...(this.modelVersion !== undefined ? { modelVersion: this.modelVersion } : {}),
    });
  }

  private patch(e: Entry, values: Record<string, JsonValue>): void {
    const twins = this.options.twins;
    if (!twins) return;
    // `add` sets a member whether or not it exists yet (RFC 6902 §4.1).
    const ops: JsonPatchOperation[] = Object.entries(values).map(([k, v]) => ({ op: 'add', path: `/${k}`, value: v }));
    const id = this.twinId(e);
    this.enqueue(() => twins.patch(id, ops), 'twins');
  }

  private enqueue(task: () => Promise<void>, what: string): void {
    this.chain = this.chain.then(task).catch((err: unknown) => this.options.onError?.(err, what));
  }

  /** Waits for every write queued so far. */
  async flush(): Promise<void> {
    for (const e of this.machinesById.values()) this.flushBuckets(e);
    await this.chain;
  }

  /** Replays recent history (default 14 days) so features and detectors are warm after a restart. */
  async warmUp(source: HistorySource, until: number, days = 14): Promise<number> {
    let samples = 0;
    for (const info of await source.machines()) {
      const e = this.entry(info.deviceId, info.twinId);
      if (!e) continue;
      e.info = { ...e.info, ...info };
      for (let t = until - days * DAY_MS; t < until; t += DAY_MS) {
        for (const s of await source.readSeries(info.deviceId, WARM_SIGNALS, t, Math.min(until, t + DAY_MS))) {
          this.addSample(e, s, true);
          samples++;
        }
      }
    }
    return samples;
  }

  /** Every machine's status, highest risk first (warning score, then 7-day probability). */
  machines(): MachineStatus[] {
    return [...this.machinesById.values()].map((e) => this.status(e)).sort(
      (a, b) => (b.prediction?.warningScore ?? -1) - (a.prediction?.warningScore ?? -1) || (b.prediction?.failureProbability7d ?? -1) - (a.prediction?.failureProbability7d ?? -1) || a.deviceId.localeCompare(b.deviceId),
    );
  }

  machine(deviceId: string): MachineStatus | undefined {
    const e = this.machinesById.get(deviceId) ?? [...this.machinesById.values()].find((x) => this.twinId(x) === deviceId);
    return e ? this.status(e) : undefined;
  }

  recommendations(): Recommendation[] {
    return [...this.machinesById.values()].flatMap((e) => (e.recommendation ? [e.recommendation] : [])).sort((a, b) => a.dueInHours - b.dueInHours || b.confidence - a.confidence);
  }

  private status(e: Entry): MachineStatus {
    const st = e.tracker.currentState;
    return {
      deviceId: e.info.deviceId, twinId: this.twinId(e), info: e.info, lastSeen: e.tracker.latestTime,
      ...(st.state ? { state: st.state } : {}), ...(st.reason ? { stateReason: st.reason } : {}),
      anomalyScore: e.anomalyScore,
      ...(e.scoredAt !== undefined ? { scoredAt: e.scoredAt } : {}),
      ...(e.prediction ? { prediction: e.prediction } : {}),
      ...(e.warning?.active ? { warning: { since: e.warning.since!, ...(e.recommendation ? { mode: e.recommendation.mode } : {}) } } : {}),
      ...(e.recommendation ? { recommendation: e.recommendation } : {}),
    };
  }
}

/** Telemetry fields the tracker reads (for HistorySource reads). */
export const WARM_SIGNALS = ['state', 'stateReason', 'temperature', 'vibration', 'vibrationHighBand', 'power', 'speed', 'pressure', 'goodCount', 'rejectCount', 'cycleTime'] as const;

function round(v: number, digits: number): number {
  return Number(v.toFixed(digits));
}
