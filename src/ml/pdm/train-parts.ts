/**
 * The pieces of training, each honest about what it has seen:
 * - folds keep every row of one machine together (its history is one correlated series), and deal the
 *   machines that failed in a mode evenly across folds;
 * - out-of-fold predictions come from models that never saw that machine;
 * - the calibrator applied to fold f is fitted on the other folds' out-of-fold scores (cross-fitting),
 *   so the reported reliability is measured on predictions the calibrator did not fit;
 * - rows far from any failure are subsampled for fitting (and weighted up) to keep training fast,
 *   but every row is predicted and scored.
 */
import {
  applyCalibrator, averagePrecision, fitIsotonic, logLoss, fitPlatt, predictGbdt, predictGbdtRaw, rocAuc, Rng, takeRows, trainGbdt,
  type Calibrator, type GbdtModel, type GbdtParams, type Matrix,
} from '../core/index.js';
import type { Dataset } from './dataset.js';
import { FEATURE_COUNT } from './features/catalogue.js';
import type { ClassifierPart, RulPart } from './model.js';
import { reliability } from './reliability.js';

export const DEFAULT_PDM_GBDT: Partial<GbdtParams> = {
  rounds: 120,
  learningRate: 0.1,
  maxLeaves: 15,
  maxDepth: 6,
  minSamplesLeaf: 40,
  lambda: 5,
  subsample: 0.8,
  colsample: 0.8,
  maxBins: 64,
};

export interface PartContext {
  readonly ds: Dataset;
  readonly x: Matrix;
  /** Fold per row. */
  readonly fold: Int32Array;
  readonly folds: number;
  /** Rows always fitted on (near a failure); the others are sampled at `negativeRate`. */
  readonly near: Uint8Array;
  readonly negativeRate: number;
  readonly gbdt: Partial<GbdtParams>;
  readonly seed: number;
}

/** Fold per row: machines with a failure of `modes` are shuffled and dealt first, then the rest. */
export function machineFolds(ds: Dataset, failedMachines: ReadonlySet<string>, k: number, seed: number): Int32Array {
  const rng = new Rng(seed);
  const failed = ds.machines.map((_, i) => i).filter((i) => failedMachines.has(ds.machines[i]!.deviceId));
  const others = ds.machines.map((_, i) => i).filter((i) => !failedMachines.has(ds.machines[i]!.deviceId));
  rng.shuffle(failed);
  rng.shuffle(others);
  const foldOfMachine = new Int32Array(ds.machines.length);
  [...failed, ...others].forEach((m, j) => (foldOfMachine[m] = j % k));
  return Int32Array.from(ds.machine, (m) => foldOfMachine[m]!);
}

