/**
 * One regression tree fitted to gradients and hessians (second-order boosting, Chen & Guestrin 2016,
 * XGBoost eq. 5–7): leaf weight w = −G/(H+λ), split gain G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)
 * (without XGBoost's factor ½; `minGain` is compared with this unhalved value).
 * Growth is leaf-wise (best-first, as LightGBM) bounded by maxLeaves and maxDepth; a child's
 * histogram is obtained by subtraction from its parent's (the smaller child is built, the larger derived).
 */
import type { BinnedData } from './binning.js';

export interface TreeParams {
  readonly maxLeaves: number;
  readonly maxDepth: number;
  readonly minSamplesLeaf: number;
  readonly minHessianLeaf: number;
  readonly lambda: number;
  readonly minGain: number;
  /**
   * Where in the node's empty gap a split is placed (default 'edge'). The best split separates the
   * node's rows at some bin b, and the bins between b and the next bin holding one of the node's
   * rows are empty in this node. 'edge' cuts right above bin b, the largest value going left, as
   * histogram GBDTs (LightGBM) do: the whole gap goes to the right child, so a boundary learnt from
   * few rows near it is biased towards the left class (e.g. failures predicted from just above the
   * highest safe value seen). 'middle' cuts at the bin edge nearest to the middle of the gap, the
   * cut XGBoost's exact method makes (midpoint between neighbouring values in the node). The
   * node's rows are split identically and the gain is the same; only unseen values in the gap move.
   */
  readonly splitAt?: 'edge' | 'middle';
}

