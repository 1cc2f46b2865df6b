/**
 * Feature binning for histogram-based boosting (the LightGBM / scikit-learn HistGradientBoosting idea):
 * each feature is cut into at most `maxBins` quantile bins once, then split finding scans bin
 * histograms instead of sorted values. Many bins (up to 65 535) approach exact splits on small data. Bin b holds values v with upper[b−1] < v ≤ upper[b]; the last
 * upper edge is +Infinity. Missing values (NaN) share bin 0, so at prediction they go left (the same
 * side as the smallest values) — a simple, documented rule instead of a learned default direction.
 */
import type { Matrix } from '../matrix.js';

export interface BinnedData {
  readonly n: number;
  readonly d: number;
  /** Column-major bin codes: feature f of row i at codes[f * n + i] (16-bit when more than 256 bins). */
  readonly codes: Uint8Array | Uint16Array;
  /** Upper edges per feature (length = number of bins of that feature). */
  readonly upper: readonly Float64Array[];
  /** Start of each feature's bins in a flat histogram; offsets[d] = total bins. */
  readonly offsets: Int32Array;
}

/** Quantile edges for one feature from its (possibly subsampled) values. */
export function featureEdges(values: Float64Array, maxBins: number): Float64Array {
  const finite = values.filter((v) => !Number.isNaN(v)).sort();
  if (finite.length === 0) return Float64Array.of(Infinity);
  const distinct: number[] = [];
  const counts: number[] = [];
  for (const v of finite) {
    if (distinct.length > 0 && distinct[distinct.length - 1] === v) counts[counts.length - 1]!++;
    else {
      distinct.push(v);
      counts.push(1);
    }
  }
  const edges: number[] = [];
  if (distinct.length <= maxBins) {
    for (let k = 0; k + 1 < distinct.length; k++) edges.push((distinct[k]! + distinct[k + 1]!) / 2);
  } else {
    // Greedy equal-frequency cuts over distinct values; a heavy single value gets its own bin.
    let remaining = finite.length;
    let binsLeft = maxBins;
    let acc = 0;
    for (let k = 0; k + 1 < distinct.length && binsLeft > 1; k++) {
      acc += counts[k]!;
      const target = remaining / binsLeft;
      if (acc >= target || counts[k + 1]! >= target) {
        edges.push((distinct[k]! + distinct[k + 1]!) / 2);
        remaining -= acc;
        acc = 0;
        binsLeft--;
      }
    }
  }
  edges.push(Infinity);
  return Float64Array.from(edges);
}

/** Smallest b with v ≤ upper[b]; NaN → 0. */
export function binOf(upper: Float64Array, v: number): number {
  if (Number.isNaN(v)) return 0;
  let lo = 0, hi = upper.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= upper[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Fits edges on (at most `sampleRows` of) x and encodes all of x. */
export function binMatrix(x: Matrix, maxBins: number, sampleRows = 200_000): BinnedData {
  const { rows: n, cols: d } = x;
  // Up to 256 bins fit one byte per cell; more (finer thresholds on small data sets) use two.
  const bins = Math.max(2, Math.min(65535, maxBins));
  const step = Math.max(1, Math.floor(n / sampleRows));
  const upper: Float64Array[] = [];
  const offsets = new Int32Array(d + 1);
  const codes = bins <= 256 ? new Uint8Array(n * d) : new Uint16Array(n * d);
  const column = new Float64Array(Math.ceil(n / step));
  for (let f = 0; f < d; f++) {
    let m = 0;
    for (let i = 0; i < n; i += step) column[m++] = x.data[i * d + f]!;
    const edges = featureEdges(column.subarray(0, m), bins);
    upper.push(edges);
    offsets[f + 1] = offsets[f]! + edges.length;
    for (let i = 0; i < n; i++) codes[f * n + i] = binOf(edges, x.data[i * d + f]!);
  }
  return { n, d, codes, upper, offsets };
}