/** Deterministic uniform [0, 1) per (machine, time): the same row is always kept or always dropped. */
export function rowHash(machine: number, time: number, seed: number): number {
  let h = Math.imul(machine + 1, 0x9e3779b1) ^ Math.imul(Math.floor(time / 3_600_000) | 0, 0x85ebca6b) ^ Math.imul(seed, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

interface Fit {
  readonly idx: Uint32Array;
  readonly weights: Float64Array;
}

function fitRows(ctx: PartContext, eligible: (r: number) => boolean, inFold: (r: number) => boolean): Fit {
  const idx: number[] = [], w: number[] = [];
  for (let r = 0; r < ctx.ds.rows; r++) {
    if (!eligible(r) || !inFold(r)) continue;
    if (ctx.near[r]) {
      idx.push(r);
      w.push(1);
    } else if (rowHash(ctx.ds.machine[r]!, ctx.ds.time[r]!, ctx.seed) < ctx.negativeRate) {
      idx.push(r);
      w.push(1 / ctx.negativeRate);
    }
  }
  return { idx: Uint32Array.from(idx), weights: Float64Array.from(w) };
}

function rowsOf(ctx: PartContext, pred: (r: number) => boolean): Uint32Array {
  const out: number[] = [];
  for (let r = 0; r < ctx.ds.rows; r++) if (pred(r)) out.push(r);
  return Uint32Array.from(out);
}

function train(ctx: PartContext, fit: Fit, target: ArrayLike<number>, objective: 'logistic' | 'squared', seed: number): GbdtModel {
  const y = Float64Array.from(fit.idx, (r) => target[r]!);
  return trainGbdt(takeRows(ctx.x, fit.idx), y, { params: { ...ctx.gbdt, objective, seed }, weights: fit.weights }).model;
}

function fitCalibrator(raw: ArrayLike<number>, y: ArrayLike<number>, isotonic: boolean): Calibrator {
  return isotonic ? fitIsotonic(raw, y) : fitPlatt(raw, y);
}

export interface ClassifierResult {
  readonly part: ClassifierPart;
  /** Cross-calibrated out-of-fold probability per row (NaN for rows in failure). */
  readonly oofProb: Float64Array;
}

/** One calibrated "fails within H" classifier. `y`: 1 / 0 / −1 (censored) per row. */
export function trainClassifierPart(ctx: PartContext, y: Int8Array, horizonHours: number): ClassifierResult {
  const { ds } = ctx;
  const eligible = (r: number) => y[r]! >= 0;
  const oofRaw = new Float64Array(ds.rows).fill(Number.NaN);
  for (let f = 0; f < ctx.folds; f++) {
    const fit = fitRows(ctx, eligible, (r) => ctx.fold[r] !== f);
    const model = train(ctx, fit, y, 'logistic', ctx.seed * 7919 + f);
    const test = rowsOf(ctx, (r) => ctx.fold[r] === f && !ds.inFailure[r]);
    const raw = predictGbdtRaw(model, takeRows(ctx.x, test));
    test.forEach((r, k) => (oofRaw[r] = raw[k]!));
  }
  // Isotonic or Platt, whichever predicts the held-out folds better (log loss of cross-fitted
  // probabilities): isotonic overfits when there are few failures (it maps a lone top score to 1).
  const cross = (isotonic: boolean) => {
    const prob = new Float64Array(ds.rows).fill(Number.NaN);
    for (let f = 0; f < ctx.folds; f++) {
      const calRows = rowsOf(ctx, (r) => ctx.fold[r] !== f && eligible(r));
      const cal = fitCalibrator(Array.from(calRows, (r) => oofRaw[r]!), Array.from(calRows, (r) => y[r]!), isotonic);
      for (let r = 0; r < ds.rows; r++) if (ctx.fold[r] === f && Number.isFinite(oofRaw[r]!)) prob[r] = applyCalibrator(cal, oofRaw[r]!);
    }
    return prob;
  };
  const scored = rowsOf(ctx, eligible);
  const truthOf = Array.from(scored, (r) => y[r]!);
  const [iso, platt] = [cross(true), cross(false)];
  const isotonic = logLoss(Array.from(scored, (r) => iso[r]!), truthOf) < logLoss(Array.from(scored, (r) => platt[r]!), truthOf);
  const oofProb = isotonic ? iso : platt;
  const all = rowsOf(ctx, eligible);
  const calibrator = fitCalibrator(Array.from(all, (r) => oofRaw[r]!), Array.from(all, (r) => y[r]!), isotonic);
  const gbdt = train(ctx, fitRows(ctx, eligible, () => true), y, 'logistic', ctx.seed * 7919 + 999);
  const scores = Array.from(all, (r) => oofRaw[r]!), truth = Array.from(all, (r) => y[r]!);
  const positives = truth.reduce((a, b) => a + b, 0);
  const metrics = {
    rows: all.length,
    positives,
    averagePrecision: positives > 0 ? averagePrecision(scores, truth) : Number.NaN,
    rocAuc: positives > 0 ? rocAuc(scores, truth) : Number.NaN,
    reliability: reliability(Array.from(all, (r) => oofProb[r]!), truth),
  };
  return { part: { horizonHours, gbdt, calibrator, metrics }, oofProb };
}

const RUL_BUCKETS_HOURS = [24, 72, 168];

function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  // Conformal quantile: the ⌈(n+1)q⌉-th smallest, so coverage holds in finite samples.
  return s[Math.min(s.length - 1, Math.ceil((s.length + 1) * q) - 1)]!;
}

function halfWidths(pred: ArrayLike<number>, target: ArrayLike<number>, rows: Uint32Array, upper: readonly number[], coverage: number): number[] {
  const errs: number[][] = upper.map(() => []);
  for (const r of rows) {
    const b = upper.findIndex((u) => pred[r]! <= u);
    errs[b < 0 ? upper.length - 1 : b]!.push(Math.abs(pred[r]! - target[r]!));
  }
  const fallback = quantile(errs.flat(), coverage);
  return errs.map((e) => (e.length >= 20 ? quantile(e, coverage) : fallback));
}

export function bucketOf(upper: readonly number[], pred: number): number {
  const b = upper.findIndex((u) => pred <= u);
  return b < 0 ? upper.length - 1 : b;
}

/** Capped remaining-useful-life regressor (hours) with split-conformal intervals. */
export function trainRulPart(ctx: PartContext, target: Float64Array, capHours: number, coverage = 0.8): RulPart {
  const { ds } = ctx;
  const eligible = (r: number) => Number.isFinite(target[r]!);
  const nearTarget: PartContext = { ...ctx, near: Uint8Array.from(ctx.near, (n, r) => (n || target[r]! < capHours ? 1 : 0)) };
  const oof = new Float64Array(ds.rows).fill(Number.NaN);
  for (let f = 0; f < ctx.folds; f++) {
    const model = train(nearTarget, fitRows(nearTarget, eligible, (r) => ctx.fold[r] !== f), target, 'squared', ctx.seed * 104729 + f);
    const test = rowsOf(ctx, (r) => ctx.fold[r] === f && eligible(r));
    const pred = predictGbdt(model, takeRows(ctx.x, test));
    test.forEach((r, k) => (oof[r] = Math.min(capHours, Math.max(0, pred[k]!))));
  }
  const upper = [...RUL_BUCKETS_HOURS.filter((h) => h < capHours), capHours];
  let covered = 0, total = 0;
  for (let f = 0; f < ctx.folds; f++) {
    const w = halfWidths(oof, target, rowsOf(ctx, (r) => ctx.fold[r] !== f && eligible(r)), upper, coverage);
    for (let r = 0; r < ds.rows; r++) {
      if (ctx.fold[r] !== f || !eligible(r)) continue;
      total++;
      if (Math.abs(oof[r]! - target[r]!) <= w[bucketOf(upper, oof[r]!)]!) covered++;
    }
  }
  const all = rowsOf(ctx, eligible);
  let mae = 0, maeNear = 0, near = 0;
  for (const r of all) {
    const e = Math.abs(oof[r]! - target[r]!);
    mae += e;
    if (target[r]! < capHours) {
      maeNear += e;
      near++;
    }
  }
  const gbdt = train(nearTarget, fitRows(nearTarget, eligible, () => true), target, 'squared', ctx.seed * 104729 + 999);
  return {
    gbdt,
    capHours,
    interval: { coverage, upper, halfWidth: halfWidths(oof, target, all, upper, coverage) },
    metrics: { rows: all.length, maeHours: mae / Math.max(1, all.length), maeNearHours: near ? maeNear / near : Number.NaN, nearRows: near, coverage: total ? covered / total : Number.NaN },
  };
}

export const featureMatrix = (ds: Dataset): Matrix => ({ rows: ds.rows, cols: FEATURE_COUNT, data: ds.x });
