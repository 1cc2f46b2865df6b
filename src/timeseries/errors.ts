/**
 * The time-series context's error catalogue (history store, queries, export, retention).
 * Codes are stable; the HTTP layer maps `kind` to a status (src/api/problem.ts).
 */
import { defineErrors } from '../shared/errors.js';

export const TimeSeriesErrors = defineErrors('timeseries', {
  /** details: { field, reason, value? }: a malformed query parameter (duration, zone, bucket, function). */
  invalid_query: { kind: 'invalid', title: 'Invalid time-series query' },
  /** details: { buckets, limit }: the window split into more buckets than one query may return. */
  too_many_buckets: { kind: 'too_large', title: 'Too many buckets' },
  /** details: { series, limit }: more series selected than one query may read. */
  too_many_series: { kind: 'too_large', title: 'Too many series' },
  /** details: { zone }: not an IANA time zone name nor a fixed offset like +05:30. */
  unknown_zone: { kind: 'invalid', title: 'Unknown time zone' },
  /** details: { series, limit }: a query would read more raw points than it may hold in memory. */
  too_many_points: { kind: 'too_large', title: 'Too many points' },
  /** details: { selector }: the selector matched no stored series. */
  series_not_found: { kind: 'not_found', title: 'No such series' },
  /** details: { reason }: a selector needs the twin graph but none is wired. */
  scope_unavailable: { kind: 'unavailable', title: 'Twin-graph scope is unavailable' },
  /** details: { path, reason }: the Parquet archive could not be written or read. */
  archive_failed: { kind: 'internal', title: 'The history archive failed' },
});
