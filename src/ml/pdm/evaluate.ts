/**
 * The honest evaluation: train on one simulated history, then run the live scorer, unchanged, over
 * a held-out history and score its warnings against the simulator's ground-truth failures.
 *
 * Protocol (docs/ml-live.md §Evaluation): the training rows end before the test starts; when both
 * use the same plant and seed the test must start at least one horizon after the training rows end,
 * so no failure labels one side and is predicted on the other. The test run starts `warmUpDays`
 * earlier so the features have history (warnings are only counted from `test.from`); failures up
 * to one horizon after `test.to` are known, so a warning near the end is judged by its real future.
 * Features never see labels: the scorer reads telemetry only.
 */
import { DatasetBuilder, horizonLabels, rulTargets, type Dataset } from './dataset.js';
import type { TrackerOptions } from './features/tracker.js';
import { PdmErrors } from './errors.js';
import type { PdmModel } from './model.js';
import type { MachinePrediction } from './predict.js';
import { reliability, type ReliabilityReport } from './reliability.js';
import { LiveScorer } from './scorer.js';
import { simulateHistory, type SimHistoryOptions } from './sim-data.js';
import { trainPdm, type TrainOptions } from './train.js';
import { DAY_MS, HOUR_MS, type FailureRecord, type RepairRecord } from './types.js';
import { scoreWarnings, type Episode, type WarningScore } from './warnings.js';

export type SimWindow = Omit<SimHistoryOptions, 'from' | 'to'> & { readonly from: number; readonly to: number };

export interface EvaluateOptions {
  /** The training history; not needed when `model` is given. */
  readonly train?: SimWindow;
  readonly test: SimWindow;
  readonly warmUpDays?: number;
  readonly trainOptions?: TrainOptions;
  /** Train without the streaming anomaly detectors' features (4× faster feature extraction). */
  readonly anomalyFeatures?: boolean;
  /** Score this model instead of training one. */
  readonly model?: PdmModel;
  readonly onProgress?: (message: string) => void;
}

export interface EvaluationReport {
  readonly trainSeconds: number;
  readonly testSeconds: number;
  readonly model: PdmModel;
  readonly machines: number;
  readonly scorings: number;
  /** Warnings against every failure in the test window. */
  readonly all: WarningScore;
  /** Against failures of the modes the model warns about. */
  readonly warned: WarningScore;
  readonly perMode: Readonly<Record<string, { readonly failures: number; readonly detected: number; readonly medianLeadHours: number }>>;
  /** False alarms whose mode was found and repaired by maintenance within the horizon. */
  readonly confirmedByMaintenance: number;
  readonly calibration: ReadonlyArray<{ readonly horizonHours: number; readonly reliability: ReliabilityReport }>;
  readonly rulCoverage: { readonly rows: number; readonly covered: number };
}

function labelledRun(w: SimWindow, warmUpDays: number, horizonMs: number, open: Parameters<typeof simulateHistory>[1]) {
  return simulateHistory({ ...w, from: w.from - warmUpDays * DAY_MS, to: w.to + horizonMs }, open);
}

export function buildSimDataset(w: SimWindow, warmUpDays: number, horizonMs: number, tracker?: TrackerOptions): Dataset {
  let builder: DatasetBuilder | undefined;
  const h = labelledRun(w, warmUpDays, horizonMs, (machines) => {
    const b = new DatasetBuilder(machines, { from: w.from, to: w.to, ...(tracker ? { tracker } : {}) });
    builder = b;
    return (d, s) => b.push(d, s);
  });
  return builder!.finish(h.failures, { labelsUntil: w.to + horizonMs });
}

export async function evaluatePdm(o: EvaluateOptions): Promise<EvaluationReport> {
  const log = o.onProgress ?? (() => {});
  const warm = o.warmUpDays ?? 7;
  const horizonH = Math.max(...(o.model?.horizonsHours ?? o.trainOptions?.horizonsHours ?? [24, 168]));
  const horizonMs = horizonH * HOUR_MS;
  // Same plant and seed: one history, so the test must start a horizon after the training rows end
  // (their labels look that far ahead). Another seed is another plant history: no shared events.
  const train = o.train;
  if (!train && !o.model) throw PdmErrors.create('bad_window', 'evaluate needs a training window or a model', {});
  const samePlant = train !== undefined && train.seed === o.test.seed && train.lines === o.test.lines && train.plant === o.test.plant;
  if (train && samePlant && o.test.from < train.to + horizonMs) {
    throw PdmErrors.create('bad_window', 'with the same plant and seed the test must start at least one horizon after the training window ends', { trainTo: new Date(o.train.to).toISOString(), testFrom: new Date(o.test.from).toISOString(), horizonHours: horizonH });
  }
  const t0 = Date.now();
  let model = o.model;
  if (!model) {
    log('simulating the training history');
    const ds = buildSimDataset(train!, warm, horizonMs, o.anomalyFeatures === false ? { anomaly: false } : undefined);
    log(`training on ${ds.rows} rows, ${ds.failures.length} failures`);
    model = trainPdm(ds, { ...o.trainOptions, ...(o.onProgress ? { onProgress: o.onProgress } : {}) });
  }
  const trainSeconds = (Date.now() - t0) / 1000;
  log('scoring the held-out history with the live scorer');
  const t1 = Date.now();
  const episodes: Episode[] = [];
  const open = new Map<string, { start: number; mode: string; peak: number }>();
  const scored: Array<{ deviceId: string; time: number; p: MachinePrediction; inFailure: boolean }> = [];
  const scorer = new LiveScorer({
    warnings: {
      raise: async (rec) => void open.set(rec.deviceId, { start: Date.parse(rec.since), mode: rec.mode, peak: rec.confidence }),
      clear: async (deviceId, _twin, time) => {
        const e = open.get(deviceId);
        if (e) episodes.push({ deviceId, start: e.start, end: time, mode: e.mode, peak: e.peak });
        open.delete(deviceId);
      },
    },
    onScore: (deviceId, time, p, inFailure) => {
      if (time >= o.test.from && time < o.test.to) scored.push({ deviceId, time, p, inFailure });
    },
  });
  scorer.setModel(model);
  let machines = 0;
  const run = labelledRun(o.test, warm, horizonMs, (list) => {
    machines = list.length;
    return (d, s) => {
      if (s.time < o.test.to) scorer.push(d, s);
    };
  });
  // Warning callbacks run on the scorer's write chain: let it drain before reading the episodes.
  await scorer.flush();
  return finish(o, model, run, { episodes, open, scored, machines, trainSeconds, t1, horizonMs });
}

