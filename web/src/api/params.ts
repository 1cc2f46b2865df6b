/** Query parameters of the history routes, apart from the client so tests in Node can build them. */
export interface SeriesRequest {
  readonly twinIds: readonly string[];
  readonly signals: readonly string[];
  readonly from: Date;
  readonly to: Date;
  /** A width (1m, 15m, 1h) or hour, day, week, month, shift; absent = raw points. */
  readonly bucket?: string;
  /** avg, min, max, sum, count, first, last, stddev, twa, p95 …; with `bucket`. */
  readonly aggregate?: string;
}

/** Query parameters of /api/timeseries/points and /aggregate (src/timeseries/api.ts). */
export function seriesParams(r: SeriesRequest): URLSearchParams {
  const p = new URLSearchParams();
  for (const id of r.twinIds) p.append('twin', id);
  for (const s of r.signals) p.append('signal', s);
  p.set('from', r.from.toISOString());
  p.set('to', r.to.toISOString());
  if (r.bucket && r.aggregate) {
    p.set('bucket', r.bucket);
    p.set('fn', r.aggregate);
    // Calendar buckets (day, week) in the browser's zone, as the user reads them.
    p.set('tz', Intl.DateTimeFormat().resolvedOptions().timeZone);
  }
  return p;
}
