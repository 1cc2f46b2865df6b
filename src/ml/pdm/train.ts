/**
 * `trainPdm(dataset)`: the whole predictive-maintenance model from one history window.
 *
 * For every failure mode with at least `minFailures` failures: a calibrated classifier per horizon
 * (24 h and 7 days by default) and a capped RUL regressor. The any-mode probability is
 * 1 − Π(1 − p_mode) (modes fail independently of each other in the plant model; the out-of-fold
 * reliability of this product is measured and stored). The warning threshold is chosen by replaying
 * the warning policy on out-of-fold probabilities against the window's failures: the lowest
 * threshold whose precision reaches `targetPrecision`, i.e. the most recall at that precision.
 */
import { type GbdtParams } from '../core/index.js';
import { horizonLabels, rulTargets, type Dataset } from './dataset.js';
import { PdmErrors } from './errors.js';
import { FEATURE_NAMES } from './features/catalogue.js';
import { PDM_MODEL_VERSION, warningPolicy, type ModePart, type PdmModel, type WarningPart, type WarningStats } from './model.js';
import { reliability } from './reliability.js';
import { DEFAULT_PDM_GBDT, featureMatrix, machineFolds, trainClassifierPart, trainRulPart, type PartContext } from './train-parts.js';
import { HOUR_MS } from './types.js';
import { episodesOf, scoreWarnings, type Episode, type FailureEvent, type ScoredPoint, type WarningPolicy } from './warnings.js';

export interface TrainOptions {
  readonly horizonsHours?: readonly number[];
  readonly rulCapHours?: number;
  readonly folds?: number;
  /** Share of rows far from any failure that are fitted on (all rows are still predicted). */
  readonly negativeRate?: number;
  readonly minFailures?: number;
  /** Modes to model; default every mode with enough failures. */
  readonly modes?: readonly string[];
  readonly gbdt?: Partial<GbdtParams>;
  readonly rul?: boolean;
  readonly warningHorizonHours?: number;
  readonly targetPrecision?: number;
  readonly seed?: number;
  readonly onProgress?: (message: string) => void;
}

export const DEFAULT_TRAIN = {
  horizonsHours: [24, 168] as readonly number[],
  rulCapHours: 336,
  folds: 4,
  negativeRate: 0.1,
  minFailures: 3,
  warningHorizonHours: 168,
  targetPrecision: 0.85,
  seed: 1,
};

