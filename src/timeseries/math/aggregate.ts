/**
 * Per-bucket aggregates over points, in plain TypeScript: the reference semantics the SQL pushdown
 * in the storage adapters must match (tests compare both against hand-computed values), and the
 * path used for archived data and for merging archive + store partial results.
 *
 * Definitions (identical in DuckDB and PostgreSQL):
 * - count, sum, min, max, avg = sum / count.
 * - stddev: sample standard deviation (n − 1 in the denominator; SQL `stddev_samp`); null for n < 2.
 * - first / last: the value of the first / last point in (time, arrival) order.
 * - percentile p ∈ [0, 1]: linear interpolation between closest ranks (Hyndman & Fan type 7, as
 *   DuckDB `quantile_cont`, PostgreSQL `percentile_cont`, Excel PERCENTILE.INC):
 *   h = (n − 1)·p, x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
 * - twa (time-weighted average) is not here: it needs the signal between points (twa.ts).
 */

export const SIMPLE_FUNCTIONS = ['count', 'sum', 'min', 'max', 'avg', 'stddev', 'first', 'last'] as const;
export type SimpleFunction = (typeof SIMPLE_FUNCTIONS)[number];

export interface Sample {
  /** Source time, ms since the epoch. */
  readonly t: number;
  readonly v: number;
  /** Arrival time, ms; orders points with equal `t`. */
  readonly a?: number;
}

/** Whatever was asked for; fields not asked for are absent. count is always there (merging needs it). */
export interface BucketStats {
  count: number;
  sum?: number | null;
  min?: number | null;
  max?: number | null;
  avg?: number | null;
  stddev?: number | null;
  first?: number | null;
  last?: number | null;
  /** Times of the first and last point: present with first/last so partial results can be merged. */
  firstTime?: number | null;
  lastTime?: number | null;
  /** One per requested percentile, same order. */
  percentiles?: Array<number | null>;
}

export interface StatsRequest {
  readonly functions: readonly SimpleFunction[];
  readonly percentiles: readonly number[];
}

export function bySampleOrder(x: Sample, y: Sample): number {
  return x.t - y.t || (x.a ?? 0) - (y.a ?? 0);
}

/** Type-7 percentile of ascending `sorted`; null when empty. */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const x0 = sorted[lo] as number;
  if (lo + 1 >= n) return x0;
  return x0 + (h - lo) * ((sorted[lo + 1] as number) - x0);
}

/** Aggregates of one bucket's points (any order; first/last use (t, a) order). */
export function statsOf(points: readonly Sample[], req: StatsRequest): BucketStats {
  const want = new Set(req.functions);
  const n = points.length;
  const out: BucketStats = { count: n };
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  // Welford's running mean and M2: no cancellation for large values with a small spread.
  let mean = 0;
  let m2 = 0;
  let first: Sample | undefined;
  let last: Sample | undefined;
  points.forEach((p, i) => {
    sum += p.v;
    if (p.v < min) min = p.v;
    if (p.v > max) max = p.v;
    const d = p.v - mean;
    mean += d / (i + 1);
    m2 += d * (p.v - mean);
    if (first === undefined || bySampleOrder(p, first) < 0) first = p;
    if (last === undefined || bySampleOrder(p, last) >= 0) last = p;
  });
  if (want.has('sum')) out.sum = n > 0 ? sum : null;
  if (want.has('min')) out.min = n > 0 ? min : null;
  if (want.has('max')) out.max = n > 0 ? max : null;
  if (want.has('avg')) out.avg = n > 0 ? sum / n : null;
  if (want.has('stddev')) out.stddev = n > 1 ? Math.sqrt(m2 / (n - 1)) : null;
  if (want.has('first') || want.has('last')) {
    out.first = first?.v ?? null;
    out.last = last?.v ?? null;
    out.firstTime = first?.t ?? null;
    out.lastTime = last?.t ?? null;
  }
  if (req.percentiles.length > 0) {
    const sorted = Float64Array.from(points, (p) => p.v).sort();
    out.percentiles = req.percentiles.map((p) => percentileOfSorted(sorted, p));
  }
  return out;
}

/**
 * Combines the stats of two disjoint sets of points (archive part + store part of one bucket).
 * Percentiles cannot be merged from summaries: the caller recomputes them from the points.
 * stddev uses Chan et al.'s pairwise update of M2 (the sum of squared deviations).
 */
export function mergeStats(x: BucketStats, y: BucketStats): BucketStats {
  if (x.count === 0) return y;
  if (y.count === 0) return x;
  const n = x.count + y.count;
  const out: BucketStats = { count: n };
  const sx = sumOf(x);
  const sy = sumOf(y);
  if ('sum' in x) out.sum = sx + sy;
  if ('avg' in x) out.avg = (sx + sy) / n;
  if ('min' in x) out.min = Math.min(x.min as number, y.min as number);
  if ('max' in x) out.max = Math.max(x.max as number, y.max as number);
  if ('stddev' in x) {
    const m2 = (s: BucketStats) => (s.count > 1 ? (s.stddev as number) ** 2 * (s.count - 1) : 0);
    const delta = sy / y.count - sx / x.count;
    const total = m2(x) + m2(y) + (delta * delta * x.count * y.count) / n;
    out.stddev = Math.sqrt(total / (n - 1));
  }
  if ('first' in x) {
    const xFirst = (x.firstTime as number) <= (y.firstTime as number);
    out.first = xFirst ? x.first : y.first;
    out.firstTime = xFirst ? x.firstTime : y.firstTime;
    const yLast = (y.lastTime as number) >= (x.lastTime as number);
    out.last = yLast ? y.last : x.last;
    out.lastTime = yLast ? y.lastTime : x.lastTime;
  }
  return out;
}

function sumOf(s: BucketStats): number {
  if (typeof s.sum === 'number') return s.sum;
  if (typeof s.avg === 'number') return s.avg * s.count;
  return 0;
}

/** The stats request every merge needs: sum or avg are needed to merge avg/stddev. */
export function mergeableRequest(req: StatsRequest): StatsRequest {
  const fns = new Set(req.functions);
  if (fns.has('stddev')) fns.add('avg');
  if (fns.has('last')) fns.add('first');
  if (fns.has('first')) fns.add('last');
  return { functions: [...fns], percentiles: req.percentiles };
}
