/**
 * Training loop for the MLP regressor: inputs standardised with training statistics (stored in the
 * model), target divided by a scale for conditioning, mini-batch AdamW, learning rate decayed by a
 * cosine schedule, and the parameters of the best validation epoch kept when a validation set is given.
 */
import { Adam } from '../adam.js';
import { MlErrors } from '../errors.js';
import { columnStats, type Matrix } from '../matrix.js';
import { permutation, Rng } from '../rng.js';
import { forward, initParams, layout, lossAndGrad, weightMask } from './mlp.js';

export const MLP_MODEL_VERSION = 1;

export interface MlpModel {
  readonly kind: 'twinworks.mlp';
  readonly version: typeof MLP_MODEL_VERSION;
  readonly sizes: number[];
  readonly inputMean: number[];
  readonly inputStd: number[];
  readonly targetScale: number;
  readonly params: number[];
}

export interface MlpParams {
  readonly hidden: readonly number[];
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly weightDecay: number;
  readonly seed: number;
}

export const DEFAULT_MLP_PARAMS: MlpParams = { hidden: [64, 32], epochs: 60, batchSize: 128, learningRate: 2e-3, weightDecay: 1e-4, seed: 1 };

function standardise(x: Matrix, mean: ArrayLike<number>, std: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.data.length);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < x.cols; j++) {
      const v = x.data[i * x.cols + j]!;
      // Missing inputs become the training mean (0 after standardising).
      out[i * x.cols + j] = Number.isNaN(v) ? 0 : (v - mean[j]!) / std[j]!;
    }
  }
  return out;
}

export function trainMlp(
  x: Matrix,
  y: ArrayLike<number>,
  options: { params?: Partial<MlpParams>; valid?: { x: Matrix; y: ArrayLike<number> }; onEpoch?: (epoch: number, trainLoss: number, validRmse: number) => void } = {},
): { model: MlpModel; bestEpoch: number } {
  const p: MlpParams = { ...DEFAULT_MLP_PARAMS, ...options.params };
  if (x.rows !== y.length || x.rows < 2) throw MlErrors.create('bad_data', `mlp: ${x.rows} rows and ${y.length} targets`, { rows: x.rows, targets: y.length });
  const stats = columnStats(x);
  const std = Array.from(stats.std, (s) => (s > 1e-12 ? s : 1));
  const mean = Array.from(stats.mean);
  let scale = 0;
  for (let i = 0; i < y.length; i++) scale = Math.max(scale, Math.abs(y[i]!));
  scale = scale > 0 ? scale : 1;
  const xs = standardise(x, mean, std);
  const ys = Float64Array.from(y, (v) => v / scale);
  const lay = layout([x.cols, ...p.hidden, 1]);
  const rng = new Rng(p.seed);
  const params = initParams(lay, rng);
  const grad = new Float64Array(lay.total);
  const mask = weightMask(lay);
  const adam = new Adam(lay.total, { learningRate: p.learningRate, weightDecay: p.weightDecay });
  const batchX = new Float64Array(p.batchSize * x.cols);
  const batchY = new Float64Array(p.batchSize);
  const validXs = options.valid ? standardise(options.valid.x, mean, std) : undefined;
  let best = Infinity, bestEpoch = p.epochs, bestParams = params.slice();

  for (let epoch = 0; epoch < p.epochs; epoch++) {
    adam.learningRate = p.learningRate * 0.5 * (1 + Math.cos((Math.PI * epoch) / p.epochs));
    const order = permutation(x.rows, rng);
    let total = 0, batches = 0;
    for (let start = 0; start < x.rows; start += p.batchSize) {
      const b = Math.min(p.batchSize, x.rows - start);
      for (let s = 0; s < b; s++) {
        const r = order[start + s]!;
        batchX.set(xs.subarray(r * x.cols, (r + 1) * x.cols), s * x.cols);
        batchY[s] = ys[r]!;
      }
      total += lossAndGrad(lay, params, batchX, batchY, b, grad);
      batches++;
      adam.step(params, grad, mask);
    }
    if (options.valid && validXs) {
      const out = forward(lay, params, validXs, options.valid.x.rows)[lay.sizes.length - 1]!;
      let se = 0;
      for (let i = 0; i < out.length; i++) se += (out[i]! * scale - options.valid.y[i]!) ** 2;
      const vr = Math.sqrt(se / out.length);
      options.onEpoch?.(epoch, total / batches, vr);
      if (vr < best) {
        best = vr;
        bestEpoch = epoch + 1;
        bestParams = params.slice();
      }
    } else options.onEpoch?.(epoch, total / batches, Number.NaN);
  }
  const finalParams = options.valid ? bestParams : params;
  const model: MlpModel = {
    kind: 'twinworks.mlp',
    version: MLP_MODEL_VERSION,
    sizes: [...lay.sizes],
    inputMean: mean,
    inputStd: std,
    targetScale: scale,
    params: Array.from(finalParams),
  };
  return { model, bestEpoch };
}

export function predictMlp(model: MlpModel, x: Matrix): Float64Array {
  if (x.cols !== model.sizes[0]) throw MlErrors.create('bad_data', `mlp: model expects ${model.sizes[0]} features, got ${x.cols}`, { expected: model.sizes[0], got: x.cols });
  const lay = layout(model.sizes);
  const out = new Float64Array(x.rows);
  const params = Float64Array.from(model.params);
  const chunk = 1024;
  for (let start = 0; start < x.rows; start += chunk) {
    const b = Math.min(chunk, x.rows - start);
    const part: Matrix = { rows: b, cols: x.cols, data: x.data.subarray(start * x.cols, (start + b) * x.cols) };
    const res = forward(lay, params, standardise(part, model.inputMean, model.inputStd), b)[lay.sizes.length - 1]!;
    for (let s = 0; s < b; s++) out[start + s] = res[s]! * model.targetScale;
  }
  return out;
}

export function assertMlpModel(doc: unknown, where = 'model'): MlpModel {
  const m = doc as Partial<MlpModel> | null;
  if (m === null || typeof m !== 'object' || m.kind !== 'twinworks.mlp' || m.version !== MLP_MODEL_VERSION || !Array.isArray(m.params) || !Array.isArray(m.sizes)) {
    throw MlErrors.create('bad_model', `${where}: not a twinworks.mlp model of version ${MLP_MODEL_VERSION}`, { where });
  }
  return m as MlpModel;
}
