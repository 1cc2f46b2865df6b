/**
 * Gradient-boosted regression trees (Friedman 2001) with second-order leaf values (XGBoost) on
 * binned features. Objectives: squared error (regression) and logistic loss (binary classification,
 * raw score = log-odds). Optional per-sample weights (class imbalance), row/column subsampling,
 * early stopping on a validation set. The model is plain JSON with a version field.
 */
import { MlErrors } from '../errors.js';
import type { Matrix } from '../matrix.js';
import { Rng } from '../rng.js';
import { binMatrix } from './binning.js';
import { growTree, predictTree, predictTreeBinned, type TreeJson, type TreeParams } from './tree.js';

export type Objective = 'squared' | 'logistic';

export interface GbdtParams extends TreeParams {
  readonly objective: Objective;
  readonly rounds: number;
  readonly learningRate: number;
  /** Fraction of rows drawn (without replacement) for each tree. */
  readonly subsample: number;
  /** Fraction of features drawn for each tree. */
  readonly colsample: number;
  readonly maxBins: number;
  /** Stop when the validation loss has not improved for this many rounds (0 = off). */
  readonly earlyStoppingRounds: number;
  /**
   * A validation loss counts as an improvement only when it beats the best so far by more than
   * tolerance × (first round's validation loss); 0 = any decrease.
   */
  readonly earlyStoppingTolerance: number;
  readonly seed: number;
}

export const DEFAULT_GBDT_PARAMS: GbdtParams = {
  objective: 'squared',
  rounds: 300,
  learningRate: 0.05,
  maxLeaves: 31,
  maxDepth: 8,
  minSamplesLeaf: 20,
  minHessianLeaf: 1e-3,
  lambda: 1,
  minGain: 0,
  splitAt: 'edge',
  subsample: 1,
  colsample: 1,
  maxBins: 255,
  earlyStoppingRounds: 0,
  earlyStoppingTolerance: 0,
  seed: 1,
};

export const GBDT_MODEL_VERSION = 1;

export interface GbdtModel {
  readonly kind: 'twinworks.gbdt';
  readonly version: typeof GBDT_MODEL_VERSION;
  readonly objective: Objective;
  readonly featureCount: number;
  readonly baseScore: number;
  readonly trees: TreeJson[];
}

export interface GbdtTraining {
  readonly model: GbdtModel;
  /** Loss after each round (RMSE for squared, log loss for logistic). */
  readonly trainLoss: number[];
  readonly validLoss: number[];
  /** Number of trees kept (= best validation round when early stopping ran). */
  readonly bestRounds: number;
  readonly gainByFeature: Float64Array;
}

export interface GbdtTrainOptions {
  readonly params?: Partial<GbdtParams>;
  readonly weights?: ArrayLike<number>;
  readonly valid?: { readonly x: Matrix; readonly y: ArrayLike<number>; readonly weights?: ArrayLike<number> };
}

