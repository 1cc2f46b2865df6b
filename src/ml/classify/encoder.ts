/**
 * Turns a table into a numeric matrix for the trees, learning the encoding from training rows only:
 * - numeric columns pass through (missing → NaN);
 * - text columns with few levels (≤ 32) are one-hot encoded; unseen levels encode as all zeros;
 * - identifier columns are dropped automatically and listed with the reason: text columns whose
 *   values are nearly all distinct (> 50 % of rows, e.g. AI4I "Product ID"), and integer columns
 *   that look like a row counter (all distinct, range ≤ 2 × rows, e.g. AI4I "UDI" — also in a CV fold
 *   that holds only 80 % of 1..10 000). A row counter carries no
 *   information about a new machine and, when the data are sorted by time, leaks time order.
 * - optional pairwise interactions between numeric columns (a·b and a−b): trees cut one feature at
 *   a time, so thresholds on a product (power = torque·speed) or difference (process − air
 *   temperature) need many axis-aligned cuts; giving them directly is a general remedy, not a
 *   dataset-specific rule. Only when there are at most 12 numeric columns (≤ 132 extra features).
 * - optional per-level products (off by default; on AI4I they fixed the M/H false positives they aim at
 *   but lost as much recall, so F1 did not change and training cost doubled): for each text column with at most 4 levels and each pairwise product,
 *   the product restricted to one level (its value on rows of that level, missing elsewhere). Machine
 *   limits on a product often depend on the variant: AI4I's overstrain limit on tool wear × torque is
 *   11 000 min·Nm for L, 12 000 for M and 13 000 for H products (Matzka 2020, UCI #601). With the
 *   product alone a tree needs a cut on the product, then on the level, then on the product again
 *   inside the few M/H rows; per level it is one cut. Missing values share the lowest bin
 *   (core/gbdt), so "other level" sits below every real value. Bounded to 64 extra features.
 */
import { MlErrors } from '../core/index.js';
import { numericValue, type Table } from './table.js';

export type ColumnEncoding =
  | { readonly kind: 'numeric'; readonly name: string }
  | { readonly kind: 'onehot'; readonly name: string; readonly levels: string[] }
  | { readonly kind: 'dropped'; readonly name: string; readonly reason: string };

export interface Encoder {
  readonly columns: ColumnEncoding[];
  /** Pairs of numeric column indices (into `columns`) combined as product and difference. */
  readonly interactions: Array<[number, number]>;
  /**
   * Per-level products: [text column index, level, numeric a, numeric b] → a·b on rows whose level
   * matches, NaN elsewhere. Absent in older model documents (= none).
   */
  readonly levelProducts?: Array<[number, string, number, number]>;
  /** Whether each interaction pair also gives a/b (missing when b = 0). Absent in older documents (= no). */
  readonly ratios?: boolean;
  readonly featureNames: string[];
}

const MAX_LEVELS = 32;
const MAX_INTERACTION_COLUMNS = 12;
const MAX_LEVELS_FOR_PRODUCTS = 4;
const MAX_LEVEL_PRODUCTS = 64;

export interface EncoderOptions {
  /** Pairwise product and difference of numeric columns (default true). */
  readonly interactions?: boolean;
  /** Pairwise products restricted to each level of a small text column (default false: measured no F1 gain on AI4I, docs/ml-prediction.md). */
  readonly levelProducts?: boolean;
  /**
   * a/b beside a·b and a−b for every interaction pair (default false). A limit on a ratio (load per
   * speed, heat per power) is a curve in the (a, b) plane that axis cuts on a and b approximate
   * poorly, as for products. b/a is not added: for columns of one sign it is a monotone function of
   * a/b and a tree cuts it at the same place.
   */
  readonly ratios?: boolean;
}

