/**
 * Binary failure classifier for tabular machine records: gradient-boosted trees (logistic loss),
 * probabilities calibrated on out-of-fold scores, and a decision threshold chosen on those same
 * out-of-fold predictions — never on data it is scored on. Class imbalance is handled by moving the
 * threshold (stratified folds, F1-optimal cut on calibrated probabilities); up-weighting positives is
 * available (`classWeight`) but measured worse on AI4I (docs/ml-prediction.md).
 *
 * Training (all inside the rows given; a cross-validation harness calls this per outer fold):
 * 1. learn the column encoding;
 * 2. inner stratified k-fold (k = 10 by default): each inner model is fitted on 85 % of its inner-training part with early
 *    stopping on the other 15 %, then scores its inner held-out fold → out-of-fold raw scores;
 * 3. calibrator (isotonic, or Platt when there are fewer than 30 positives) on those scores;
 * 4. threshold maximising F1 on the calibrated out-of-fold probabilities;
 * 5. the models that predict, one of:
 *    - 'refit': a final model on all rows with the median early-stopped number of rounds (optionally
 *      a bag of `bag` models differing only in their sampling seed, raw scores averaged);
 *    - 'inner': the k inner models themselves, each score calibrated, probabilities averaged. The
 *      calibrator and the threshold were fitted on exactly these models' out-of-fold scores, so
 *      nothing about them has to transfer to a differently trained model (a refit on all rows with a
 *      median round count has a somewhat different score distribution), and the average of k models
 *      has less variance than one. No extra training.
 */
import {
  applyCalibrator,
  bestF1Threshold,
  fitIsotonic,
  fitPlatt,
  MlErrors,
  predictGbdtRaw,
  splitFold,
  stratifiedFolds,
  take,
  takeRows,
  trainGbdt,
  type Calibrator,
  type GbdtModel,
  type GbdtParams,
  type Matrix,
} from '../core/index.js';
import { encode, fitEncoder, type Encoder } from './encoder.js';
import type { Table } from './table.js';

export const CLASSIFIER_MODEL_VERSION = 1;

export interface ClassifierModel {
  readonly kind: 'twinworks.classifier';
  readonly version: typeof CLASSIFIER_MODEL_VERSION;
  readonly encoder: Encoder;
  /** Bag of boosted models; the raw score is their mean. */
  readonly gbdt: GbdtModel[];
  /**
   * How the bag combines: 'raw' = calibrate the mean raw score (refit bags), 'probability' = mean of
   * the calibrated probabilities (inner-model bags). Absent in older documents, which mean 'raw'.
   */
  readonly combine?: 'raw' | 'probability';
  readonly calibrator: Calibrator;
  /** Predict the positive label when the calibrated probability is ≥ threshold. */
  readonly threshold: number;
  /** Weight given to each positive row during boosting. */
  readonly positiveWeight: number;
  /** What the inner cross-validation saw: F1 at the chosen threshold, rounds used. */
  readonly inner: { readonly f1: number; readonly rounds: number; readonly positives: number; readonly rows: number };
}

/** 'balanced' = negatives/positives, 'sqrt' = its square root, 'none' = 1, or an explicit weight. */
export type ClassWeight = 'balanced' | 'sqrt' | 'none' | number;

export interface ClassifierOptions {
  readonly gbdt?: Partial<GbdtParams>;
  readonly classWeight?: ClassWeight;
  /**
   * Inner CV folds (default 10 when both classes have at least 10 rows, else 5). With 10 folds each
   * inner model sees 90 % of the rows instead of 80 %, so the out-of-fold scores that fit the
   * calibrator and threshold, and the early-stopped round count, come from models closer to the
   * refit on all rows (measured on AI4I in docs/ml-prediction.md).
   */
  readonly innerFolds?: number;
  /**
   * Repetitions of the inner k-fold with different fold assignments (default 1). The calibrator and
   * threshold are fitted on all repetitions' out-of-fold scores pooled (r·n pairs), which steadies
   * the threshold; the refit round count is the median over all r·k inner models.
   */
  readonly innerRepeats?: number;
  readonly calibration?: 'isotonic' | 'platt' | 'auto';
  readonly interactions?: boolean;
  /** Pairwise products per level of a small text column (encoder.ts); default off. */
  readonly levelProducts?: boolean;
  /** a/b for every interaction pair (encoder.ts); default off. */
  readonly ratios?: boolean;
  /** Number of refit final models averaged (default 1; see docs/ml-prediction.md for the measured effect). */
  readonly bag?: number;
  /** Which models predict: a refit on all rows (default) or the inner cross-validation models (see step 5). */
  readonly final?: 'refit' | 'inner';
  readonly seed?: number;
}