/** Raise thresholds tried when choosing the warning policy. */
const THRESHOLDS = [0.05, 0.075, 0.1, 0.125, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
/** Persistence (consecutive hourly scorings) tried per mode, with every threshold. */
const CONFIRMS = [2, 4, 6, 8];

/** How a warning clears: after `clearAfter` consecutive scorings below `clearRatio` × the threshold. */
export interface PolicyShape {
  readonly clearAfter: number;
  readonly clearRatio: number;
}
export const POLICY_SHAPE: PolicyShape = { clearAfter: 6, clearRatio: 0.5 };
/**
 * Shapes tried, the first preferred on ties. A slowly developing fault (a bearing's vibration over
 * two weeks) hovers around the threshold for days: clearing after 6 quiet hours splits one warning
 * into several, and a piece that ends more than a horizon before the failure counts as a false
 * alarm. Holding a warning for up to 3 days of quiet keeps it one episode.
 */
export const POLICY_SHAPES: readonly PolicyShape[] = [
  POLICY_SHAPE, { clearAfter: 24, clearRatio: 0.5 }, { clearAfter: 72, clearRatio: 0.5 }, { clearAfter: 72, clearRatio: 0.25 },
];

export function policyFor(raise: number, confirm: number, shape: PolicyShape = POLICY_SHAPE): WarningPolicy {
  return { raise, clear: raise * shape.clearRatio, confirm, clearAfter: shape.clearAfter };
}

export function trainPdm(ds: Dataset, options: TrainOptions = {}): PdmModel {
  const started = Date.now();
  const o = { ...DEFAULT_TRAIN, ...options };
  const log = options.onProgress ?? (() => {});
  if (!o.horizonsHours.includes(o.warningHorizonHours)) {
    throw PdmErrors.create('bad_window', `the warning horizon (${o.warningHorizonHours} h) must be one of the horizons ${o.horizonsHours.join(', ')}`, { horizons: o.horizonsHours });
  }
  const counts: Record<string, number> = {};
  const failedMachines = new Map<string, Set<string>>();
  const inRows = new Set(ds.machines.map((m) => m.deviceId));
  for (const f of ds.failures) {
    if (!inRows.has(f.deviceId) || f.time < ds.window.from || f.time >= ds.window.to) continue;
    counts[f.mode] = (counts[f.mode] ?? 0) + 1;
    failedMachines.set(f.mode, (failedMachines.get(f.mode) ?? new Set()).add(f.deviceId));
  }
  const modes = (options.modes ?? Object.keys(counts).sort()).filter((m) => (counts[m] ?? 0) >= o.minFailures);
  if (modes.length === 0) {
    throw PdmErrors.create('too_few_failures', `no failure mode has ${o.minFailures} or more failures in the training window (${JSON.stringify(counts)})`, { failures: counts, minFailures: o.minFailures });
  }
  const capMs = o.rulCapHours * HOUR_MS;
  const nearAny = rulTargets(ds, undefined, capMs);
  const near = Uint8Array.from(nearAny, (v) => (v < o.rulCapHours ? 1 : 0));
  const x = featureMatrix(ds);
  const gbdt = { ...DEFAULT_PDM_GBDT, ...options.gbdt };

  const parts: ModePart[] = [];
  const oofByHorizon = new Map<number, Float64Array[]>();
  for (const mode of modes) {
    const ctx: PartContext = { ds, x, fold: machineFolds(ds, failedMachines.get(mode)!, o.folds, o.seed), folds: o.folds, near, negativeRate: o.negativeRate, gbdt, seed: o.seed };
    const classifiers = o.horizonsHours.map((h) => {
      log(`${mode}: classifier "fails within ${h} h"`);
      const res = trainClassifierPart(ctx, horizonLabels(ds, mode, h * HOUR_MS), h);
      oofByHorizon.set(h, [...(oofByHorizon.get(h) ?? []), res.oofProb]);
      return res.part;
    });
    let rul;
    if (o.rul !== false) {
      log(`${mode}: remaining useful life (cap ${o.rulCapHours} h)`);
      rul = trainRulPart(ctx, rulTargets(ds, mode, capMs), o.rulCapHours);
    }
    parts.push({ mode, failures: counts[mode]!, classifiers, ...(rul ? { rul } : {}) });
  }

  const combinedOof = (h: number) => combine(oofByHorizon.get(h)!, ds.rows);
  const combined = o.horizonsHours.map((h) => ({ horizonHours: h, reliability: reliability(combinedOof(h), horizonLabels(ds, modes, h * HOUR_MS)) }));
  log('warning thresholds on out-of-fold probabilities');
  const perMode = new Map(modes.map((m, i) => [m, oofByHorizon.get(o.warningHorizonHours)![i]!] as const));
  const warning = chooseWarnings(ds, perMode, o.warningHorizonHours, o.targetPrecision);
  return {
    kind: 'twinworks.pdm',
    version: PDM_MODEL_VERSION,
    createdAt: new Date().toISOString(),
    dataWindow: { from: new Date(ds.window.from).toISOString(), to: new Date(ds.window.to).toISOString() },
    features: FEATURE_NAMES,
    horizonsHours: o.horizonsHours,
    rulCapHours: o.rulCapHours,
    modes: parts,
    warning,
    metrics: { rows: ds.rows, machines: ds.machines.length, failures: counts, trainingSeconds: (Date.now() - started) / 1000, combined },
    anomalyFeatures: ds.anomalyFeatures !== false,
    params: { gbdt, folds: o.folds, negativeRate: o.negativeRate, minFailures: o.minFailures, seed: o.seed, targetPrecision: o.targetPrecision },
  };
}

/** 1 − Π(1 − p) per row; NaN where any input is NaN. */
export function combine(perMode: readonly Float64Array[], rows: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let q = 1;
    for (const p of perMode) q *= 1 - p[r]!;
    out[r] = 1 - q;
  }
  return out;
}

