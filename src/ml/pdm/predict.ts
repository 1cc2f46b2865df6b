/**
 * Scoring one machine's feature vector with a model: calibrated probabilities per mode and horizon,
 * the any-mode probabilities, RUL with its interval, the health index and the drivers of the risk.
 *
 * Health index (0–100): 100 · min(1 − P(any failure within 7 days), RUL / cap): the worse of the
 * two views, 100 = no sign of a failure within the models' reach, 0 = failure imminent.
 */
import { applyCalibrator, predictGbdtRaw, type GbdtModel } from '../core/index.js';
import { contributions, topDrivers } from './explain.js';
import { FEATURES } from './features/catalogue.js';
import { bucketOf } from './train-parts.js';
import type { PdmModel } from './model.js';

export interface ModePrediction {
  readonly mode: string;
  /** Calibrated probability of this mode failing within each horizon, keyed by hours. */
  readonly probability: Readonly<Record<number, number>>;
  readonly rulHours?: number;
  readonly rulInterval?: readonly [number, number];
}

export interface Driver {
  readonly feature: string;
  readonly value: number;
  /** Push on the log-odds of the named mode's warning-horizon probability. */
  readonly contribution: number;
}

export interface MachinePrediction {
  /** Any mode, by horizon in hours. */
  readonly probability: Readonly<Record<number, number>>;
  readonly failureProbability24h?: number;
  readonly failureProbability7d?: number;
  /** Shortest RUL over modes (hours), capped at the model's cap; `rulCensored` when at the cap. */
  readonly rulHours?: number;
  readonly rulInterval?: readonly [number, number];
  readonly rulCensored: boolean;
  readonly healthIndex: number;
  /** Most likely failure mode within the warning horizon. */
  readonly mode?: string;
  readonly modes: readonly ModePrediction[];
  readonly drivers: readonly Driver[];
  /** max over warning modes of p / threshold at the warning horizon: ≥ 1 means "warn". */
  readonly warningScore: number;
  /** p / threshold per warning mode (modes without a threshold are absent). */
  readonly warningScores: Readonly<Record<string, number>>;
  /** The mode attaining `warningScore` (absent when no mode may warn). */
  readonly warningMode?: string;
}

function raw(model: GbdtModel, x: Float64Array): number {
  return predictGbdtRaw(model, { rows: 1, cols: x.length, data: x })[0]!;
}

/** Type one-hot features are context, not causes: never shown as a driver. */
const NOT_A_DRIVER = new Set(FEATURES.map((f, i) => (f.describe.kind === 'machineType' ? i : -1)).filter((i) => i >= 0));

const ANOMALY_FEATURES = FEATURES.map((f, i) => (f.describe.kind === 'anomalyMax' || f.describe.kind === 'anomalyCount' ? i : -1)).filter((i) => i >= 0);

export function predictMachine(model: PdmModel, features: Float64Array, driverCount = 3): MachinePrediction {
  let x = features;
  if (model.anomalyFeatures === false) {
    x = Float64Array.from(features);
    for (const i of ANOMALY_FEATURES) x[i] = Number.NaN;
  }
  const warnH = model.warning.horizonHours;
  const modes: ModePrediction[] = model.modes.map((part) => {
    const probability: Record<number, number> = {};
    for (const c of part.classifiers) probability[c.horizonHours] = applyCalibrator(c.calibrator, raw(c.gbdt, x));
    if (!part.rul) return { mode: part.mode, probability };
    const cap = part.rul.capHours;
    const rulHours = Math.min(cap, Math.max(0, raw(part.rul.gbdt, x)));
    const { upper, halfWidth } = part.rul.interval;
    const w = halfWidth[bucketOf(upper, rulHours)]!;
    return { mode: part.mode, probability, rulHours, rulInterval: [Math.max(0, rulHours - w), Math.min(cap, rulHours + w)] as const };
  });
  const probability: Record<number, number> = {};
  for (const h of model.horizonsHours) probability[h] = 1 - modes.reduce((q, m) => q * (1 - (m.probability[h] ?? 0)), 1);
  let warningScore = 0;
  let warningMode: string | undefined;
  const warningScores: Record<string, number> = {};
  for (const m of modes) {
    const t = model.warning.thresholds[m.mode];
    if (t === undefined) continue;
    const s = (m.probability[warnH] ?? 0) / t;
    warningScores[m.mode] = s;
    if (s > warningScore) {
      warningScore = s;
      warningMode = m.mode;
    }
  }
  // The mode explained and recommended: the warning mode when one may warn, else the most likely.
  const likeliest = [...modes].sort((a, b) => (b.probability[warnH] ?? 0) - (a.probability[warnH] ?? 0))[0];
  const top = modes.find((m) => m.mode === warningMode) ?? likeliest;
  let rulMode: ModePrediction | undefined;
  for (const m of modes) if (m.rulHours !== undefined && (rulMode === undefined || m.rulHours < rulMode.rulHours!)) rulMode = m;
  const p7 = probability[168] ?? probability[warnH] ?? 0;
  const rulShare = rulMode ? rulMode.rulHours! / model.rulCapHours : 1;
  const healthIndex = Math.round(100 * Math.max(0, Math.min(1 - p7, rulShare)));

  let drivers: Driver[] = [];
  const part = top ? model.modes.find((p) => p.mode === top.mode) : undefined;
  const clf = part?.classifiers.find((c) => c.horizonHours === warnH);
  if (clf) {
    const c = contributions(clf.gbdt, x);
    drivers = topDrivers(c, driverCount, (f) => NOT_A_DRIVER.has(f)).map((f) => ({ feature: FEATURES[f]!.name, value: x[f]!, contribution: c.perFeature[f]! }));
  }
  return {
    probability,
    ...(probability[24] !== undefined ? { failureProbability24h: probability[24] } : {}),
    ...(probability[168] !== undefined ? { failureProbability7d: probability[168] } : {}),
    ...(rulMode ? { rulHours: rulMode.rulHours!, rulInterval: rulMode.rulInterval! } : {}),
    rulCensored: rulMode ? rulMode.rulHours! >= model.rulCapHours * 0.98 : true,
    healthIndex,
    ...(top ? { mode: top.mode } : {}),
    modes,
    drivers,
    warningScore,
    warningScores,
    ...(warningMode ? { warningMode } : {}),
  };
}