export const DEFAULT_CLASSIFIER_GBDT: Partial<GbdtParams> = {
  objective: 'logistic',
  rounds: 1500,
  learningRate: 0.05,
  maxLeaves: 15,
  maxDepth: 6,
  minSamplesLeaf: 3,
  lambda: 1,
  subsample: 0.8,
  colsample: 0.8,
  // Fine bins: failure boundaries in machine data are sharp thresholds (AI4I: power 3500 W,
  // strain 11 000 min·Nm) and 255 quantile bins blur them (measured F1 0.85 vs 0.90 with 4096).
  maxBins: 4096,
  earlyStoppingRounds: 100,
  // Nearly separable data (Azure PdM) keep lowering the log loss by crumbs for thousands of rounds.
  earlyStoppingTolerance: 1e-3,
};

function positiveWeightOf(labels: ArrayLike<number>, cw: ClassWeight): number {
  let pos = 0;
  for (let i = 0; i < labels.length; i++) pos += labels[i]!;
  const ratio = (labels.length - pos) / Math.max(pos, 1);
  if (typeof cw === 'number') {
    if (!(cw > 0)) throw MlErrors.create('bad_params', `class weight must be > 0, got ${cw}`, { classWeight: cw });
    return cw;
  }
  switch (cw) {
    case 'balanced':
      return ratio;
    case 'sqrt':
      return Math.sqrt(ratio);
    case 'none':
      return 1;
    default:
      return assertNever(cw);
  }
}

function weightsFor(labels: ArrayLike<number>, positiveWeight: number): Float64Array {
  return Float64Array.from(labels as ArrayLike<number>, (y) => (y === 1 ? positiveWeight : 1));
}

/** Fits one early-stopped GBDT on `idx` rows, holding out a stratified 15 % for stopping. */
function fitStopped(x: Matrix, y: Uint8Array, idx: Uint32Array, params: Partial<GbdtParams>, positiveWeight: number, seed: number): { model: GbdtModel; rounds: number } {
  const yy = take(y, idx);
  // Fold 0 of a 7-fold stratified split ≈ 14 % for early stopping.
  const stop = splitFold(stratifiedFolds(yy, 7, seed), 0);
  const fitIdx = Uint32Array.from(stop.train, (k) => idx[k]!);
  const stopIdx = Uint32Array.from(stop.test, (k) => idx[k]!);
  const yFit = take(y, fitIdx), yStop = take(y, stopIdx);
  const res = trainGbdt(takeRows(x, fitIdx), yFit, {
    params: { ...params, seed },
    weights: weightsFor(yFit, positiveWeight),
    valid: { x: takeRows(x, stopIdx), y: yStop, weights: weightsFor(yStop, positiveWeight) },
  });
  return { model: res.model, rounds: res.bestRounds };
}

