/**
 * Input rules for the time-series methods of port-series.ts, shared by every adapter (the contract
 * suite checks all of them reject the same things).
 */
import { AGGREGATE_FUNCTIONS, type AggregateFunction, type AggregateQuery, type EdgeQuery, type PointRange, type TextPoint } from './port-series.js';
import { checkSeriesName, checkText, checkTime, invalid, LIMITS } from './validate.js';

export const SERIES_LIMITS = {
  textBytes: 4096,
  seriesPerQuery: 1000,
  maxBuckets: 100_000,
  defaultLookbackMs: 86_400_000,
  maxLookbackMs: 400 * 86_400_000,
} as const;

export function checkTextPoints(points: readonly TextPoint[]): void {
  if (!Array.isArray(points)) throw invalid('points', 'must be an array');
  if (points.length > LIMITS.pointsPerAppend) throw invalid('points', `at most ${LIMITS.pointsPerAppend} points per append`, { count: points.length });
  for (let i = 0; i < points.length; i++) {
    const p = points[i] as TextPoint;
    checkSeriesName(p.series, () => `points[${i}].series`);
    checkTime(p.time, `points[${i}].time`);
    checkTime(p.arrival, `points[${i}].arrival`);
    if (typeof p.text !== 'string' || p.text.includes('\u0000') || /\p{Surrogate}/u.test(p.text)) throw invalid(`points[${i}].text`, 'must be a string without U+0000 or lone surrogates');
    if (Buffer.byteLength(p.text, 'utf8') > SERIES_LIMITS.textBytes) throw invalid(`points[${i}].text`, `more than ${SERIES_LIMITS.textBytes} UTF-8 bytes`);
  }
}

function checkSeriesList(series: readonly string[]): string[] {
  if (!Array.isArray(series) || series.length === 0) throw invalid('series', 'must be a non-empty array');
  if (series.length > SERIES_LIMITS.seriesPerQuery) throw invalid('series', `at most ${SERIES_LIMITS.seriesPerQuery} series per query`, { count: series.length });
  return [...new Set(series.map((s, i) => checkText(s, `series[${i}]`, 'series')))];
}

function checkWindow(from: Date, to: Date): void {
  checkTime(from, 'from');
  checkTime(to, 'to');
}

export interface CheckedAggregate {
  readonly series: string[];
  readonly from: Date;
  readonly to: Date;
  readonly buckets: AggregateQuery['buckets'];
  readonly functions: AggregateFunction[];
  readonly percentiles: number[];
  readonly pooled: boolean;
  readonly first: boolean;
}

export function checkAggregateQuery(q: AggregateQuery): CheckedAggregate {
  const series = checkSeriesList(q.series);
  checkWindow(q.from, q.to);
  const b = q.buckets;
  if (b?.kind === 'fixed') {
    if (!Number.isSafeInteger(b.widthMs) || b.widthMs < 1) throw invalid('buckets.widthMs', 'must be a positive integer');
    if (!Number.isSafeInteger(b.originMs)) throw invalid('buckets.originMs', 'must be an integer');
    const count = (q.to.getTime() - q.from.getTime()) / b.widthMs;
    if (count > SERIES_LIMITS.maxBuckets + 1) throw invalid('buckets', `more than ${SERIES_LIMITS.maxBuckets} buckets`, { count });
  } else if (b?.kind === 'list') {
    if (!Array.isArray(b.starts) || !Array.isArray(b.ends) || b.starts.length !== b.ends.length) throw invalid('buckets', 'starts and ends must be arrays of the same length');
    if (b.starts.length > SERIES_LIMITS.maxBuckets) throw invalid('buckets', `more than ${SERIES_LIMITS.maxBuckets} buckets`, { count: b.starts.length });
    for (let i = 0; i < b.starts.length; i++) {
      const s = checkTime(b.starts[i], `buckets.starts[${i}]`).getTime();
      const e = checkTime(b.ends[i], `buckets.ends[${i}]`).getTime();
      if (e <= s) throw invalid(`buckets.ends[${i}]`, 'must be after its start');
      if (i > 0 && s < (b.ends[i - 1] as Date).getTime()) throw invalid(`buckets.starts[${i}]`, 'buckets must be sorted and must not overlap');
    }
  } else throw invalid('buckets.kind', "must be 'fixed' or 'list'");
  if (!Array.isArray(q.functions)) throw invalid('functions', 'must be an array');
  const functions = [...new Set(q.functions)];
  for (const f of functions) if (!(AGGREGATE_FUNCTIONS as readonly string[]).includes(f)) throw invalid('functions', `unknown function ${JSON.stringify(f)}`, { allowed: [...AGGREGATE_FUNCTIONS] });
  const percentiles = [...(q.percentiles ?? [])];
  percentiles.forEach((p, i) => {
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw invalid(`percentiles[${i}]`, 'must be a number from 0 to 1');
  });
  if (percentiles.length > 20) throw invalid('percentiles', 'at most 20');
  if (q.groupBy !== undefined && q.groupBy !== 'series' && q.groupBy !== 'none') throw invalid('groupBy', "must be 'series' or 'none'");
  return { series, from: q.from, to: q.to, buckets: b, functions, percentiles, pooled: q.groupBy === 'none', first: functions.includes('first') || functions.includes('last') };
}

export interface CheckedEdge {
  readonly series: string[];
  readonly at: Date;
  readonly before: boolean;
  /** The other end of the scanned window. */
  readonly bound: Date;
}

export function checkEdgeQuery(q: EdgeQuery): CheckedEdge {
  const series = checkSeriesList(q.series);
  checkTime(q.at, 'at');
  if (q.side !== 'before' && q.side !== 'after') throw invalid('side', "must be 'before' or 'after'");
  const lookback = q.lookbackMs ?? SERIES_LIMITS.defaultLookbackMs;
  if (!Number.isSafeInteger(lookback) || lookback < 1 || lookback > SERIES_LIMITS.maxLookbackMs) throw invalid('lookbackMs', `must be an integer from 1 to ${SERIES_LIMITS.maxLookbackMs}`);
  const before = q.side === 'before';
  const ms = q.at.getTime() + (before ? -lookback : lookback);
  const bound = new Date(Math.min(Math.max(ms, LIMITS.minTimeMs), LIMITS.maxTimeMs));
  return { series, at: q.at, before, bound };
}

export function checkRange(r: PointRange): PointRange {
  checkWindow(r.from, r.to);
  if (r.arrivalAtMost !== undefined) checkTime(r.arrivalAtMost, 'arrivalAtMost');
  return r;
}