export function fitEncoder(table: Table, options: EncoderOptions = {}): Encoder {
  const n = table.rows.length;
  if (n === 0) throw MlErrors.create('too_few_samples', 'no rows to learn the encoding from', {});
  const columns: ColumnEncoding[] = table.columns.map((name, j) => {
    const values = table.rows.map((r) => r[j] ?? null);
    const nums = values.map(numericValue);
    if (nums.every((v) => v !== undefined)) {
      const finite = (nums as number[]).filter((v) => !Number.isNaN(v));
      const distinct = new Set(finite);
      if (finite.length === 0 || distinct.size <= 1) return { kind: 'dropped', name, reason: 'constant' };
      const integers = finite.every(Number.isInteger);
      if (integers && distinct.size === finite.length && finite.length === n && n > 10) {
        let min = Infinity, max = -Infinity;
        for (const v of finite) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
        // A dense range, not exact consecutiveness: a cross-validation fold holds only part of 1..N.
        if (max - min + 1 <= 2 * n) return { kind: 'dropped', name, reason: 'identifier (unique integers over a dense range, like a row counter)' };
      }
      return { kind: 'numeric', name };
    }
    const text = values.map((v) => (v === null ? '' : String(v).trim()));
    const distinct = new Set(text.filter((v) => v !== ''));
    if (distinct.size > 0.5 * n && n > 10) return { kind: 'dropped', name, reason: `identifier (text with ${distinct.size} distinct values in ${n} rows)` };
    if (distinct.size > MAX_LEVELS) return { kind: 'dropped', name, reason: `text with ${distinct.size} levels (more than ${MAX_LEVELS})` };
    if (distinct.size <= 1) return { kind: 'dropped', name, reason: 'constant' };
    return { kind: 'onehot', name, levels: [...distinct].sort() };
  });
  const numericIdx = columns.flatMap((c, j) => (c.kind === 'numeric' ? [j] : []));
  const interactions: Array<[number, number]> = [];
  if ((options.interactions ?? true) && numericIdx.length <= MAX_INTERACTION_COLUMNS) {
    for (let a = 0; a < numericIdx.length; a++) for (let b = a + 1; b < numericIdx.length; b++) interactions.push([numericIdx[a]!, numericIdx[b]!]);
  }
  const levelProducts: Array<[number, string, number, number]> = [];
  if (interactions.length > 0 && options.levelProducts === true) {
    columns.forEach((c, j) => {
      if (c.kind !== 'onehot' || c.levels.length > MAX_LEVELS_FOR_PRODUCTS) return;
      for (const level of c.levels) for (const [a, b] of interactions) levelProducts.push([j, level, a, b]);
    });
    if (levelProducts.length > MAX_LEVEL_PRODUCTS) levelProducts.length = 0;
  }
  const featureNames: string[] = [];
  for (const c of columns) {
    if (c.kind === 'numeric') featureNames.push(c.name);
    else if (c.kind === 'onehot') for (const l of c.levels) featureNames.push(`${c.name}=${l}`);
  }
  const ratios = options.ratios === true && interactions.length > 0;
  for (const [a, b] of interactions) {
    featureNames.push(`${columns[a]!.name}*${columns[b]!.name}`, `${columns[a]!.name}-${columns[b]!.name}`);
    if (ratios) featureNames.push(`${columns[a]!.name}/${columns[b]!.name}`);
  }
  for (const [j, level, a, b] of levelProducts) featureNames.push(`${columns[a]!.name}*${columns[b]!.name}|${columns[j]!.name}=${level}`);
  return { columns, interactions, ...(levelProducts.length > 0 ? { levelProducts } : {}), ...(ratios ? { ratios } : {}), featureNames };
}

/** Row-major feature matrix; the table must have the encoder's columns (by name, any order). */
export function encode(encoder: Encoder, table: Table): { rows: number; cols: number; data: Float64Array } {
  const index = encoder.columns.map((c) => {
    const j = table.columns.indexOf(c.name);
    if (j < 0 && c.kind !== 'dropped') {
      throw MlErrors.create('unknown_column', `column "${c.name}" used by the model is missing from the data`, { column: c.name, columns: table.columns });
    }
    return j;
  });
  const F = encoder.featureNames.length;
  const n = table.rows.length;
  const data = new Float64Array(n * F);
  const numeric = new Float64Array(encoder.columns.length);
  const text: string[] = new Array<string>(encoder.columns.length).fill('');
  for (let i = 0; i < n; i++) {
    const row = table.rows[i]!;
    let f = i * F;
    encoder.columns.forEach((c, k) => {
      const cell = row[index[k]!] ?? null;
      switch (c.kind) {
        case 'numeric': {
          const v = numericValue(cell);
          if (v === undefined) throw MlErrors.create('bad_data', `row ${i + 1}: column "${c.name}" should be numeric, got "${String(cell)}"`, { row: i + 1, column: c.name });
          numeric[k] = v;
          data[f++] = v;
          break;
        }
        case 'onehot': {
          const s = cell === null ? '' : String(cell).trim();
          text[k] = s;
          for (const level of c.levels) data[f++] = s === level ? 1 : 0;
          break;
        }
        case 'dropped':
          break;
        default:
          assertNever(c);
      }
    });
    for (const [a, b] of encoder.interactions) {
      data[f++] = numeric[a]! * numeric[b]!;
      data[f++] = numeric[a]! - numeric[b]!;
      if (encoder.ratios === true) data[f++] = numeric[b] === 0 ? Number.NaN : numeric[a]! / numeric[b]!;
    }
    for (const [j, level, a, b] of encoder.levelProducts ?? []) data[f++] = text[j] === level ? numeric[a]! * numeric[b]! : Number.NaN;
  }
  return { rows: n, cols: F, data };
}

function assertNever(x: never): never {
  throw MlErrors.create('bad_model', `unknown column encoding ${JSON.stringify(x)}`, {});
}