function finish(
  o: EvaluateOptions, model: PdmModel, run: { failures: readonly FailureRecord[]; repairs: readonly RepairRecord[] },
  st: { episodes: Episode[]; open: Map<string, { start: number; mode: string; peak: number }>; scored: Array<{ deviceId: string; time: number; p: MachinePrediction; inFailure: boolean }>; machines: number; trainSeconds: number; t1: number; horizonMs: number },
): EvaluationReport {
  for (const [deviceId, e] of st.open) st.episodes.push({ deviceId, start: e.start, end: o.test.to, mode: e.mode, peak: e.peak });
  // Episodes live at any time in the window count (one raised during warm-up keeps its real start).
  const counted = st.episodes.filter((e) => e.end >= o.test.from && e.start < o.test.to);
  const inWindow = run.failures.filter((f) => f.time >= o.test.from && f.time < o.test.to);
  const judges = run.failures.filter((f) => f.time >= o.test.from);
  const warnedModes = Object.keys(model.warning.thresholds);
  const all = scoreWarnings(counted, inWindow, st.horizonMs, judges);
  const warned = scoreWarnings(counted, inWindow.filter((f) => warnedModes.includes(f.mode)), st.horizonMs, judges);
  const perMode: Record<string, { failures: number; detected: number; medianLeadHours: number }> = {};
  for (const mode of new Set(inWindow.map((f) => f.mode))) {
    const s = scoreWarnings(counted, inWindow.filter((f) => f.mode === mode), st.horizonMs, judges);
    perMode[mode] = { failures: s.failures, detected: s.detected, medianLeadHours: s.medianLeadHours };
  }
  const confirmedByMaintenance = all.falseAlarms.filter((e) => run.repairs.some((r) => r.deviceId === e.deviceId && e.mode !== undefined && r.modes.includes(e.mode) && r.time > e.start && r.time <= e.end + st.horizonMs)).length;
  return {
    trainSeconds: st.trainSeconds,
    testSeconds: (Date.now() - st.t1) / 1000,
    model,
    machines: st.machines,
    scorings: st.scored.length,
    all,
    warned,
    perMode,
    confirmedByMaintenance,
    ...testCalibration(o, model, run.failures, st.scored, st.horizonMs),
  };
}

/** Reliability of the any-mode probabilities and RUL interval coverage on the test scorings. */
function testCalibration(o: EvaluateOptions, model: PdmModel, failures: readonly FailureRecord[], scored: ReadonlyArray<{ deviceId: string; time: number; p: MachinePrediction; inFailure: boolean }>, horizonMs: number) {
  const deviceIds = [...new Set(scored.map((s) => s.deviceId))];
  const idx = new Map(deviceIds.map((d, i) => [d, i]));
  // A label-only dataset over the scorings: same labelling code as training.
  const ds: Dataset = {
    featureNames: [], rows: scored.length, x: new Float64Array(0), machines: deviceIds.map((deviceId) => ({ deviceId })),
    machine: Int32Array.from(scored, (s) => idx.get(s.deviceId)!), time: Float64Array.from(scored, (s) => s.time),
    inFailure: Uint8Array.from(scored, (s) => (s.inFailure ? 1 : 0)), window: { from: o.test.from, to: o.test.to }, labelsUntil: o.test.to + horizonMs, failures,
  };
  const modes = model.modes.map((m) => m.mode);
  const calibration = model.horizonsHours.map((h) => ({
    horizonHours: h,
    reliability: reliability(scored.map((s) => s.p.probability[h] ?? Number.NaN), horizonLabels(ds, modes, h * HOUR_MS)),
  }));
  let rows = 0, covered = 0;
  const ruls = new Map(modes.map((m) => [m, rulTargets(ds, m, model.rulCapHours * HOUR_MS)]));
  scored.forEach((s, r) => {
    for (const m of s.p.modes) {
      const target = ruls.get(m.mode)?.[r];
      if (!m.rulInterval || target === undefined || !Number.isFinite(target)) continue;
      rows++;
      if (target >= m.rulInterval[0] && target <= m.rulInterval[1]) covered++;
    }
  });
  return { calibration, rulCoverage: { rows, covered } };
}