/** Per-machine scored points (time order) from per-row scores and, optionally, the mode per row. */
export function pointsByMachine(ds: Dataset, score: Float64Array, mode?: (r: number) => string | undefined): Map<number, ScoredPoint[]> {
  const out = new Map<number, ScoredPoint[]>();
  for (let r = 0; r < ds.rows; r++) {
    const list = out.get(ds.machine[r]!) ?? [];
    const m = mode?.(r);
    list.push({ time: ds.time[r]!, probability: Number.isFinite(score[r]!) ? score[r]! : 0, inFailure: ds.inFailure[r] === 1, ...(m ? { mode: m } : {}) });
    out.set(ds.machine[r]!, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.time - b.time);
  return out;
}

function replay(ds: Dataset, points: Map<number, ScoredPoint[]>, policy: WarningPolicy, failures: readonly FailureEvent[], judges: readonly FailureEvent[], horizonHours: number): WarningStats & { f1: number } {
  const episodes: Episode[] = [];
  for (const [m, list] of points) episodes.push(...episodesOf(ds.machines[m]!.deviceId, list, policy));
  const s = scoreWarnings(episodes, failures, horizonHours * HOUR_MS, judges);
  const f1 = s.precision + s.recall === 0 ? 0 : (2 * s.precision * s.recall) / (s.precision + s.recall);
  return { precision: s.precision, recall: s.recall, medianLeadHours: s.medianLeadHours, failures: s.failures, episodes: s.episodes, f1 };
}

type Candidate = WarningStats & { f1: number; threshold: number; confirm: number };

/** Median lead a warning setting must keep to count as "long" (the target's 48 hours). */
const MIN_LEAD_HOURS = 48;

/**
 * More recall first. Among equal recall: a median lead of at least 48 h; then, for such settings, the
 * highest threshold (the most margin against states training rarely saw) and the least persistence;
 * for settings short of 48 h, the longest lead.
 */
function better(a: Candidate, b: Candidate | undefined): boolean {
  if (!b) return true;
  if (a.recall !== b.recall) return a.recall > b.recall;
  const la = Number.isFinite(a.medianLeadHours) ? a.medianLeadHours : -1, lb = Number.isFinite(b.medianLeadHours) ? b.medianLeadHours : -1;
  const longA = la >= MIN_LEAD_HOURS, longB = lb >= MIN_LEAD_HOURS;
  if (longA !== longB) return longA;
  if (!longA) return la > lb;
  if (a.threshold !== b.threshold) return a.threshold > b.threshold;
  return a.confirm < b.confirm;
}

/**
 * The warning settings, chosen on out-of-fold probabilities of the training window only. For each
 * policy shape: per mode, the threshold and persistence that reach `targetPrecision` with the most
 * recall (a mode that never reaches it does not warn; when no mode reaches it, each keeps its
 * best-F1 setting so the platform still warns, and the stored figures say so). Across shapes: the
 * one whose machine-level warnings (all modes together) reach the target in more modes, then detect
 * more failures, then keep a median lead of 48 h, then are more precise; ties keep the earlier shape.
 */
export function chooseWarnings(ds: Dataset, perMode: ReadonlyMap<string, Float64Array>, horizonHours: number, targetPrecision: number): WarningPart {
  let best: { part: WarningPart; reached: number } | undefined;
  for (const shape of POLICY_SHAPES) {
    const c = chooseForShape(ds, perMode, horizonHours, targetPrecision, shape);
    if (!best || betterUnion(c, best)) best = c;
  }
  return best!.part;
}

function betterUnion(a: { part: WarningPart; reached: number }, b: { part: WarningPart; reached: number }): boolean {
  if (a.reached !== b.reached) return a.reached > b.reached;
  const x = a.part.outOfFold, y = b.part.outOfFold;
  if (x.recall !== y.recall) return x.recall > y.recall;
  const longX = x.medianLeadHours >= MIN_LEAD_HOURS, longY = y.medianLeadHours >= MIN_LEAD_HOURS;
  if (longX !== longY) return longX;
  return x.precision > y.precision;
}

function chooseForShape(ds: Dataset, perMode: ReadonlyMap<string, Float64Array>, horizonHours: number, targetPrecision: number, shape: PolicyShape): { part: WarningPart; reached: number } {
  const inWindow = ds.failures.filter((f) => f.time >= ds.window.from && f.time < ds.window.to);
  const judges = ds.failures.filter((f) => f.time >= ds.window.from);
  const reached: Record<string, Candidate> = {}, bestF1: Record<string, Candidate> = {};
  const stats: Record<string, WarningStats & { threshold: number | null; confirm: number }> = {};
  for (const [mode, prob] of perMode) {
    const failures = inWindow.filter((f) => f.mode === mode);
    const points = pointsByMachine(ds, prob);
    let best: Candidate | undefined, top: Candidate | undefined;
    for (const confirm of CONFIRMS) {
      for (const raise of THRESHOLDS) {
        const s: Candidate = { ...replay(ds, points, policyFor(raise, confirm, shape), failures, judges, horizonHours), threshold: raise, confirm };
        if (!top || s.f1 > top.f1) top = s;
        if (s.precision >= targetPrecision && s.recall > 0 && better(s, best)) best = s;
      }
    }
    if (best) reached[mode] = best;
    if (top && top.f1 > 0) bestF1[mode] = top;
    const { f1: _f1, threshold, ...rest } = best ?? top!;
    stats[mode] = { ...rest, threshold: best ? threshold : null };
  }
  const chosen = Object.keys(reached).length > 0 ? reached : bestF1;
  const thresholds = Object.fromEntries(Object.entries(chosen).map(([m, c]) => [m, c.threshold]));
  const confirm = Object.fromEntries(Object.entries(chosen).map(([m, c]) => [m, c.confirm]));
  const part = { horizonHours, thresholds, confirm, clearAfter: shape.clearAfter, clearRatio: shape.clearRatio };
  const scores = warningScores(ds.rows, perMode, thresholds);
  const points = new Map<number, ScoredPoint[]>();
  for (let r = 0; r < ds.rows; r++) {
    const list = points.get(ds.machine[r]!) ?? [];
    list.push({ time: ds.time[r]!, probability: scores.score[r]!, inFailure: ds.inFailure[r] === 1, perMode: scores.perMode[r]! });
    points.set(ds.machine[r]!, list);
  }
  for (const list of points.values()) list.sort((a, b) => a.time - b.time);
  const modes = [...perMode.keys()];
  const { f1: _f1, ...union } = replay(ds, points, warningPolicy(part), inWindow.filter((f) => modes.includes(f.mode)), judges, horizonHours);
  return { part: { ...part, outOfFold: { ...union, perMode: stats } }, reached: Object.keys(reached).length };
}

/** Per row: p_mode / threshold_mode for every warning mode, and their maximum. */
export function warningScores(rows: number, perMode: ReadonlyMap<string, Float64Array>, thresholds: Readonly<Record<string, number>>): { score: Float64Array; perMode: Array<Record<string, number>> } {
  const score = new Float64Array(rows);
  const each: Array<Record<string, number>> = Array.from({ length: rows }, () => ({}));
  for (const [m, prob] of perMode) {
    const t = thresholds[m];
    if (t === undefined) continue;
    for (let r = 0; r < rows; r++) {
      const s = Number.isFinite(prob[r]!) ? prob[r]! / t : 0;
      each[r]![m] = s;
      if (s > score[r]!) score[r] = s;
    }
  }
  return { score, perMode: each };
}
