/**
 * A small fully-connected network (ReLU hidden layers, linear output) for regression, with
 * hand-written backpropagation. Parameters live in one flat vector (per layer: W as out×in row-major,
 * then b) so the optimiser, the gradient check and the JSON model all see the same layout.
 */
import { Rng } from '../rng.js';

export interface Layout {
  readonly sizes: readonly number[];
  /** Offset of each layer's W in the flat vector; its b follows at wOffset + out·in. */
  readonly wOffset: readonly number[];
  readonly total: number;
}

export function layout(sizes: readonly number[]): Layout {
  const wOffset: number[] = [];
  let total = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    wOffset.push(total);
    total += sizes[l + 1]! * sizes[l]! + sizes[l + 1]!;
  }
  return { sizes, wOffset, total };
}

/** He-normal weights (suited to ReLU, He et al. 2015), zero biases. */
export function initParams(lay: Layout, rng: Rng): Float64Array {
  const p = new Float64Array(lay.total);
  for (let l = 0; l + 1 < lay.sizes.length; l++) {
    const fanIn = lay.sizes[l]!, fanOut = lay.sizes[l + 1]!;
    const sd = Math.sqrt(2 / fanIn);
    for (let k = 0; k < fanIn * fanOut; k++) p[lay.wOffset[l]! + k] = rng.normal() * sd;
  }
  return p;
}

/** 1 for weights, 0 for biases: weight decay applies to weights only. */
export function weightMask(lay: Layout): Uint8Array {
  const mask = new Uint8Array(lay.total);
  for (let l = 0; l + 1 < lay.sizes.length; l++) mask.fill(1, lay.wOffset[l]!, lay.wOffset[l]! + lay.sizes[l]! * lay.sizes[l + 1]!);
  return mask;
}

/** Forward pass for `batch` rows of x (row-major, sizes[0] wide); returns every layer's activations. */
export function forward(lay: Layout, params: Float64Array, x: Float64Array, batch: number): Float64Array[] {
  const acts: Float64Array[] = [x];
  const L = lay.sizes.length - 1;
  for (let l = 0; l < L; l++) {
    const nIn = lay.sizes[l]!, nOut = lay.sizes[l + 1]!;
    const w0 = lay.wOffset[l]!, b0 = w0 + nIn * nOut;
    const a = acts[l]!;
    const z = new Float64Array(batch * nOut);
    const hidden = l < L - 1;
    for (let s = 0; s < batch; s++) {
      const aOff = s * nIn;
      for (let j = 0; j < nOut; j++) {
        const wRow = w0 + j * nIn;
        // Four partial sums: shorter dependency chains, measurably faster in V8 than one accumulator.
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        let i = 0;
        for (; i + 3 < nIn; i += 4) {
          s0 += params[wRow + i]! * a[aOff + i]!;
          s1 += params[wRow + i + 1]! * a[aOff + i + 1]!;
          s2 += params[wRow + i + 2]! * a[aOff + i + 2]!;
          s3 += params[wRow + i + 3]! * a[aOff + i + 3]!;
        }
        for (; i < nIn; i++) s0 += params[wRow + i]! * a[aOff + i]!;
        const sum = params[b0 + j]! + (s0 + s1) + (s2 + s3);
        z[s * nOut + j] = hidden && sum < 0 ? 0 : sum; // ReLU on hidden layers
      }
    }
    acts.push(z);
  }
  return acts;
}

/**
 * Mean squared error over the batch (optionally sample-weighted, weights summing to the batch) and
 * its gradient with respect to every parameter. Output layer must be 1 wide.
 */
export function lossAndGrad(
  lay: Layout,
  params: Float64Array,
  x: Float64Array,
  y: ArrayLike<number>,
  batch: number,
  grad: Float64Array,
): number {
  const acts = forward(lay, params, x, batch);
  const L = lay.sizes.length - 1;
  const out = acts[L]!;
  let loss = 0;
  let delta: Float64Array = new Float64Array(batch);
  for (let s = 0; s < batch; s++) {
    const e = out[s]! - y[s]!;
    loss += e * e;
    delta[s] = (2 * e) / batch;
  }
  grad.fill(0);
  for (let l = L - 1; l >= 0; l--) {
    const nIn = lay.sizes[l]!, nOut = lay.sizes[l + 1]!;
    const w0 = lay.wOffset[l]!, b0 = w0 + nIn * nOut;
    const a = acts[l]!;
    const prev = l > 0 ? new Float64Array(batch * nIn) : undefined;
    for (let s = 0; s < batch; s++) {
      const aOff = s * nIn;
      for (let j = 0; j < nOut; j++) {
        const d = delta[s * nOut + j]!;
        if (d === 0) continue;
        grad[b0 + j]! += d;
        const wRow = w0 + j * nIn;
        for (let i = 0; i < nIn; i++) grad[wRow + i]! += d * a[aOff + i]!;
        if (prev) for (let i = 0; i < nIn; i++) prev[aOff + i]! += d * params[wRow + i]!;
      }
    }
    if (prev) {
      // Through the ReLU of layer l's output: the stored activation is 0 exactly where z ≤ 0.
      for (let k = 0; k < prev.length; k++) if (a[k]! <= 0) prev[k] = 0;
      delta = prev;
    }
  }
  return loss / batch;
}