/** Serialisable tree: node k is a leaf when feature[k] = −1; `v ≤ threshold` (or NaN) goes left. */
export interface TreeJson {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

export interface GrownTree {
  readonly tree: TreeJson;
  /** Split bin per node (−1 for leaves), to route binned training rows without raw values. */
  readonly splitBin: number[];
  /** Sum of split gains per feature, for importance reports. */
  readonly gainByFeature: Float64Array;
}

export interface SplitCandidate {
  gain: number;
  feature: number;
  bin: number;
}

interface OpenLeaf {
  node: number;
  start: number;
  end: number;
  depth: number;
  g: number;
  h: number;
  hist: Float64Array;
  best: SplitCandidate;
}

const EMPTY = new Float64Array(0);
const pools = new Map<number, Float64Array[]>();

/** Zeroed histogram buffers of one size, kept between trees (a few per size, bounded by maxLeaves). */
function histPool(size: number): Float64Array[] {
  let p = pools.get(size);
  if (p === undefined) {
    if (pools.size > 8) pools.clear(); // many different shapes: drop old pools
    p = [];
    pools.set(size, p);
  }
  return p;
}

/** Accumulates (gradient, hessian, count) per bin for rows[start, end) over the given features. */
export function buildHistogram(
  data: BinnedData,
  features: Int32Array,
  rows: Uint32Array,
  start: number,
  end: number,
  grad: Float64Array,
  hess: Float64Array,
  hist: Float64Array,
): void {
  const { codes, offsets, n } = data;
  for (let q = 0; q < features.length; q++) {
    const f = features[q]!;
    const col = f * n;
    const off = offsets[f]! * 3;
    for (let k = start; k < end; k++) {
      const r = rows[k]!;
      const b = off + codes[col + r]! * 3;
      hist[b]! += grad[r]!;
      hist[b + 1]! += hess[r]!;
      hist[b + 2]! += 1;
    }
  }
}

/** Best split over the features' histograms for a node with totals (g, h, count). */
export function findBestSplit(
  data: BinnedData,
  features: Int32Array,
  hist: Float64Array,
  g: number,
  h: number,
  count: number,
  p: TreeParams,
): SplitCandidate {
  const best: SplitCandidate = { gain: -Infinity, feature: -1, bin: -1 };
  const parentScore = (g * g) / (h + p.lambda);
  for (let q = 0; q < features.length; q++) {
    const f = features[q]!;
    const first = data.offsets[f]!;
    const last = data.offsets[f + 1]! - 1; // the last bin cannot be a split point (nothing right of it)
    let gl = 0, hl = 0, cl = 0;
    for (let b = first; b < last; b++) {
      const c = hist[b * 3 + 2]!;
      if (c === 0) continue; // empty bin: same cut as the previous one (most bins of small nodes)
      gl += hist[b * 3]!;
      hl += hist[b * 3 + 1]!;
      cl += c;
      if (cl < p.minSamplesLeaf || hl < p.minHessianLeaf) continue;
      const cr = count - cl;
      if (cr < p.minSamplesLeaf) break;
      const hr = h - hl;
      if (hr < p.minHessianLeaf) continue;
      const gr = g - gl;
      const gain = (gl * gl) / (hl + p.lambda) + (gr * gr) / (hr + p.lambda) - parentScore;
      if (gain > best.gain) {
        best.gain = gain;
        best.feature = f;
        best.bin = b - first;
      }
    }
  }
  if (p.splitAt === 'middle' && best.feature >= 0) best.bin = middleOfGap(data, hist, best.feature, best.bin);
  return best;
}

/**
 * The bin k in [bin, next − 1] whose upper edge is nearest to the middle of the gap between bin and
 * `next`, the first bin above it holding rows of this node. The gap runs from upper[bin] (just above
 * the largest left value) to upper[next − 1] (just below the smallest right value). Cutting at a bin
 * edge keeps raw-value and bin-code routing identical for every row.
 */
export function middleOfGap(data: BinnedData, hist: Float64Array, feature: number, bin: number): number {
  const first = data.offsets[feature]!;
  const upper = data.upper[feature]!;
  let next = bin + 1;
  while (next < upper.length - 1 && hist[(first + next) * 3 + 2]! === 0) next++;
  const mid = (upper[bin]! + upper[next - 1]!) / 2;
  let k = bin;
  while (k + 1 < next && Math.abs(upper[k + 1]! - mid) < Math.abs(upper[k]! - mid)) k++;
  return k;
}

/**
 * Grows one tree on rows (a subset of data's rows; reordered in place). Leaf values are the
 * Newton step −G/(H+λ) multiplied by `shrinkage`.
 */
export function growTree(
  data: BinnedData,
  features: Int32Array,
  rows: Uint32Array,
  grad: Float64Array,
  hess: Float64Array,
  p: TreeParams,
  shrinkage: number,
): GrownTree {
  const tree: TreeJson = { feature: [], threshold: [], left: [], right: [], value: [] };
  const splitBin: number[] = [];
  const gainByFeature = new Float64Array(data.d);
  const histSize = data.offsets[data.d]! * 3;
  const newNode = (value: number): number => {
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push(value);
    splitBin.push(-1);
    return tree.feature.length - 1;
  };
  // Histogram buffers are recycled (zeroed on release) instead of allocated per split: with
  // thousands of bins they are megabytes each and allocation dominated the run time.
  const pool = histPool(histSize);
  const release = (h: Float64Array) => {
    h.fill(0);
    pool.push(h);
  };
  const leafValue = (g: number, h: number) => (-g / (h + p.lambda)) * shrinkage;
  const evaluate = (leaf: Omit<OpenLeaf, 'best'>): OpenLeaf => {
    const count = leaf.end - leaf.start;
    const canSplit = leaf.depth < p.maxDepth && count >= 2 * p.minSamplesLeaf;
    const best = canSplit ? findBestSplit(data, features, leaf.hist, leaf.g, leaf.h, count, p) : { gain: -Infinity, feature: -1, bin: -1 };
    // A leaf that cannot split no longer needs its histogram: recycle it.
    if (best.feature < 0 && leaf.hist.length === histSize) release(leaf.hist);
    return { ...leaf, hist: best.feature >= 0 ? leaf.hist : EMPTY, best };
  };

  let g0 = 0, h0 = 0;
  for (let k = 0; k < rows.length; k++) {
    g0 += grad[rows[k]!]!;
    h0 += hess[rows[k]!]!;
  }
  const rootHist = pool.pop() ?? new Float64Array(histSize);
  buildHistogram(data, features, rows, 0, rows.length, grad, hess, rootHist);
  const open: OpenLeaf[] = [evaluate({ node: newNode(leafValue(g0, h0)), start: 0, end: rows.length, depth: 0, g: g0, h: h0, hist: rootHist })];
  let leaves = 1;

  while (leaves < p.maxLeaves) {
    let pick = -1;
    for (let k = 0; k < open.length; k++) {
      const c = open[k]!.best;
      if (c.feature >= 0 && c.gain > p.minGain && (pick < 0 || c.gain > open[pick]!.best.gain)) pick = k;
    }
    if (pick < 0) break;
    const leaf = open[pick]!;
    const { feature: f, bin } = leaf.best;

    // Partition rows[start, end) so that rows going left come first.
    const col = f * data.n;
    let i = leaf.start, j = leaf.end - 1;
    while (i <= j) {
      if (data.codes[col + rows[i]!]! <= bin) i++;
      else {
        const t = rows[i]!;
        rows[i] = rows[j]!;
        rows[j] = t;
        j--;
      }
    }
    const mid = i;
    let gl = 0, hl = 0;
    for (let k = leaf.start; k < mid; k++) {
      gl += grad[rows[k]!]!;
      hl += hess[rows[k]!]!;
    }
    const gr = leaf.g - gl, hr = leaf.h - hl;
    const leftSmaller = mid - leaf.start <= leaf.end - mid;
    const small = pool.pop() ?? new Float64Array(histSize);
    if (leftSmaller) buildHistogram(data, features, rows, leaf.start, mid, grad, hess, small);
    else buildHistogram(data, features, rows, mid, leaf.end, grad, hess, small);
    const large = leaf.hist; // reuse the parent's buffer: parent − small
    for (let q = 0; q < features.length; q++) {
      const f = features[q]!;
      for (let k = data.offsets[f]! * 3, e = data.offsets[f + 1]! * 3; k < e; k++) large[k]! -= small[k]!;
    }
    const leftHist = leftSmaller ? small : large;
    const rightHist = leftSmaller ? large : small;

    const node = leaf.node;
    const leftNode = newNode(leafValue(gl, hl));
    const rightNode = newNode(leafValue(gr, hr));
    tree.feature[node] = f;
    tree.threshold[node] = data.upper[f]![bin]!;
    tree.left[node] = leftNode;
    tree.right[node] = rightNode;
    splitBin[node] = bin;
    gainByFeature[f]! += leaf.best.gain;

    const depth = leaf.depth + 1;
    open.splice(
      pick,
      1,
      evaluate({ node: leftNode, start: leaf.start, end: mid, depth, g: gl, h: hl, hist: leftHist }),
      evaluate({ node: rightNode, start: mid, end: leaf.end, depth, g: gr, h: hr, hist: rightHist }),
    );
    leaves++;
  }
  for (const leaf of open) if (leaf.hist.length === histSize) release(leaf.hist);
  return { tree, splitBin, gainByFeature };
}

/** Leaf value for one raw feature row. */
export function predictTree(tree: TreeJson, x: Float64Array | readonly number[], offset = 0): number {
  let node = 0;
  while (tree.feature[node]! >= 0) {
    const v = x[offset + tree.feature[node]!]!;
    node = v <= tree.threshold[node]! || Number.isNaN(v) ? tree.left[node]! : tree.right[node]!;
  }
  return tree.value[node]!;
}

/** Leaf value for binned training row i (routes by split bin, identical to raw routing). */
export function predictTreeBinned(tree: TreeJson, splitBin: readonly number[], data: BinnedData, i: number): number {
  let node = 0;
  while (tree.feature[node]! >= 0) {
    const b = data.codes[tree.feature[node]! * data.n + i]!;
    node = b <= splitBin[node]! ? tree.left[node]! : tree.right[node]!;
  }
  return tree.value[node]!;
}
