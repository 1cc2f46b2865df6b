/**
 * Dense row-major matrices on Float64Array: the one data shape every model here consumes
 * (arrays in, model out), so the platform can feed them from its history without files.
 */
import { MlErrors } from './errors.js';

export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major: element (i, j) at data[i * cols + j]. */
  readonly data: Float64Array;
}

export function zeros(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

export function fromRows(rows: ReadonlyArray<ArrayLike<number>>): Matrix {
  const cols = rows.length === 0 ? 0 : rows[0]!.length;
  const m = zeros(rows.length, cols);
  rows.forEach((r, i) => {
    if (r.length !== cols) {
      throw MlErrors.create('bad_data', `row ${i} has ${r.length} values, expected ${cols}`, { row: i, expected: cols, got: r.length });
    }
    for (let j = 0; j < cols; j++) m.data[i * cols + j] = r[j]!;
  });
  return m;
}

export function getRow(m: Matrix, i: number): Float64Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

/** Rows picked by index, in the given order. */
export function takeRows(m: Matrix, idx: ArrayLike<number>): Matrix {
  const out = zeros(idx.length, m.cols);
  for (let k = 0; k < idx.length; k++) out.data.set(getRow(m, idx[k]!), k * m.cols);
  return out;
}

export function take(v: ArrayLike<number>, idx: ArrayLike<number>): Float64Array {
  const out = new Float64Array(idx.length);
  for (let k = 0; k < idx.length; k++) out[k] = v[idx[k]!]!;
  return out;
}

/** Column means and standard deviations (population), ignoring NaN. */
export function columnStats(m: Matrix): { mean: Float64Array; std: Float64Array } {
  const mean = new Float64Array(m.cols);
  const sq = new Float64Array(m.cols);
  const count = new Float64Array(m.cols);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) {
      const v = m.data[i * m.cols + j]!;
      if (Number.isNaN(v)) continue;
      mean[j]! += v;
      count[j]! += 1;
    }
  }
  for (let j = 0; j < m.cols; j++) mean[j] = count[j]! > 0 ? mean[j]! / count[j]! : 0;
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) {
      const v = m.data[i * m.cols + j]!;
      if (Number.isNaN(v)) continue;
      const d = v - mean[j]!;
      sq[j]! += d * d;
    }
  }
  const std = new Float64Array(m.cols);
  for (let j = 0; j < m.cols; j++) std[j] = count[j]! > 0 ? Math.sqrt(sq[j]! / count[j]!) : 0;
  return { mean, std };
}