export function trainClassifier(table: Table, labels: Uint8Array, options: ClassifierOptions = {}): ClassifierModel {
  if (labels.length !== table.rows.length) throw MlErrors.create('bad_data', `${table.rows.length} rows but ${labels.length} labels`, { rows: table.rows.length, labels: labels.length });
  let positives = 0;
  for (const v of labels) positives += v;
  const k = options.innerFolds ?? (Math.min(positives, labels.length - positives) >= 10 ? 10 : 5);
  if (positives < k || labels.length - positives < k) {
    throw MlErrors.create('too_few_samples', `need at least ${k} rows of each class, got ${positives} positive and ${labels.length - positives} negative`, { positives, negatives: labels.length - positives });
  }
  const seed = options.seed ?? 1;
  const params: Partial<GbdtParams> = { ...DEFAULT_CLASSIFIER_GBDT, ...options.gbdt, objective: 'logistic' };
  const encoder = fitEncoder(table, { interactions: options.interactions, levelProducts: options.levelProducts, ratios: options.ratios });
  const x = encode(encoder, table);
  const positiveWeight = positiveWeightOf(labels, options.classWeight ?? 'none');

  const repeats = options.innerRepeats ?? 1;
  if (!(Number.isInteger(repeats) && repeats >= 1)) throw MlErrors.create('bad_params', `innerRepeats must be a positive integer, got ${repeats}`, { innerRepeats: repeats });
  const n = labels.length;
  // Pooled out-of-fold scores: repetition r fills oof[r·n .. (r+1)·n).
  const oof = new Float64Array(repeats * n);
  const pooledLabels = new Uint8Array(repeats * n);
  const rounds: number[] = [];
  const innerModels: GbdtModel[] = [];
  for (let r = 0; r < repeats; r++) {
    // Repetition 0 keeps the fold and model seeds of the unrepeated procedure.
    const inner = stratifiedFolds(labels, k, seed + 1000 + 7777 * r);
    for (let f = 0; f < k; f++) {
      const { train, test } = splitFold(inner, f);
      const fitted = fitStopped(x, labels, train, params, positiveWeight, seed * 31 + f + 7919 * r);
      rounds.push(fitted.rounds);
      innerModels.push(fitted.model);
      predictGbdtRaw(fitted.model, takeRows(x, test)).forEach((v, i) => (oof[r * n + test[i]!] = v));
    }
    pooledLabels.set(labels, r * n);
  }
  const method = options.calibration ?? 'auto';
  const calibrator = method === 'platt' || (method === 'auto' && positives < 30) ? fitPlatt(oof, pooledLabels) : fitIsotonic(oof, pooledLabels);
  const calibrated = Array.from(oof, (s) => applyCalibrator(calibrator, s));
  const { threshold, f1 } = bestF1Threshold(calibrated, pooledLabels);

  const finalRounds = Math.max(1, [...rounds].sort((a, b) => a - b)[Math.floor(rounds.length / 2)]!);
  const bag = options.bag ?? 1;
  if (!(Number.isInteger(bag) && bag >= 1)) throw MlErrors.create('bad_params', `bag must be a positive integer, got ${bag}`, { bag });
  const final = options.final ?? 'refit';
  const finals =
    final === 'inner'
      ? innerModels
      : Array.from({ length: bag }, (_, b) =>
          trainGbdt(x, labels, { params: { ...params, rounds: finalRounds, earlyStoppingRounds: 0, seed: seed + 7919 * b }, weights: weightsFor(labels, positiveWeight) }).model,
        );
  return {
    kind: 'twinworks.classifier',
    version: CLASSIFIER_MODEL_VERSION,
    encoder,
    gbdt: finals,
    combine: final === 'inner' ? 'probability' : 'raw',
    calibrator,
    threshold,
    positiveWeight,
    inner: { f1, rounds: finalRounds, positives, rows: labels.length },
  };
}

export interface ClassifierPrediction {
  readonly probability: Float64Array;
  readonly label: Uint8Array;
}

export function predictClassifier(model: ClassifierModel, table: Table): ClassifierPrediction {
  const x = encode(model.encoder, table);
  const n = model.gbdt.length;
  let probability: Float64Array;
  if (model.combine === 'probability') {
    probability = new Float64Array(x.rows);
    for (const m of model.gbdt) predictGbdtRaw(m, x).forEach((v, i) => (probability[i]! += applyCalibrator(model.calibrator, v) / n));
  } else {
    const raw = new Float64Array(x.rows);
    for (const m of model.gbdt) predictGbdtRaw(m, x).forEach((v, i) => (raw[i]! += v / n));
    probability = raw.map((s) => applyCalibrator(model.calibrator, s));
  }
  const label = Uint8Array.from(probability, (p) => (p >= model.threshold ? 1 : 0));
  return { probability, label };
}

function assertNever(x: never): never {
  throw MlErrors.create('bad_params', `unknown class weight ${JSON.stringify(x)}`, {});
}