function checkParams(p: GbdtParams): void {
  const bad = (name: string, rule: string) => MlErrors.create('bad_params', `gbdt: ${name} must be ${rule}`, { param: name, rule });
  if (!(p.rounds >= 1)) throw bad('rounds', '≥ 1');
  if (!(p.learningRate > 0 && p.learningRate <= 1)) throw bad('learningRate', 'in (0, 1]');
  if (!(p.maxLeaves >= 2)) throw bad('maxLeaves', '≥ 2');
  if (!(p.subsample > 0 && p.subsample <= 1)) throw bad('subsample', 'in (0, 1]');
  if (!(p.colsample > 0 && p.colsample <= 1)) throw bad('colsample', 'in (0, 1]');
  if (!(p.lambda >= 0)) throw bad('lambda', '≥ 0');
  if (!(p.minSamplesLeaf >= 1)) throw bad('minSamplesLeaf', '≥ 1');
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function loss(objective: Objective, raw: Float64Array, y: ArrayLike<number>, w: ArrayLike<number> | undefined): number {
  let s = 0, sw = 0;
  for (let i = 0; i < raw.length; i++) {
    const wi = w ? w[i]! : 1;
    if (objective === 'squared') s += wi * (raw[i]! - y[i]!) ** 2;
    else {
      const p = Math.min(1 - 1e-15, Math.max(1e-15, sigmoid(raw[i]!)));
      s -= wi * (y[i]! === 1 ? Math.log(p) : Math.log(1 - p));
    }
    sw += wi;
  }
  return objective === 'squared' ? Math.sqrt(s / sw) : s / sw;
}

export function trainGbdt(x: Matrix, y: ArrayLike<number>, options: GbdtTrainOptions = {}): GbdtTraining {
  const p: GbdtParams = { ...DEFAULT_GBDT_PARAMS, ...options.params };
  checkParams(p);
  const n = x.rows;
  if (y.length !== n) throw MlErrors.create('bad_data', `gbdt: ${n} rows but ${y.length} targets`, { rows: n, targets: y.length });
  if (n < 2) throw MlErrors.create('too_few_samples', 'gbdt: need at least 2 rows', { rows: n });
  const w = options.weights;
  if (p.objective === 'logistic') {
    for (let i = 0; i < n; i++) {
      if (y[i] !== 0 && y[i] !== 1) throw MlErrors.create('bad_data', `gbdt: logistic target must be 0/1, row ${i} is ${y[i]}`, { row: i });
    }
  }

  let sw = 0, swy = 0;
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i]! : 1;
    sw += wi;
    swy += wi * y[i]!;
  }
  const mean = swy / sw;
  const baseScore = p.objective === 'squared' ? mean : Math.log(Math.max(mean, 1e-12) / Math.max(1 - mean, 1e-12));

  const data = binMatrix(x, p.maxBins);
  const rng = new Rng(p.seed);
  const raw = new Float64Array(n).fill(baseScore);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n);
  const valid = options.valid;
  const validRaw = valid ? new Float64Array(valid.x.rows).fill(baseScore) : undefined;
  const trees: TreeJson[] = [];
  const trainLoss: number[] = [];
  const validLoss: number[] = [];
  const gainByFeature = new Float64Array(x.cols);
  const allFeatures = Int32Array.from({ length: x.cols }, (_, f) => f);
  const sampleSize = Math.max(2, Math.round(n * p.subsample));
  const featureSize = Math.max(1, Math.round(x.cols * p.colsample));
  const rowPool = Uint32Array.from({ length: n }, (_, i) => i);
  let best = Infinity, bestRounds = 0, minStep = 0;

  const sw0 = sw;
  for (let round = 0; round < p.rounds; round++) {
    // Gradients at the current scores; the training loss of the previous round falls out of the same pass.
    let lossSum = 0;
    for (let i = 0; i < n; i++) {
      const wi = w ? w[i]! : 1;
      if (p.objective === 'squared') {
        const e = raw[i]! - y[i]!;
        grad[i] = wi * e;
        hess[i] = wi;
        lossSum += wi * e * e;
      } else {
        const pr = sigmoid(raw[i]!);
        grad[i] = wi * (pr - y[i]!);
        hess[i] = wi * Math.max(pr * (1 - pr), 1e-16);
        const pc = Math.min(1 - 1e-15, Math.max(1e-15, pr));
        lossSum -= wi * (y[i] === 1 ? Math.log(pc) : Math.log(1 - pc));
      }
    }
    if (round > 0) trainLoss.push(p.objective === 'squared' ? Math.sqrt(lossSum / sw0) : lossSum / sw0);
    let rows: Uint32Array;
    if (sampleSize < n) {
      // Partial Fisher–Yates: the first sampleSize entries become a uniform sample without replacement.
      for (let k = 0; k < sampleSize; k++) {
        const j = k + rng.int(n - k);
        const t = rowPool[k]!;
        rowPool[k] = rowPool[j]!;
        rowPool[j] = t;
      }
      rows = rowPool.slice(0, sampleSize).sort();
    } else rows = Uint32Array.from({ length: n }, (_, i) => i);
    let features = allFeatures;
    if (featureSize < x.cols) {
      const pool = allFeatures.slice();
      rng.shuffle(pool);
      features = pool.slice(0, featureSize).sort();
    }

    const grown = growTree(data, features, rows, grad, hess, p, p.learningRate);
    trees.push(grown.tree);
    for (let f = 0; f < x.cols; f++) gainByFeature[f]! += grown.gainByFeature[f]!;
    for (let i = 0; i < n; i++) raw[i]! += predictTreeBinned(grown.tree, grown.splitBin, data, i);

    if (valid && validRaw) {
      for (let i = 0; i < valid.x.rows; i++) validRaw[i]! += predictTree(grown.tree, valid.x.data, i * valid.x.cols);
      const vl = loss(p.objective, validRaw, valid.y, valid.weights);
      validLoss.push(vl);
      if (round === 0) minStep = p.earlyStoppingTolerance * vl;
      if (vl < best - minStep - 1e-12) {
        best = vl;
        bestRounds = round + 1;
      } else if (p.earlyStoppingRounds > 0 && round + 1 - bestRounds >= p.earlyStoppingRounds) break;
    } else bestRounds = round + 1;
  }
  trainLoss.push(loss(p.objective, raw, y, w)); // after the last tree
  if (valid && p.earlyStoppingRounds > 0) trees.length = bestRounds;
  else bestRounds = trees.length;

  const model: GbdtModel = { kind: 'twinworks.gbdt', version: GBDT_MODEL_VERSION, objective: p.objective, featureCount: x.cols, baseScore, trees };
  return { model, trainLoss, validLoss, bestRounds, gainByFeature };
}

/** Raw scores: the regression value, or log-odds for the logistic objective. */
export function predictGbdtRaw(model: GbdtModel, x: Matrix): Float64Array {
  if (x.cols !== model.featureCount) {
    throw MlErrors.create('bad_data', `gbdt: model expects ${model.featureCount} features, got ${x.cols}`, { expected: model.featureCount, got: x.cols });
  }
  const out = new Float64Array(x.rows).fill(model.baseScore);
  for (const tree of model.trees) {
    for (let i = 0; i < x.rows; i++) out[i]! += predictTree(tree, x.data, i * x.cols);
  }
  return out;
}

/** Predictions on the natural scale: values for squared error, probabilities for logistic. */
export function predictGbdt(model: GbdtModel, x: Matrix): Float64Array {
  const raw = predictGbdtRaw(model, x);
  if (model.objective === 'logistic') for (let i = 0; i < raw.length; i++) raw[i] = sigmoid(raw[i]!);
  return raw;
}

/** Checks a parsed JSON document is a GBDT model this code can run. */
export function assertGbdtModel(doc: unknown, where = 'model'): GbdtModel {
  const m = doc as Partial<GbdtModel> | null;
  if (m === null || typeof m !== 'object' || m.kind !== 'twinworks.gbdt') {
    throw MlErrors.create('bad_model', `${where}: not a twinworks.gbdt model`, { where });
  }
  if (m.version !== GBDT_MODEL_VERSION) {
    throw MlErrors.create('bad_model', `${where}: gbdt model version ${String(m.version)}, this build reads ${GBDT_MODEL_VERSION}`, { where, version: m.version });
  }
  if (!Array.isArray(m.trees) || typeof m.baseScore !== 'number' || typeof m.featureCount !== 'number') {
    throw MlErrors.create('bad_model', `${where}: gbdt model lacks trees, baseScore or featureCount`, { where });
  }
  return m as GbdtModel;
}
