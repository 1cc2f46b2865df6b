/**
 * The time-series part of the storage port beyond append/read: text points (string-valued signals
 * such as a machine's state), per-bucket aggregates computed in SQL, the neighbours of a window
 * (carry-in for time-weighted averages and interpolation), and moving old points out (retention).
 * The history context (src/timeseries) builds queries on these; docs/history.md has the semantics.
 */
import type { TimePoint } from './port.js';

export interface TextPoint {
  readonly series: string;
  readonly time: Date;
  readonly arrival: Date;
  /** 1..4096 UTF-8 bytes, no U+0000. */
  readonly text: string;
}

export const AGGREGATE_FUNCTIONS = ['count', 'sum', 'min', 'max', 'avg', 'stddev', 'first', 'last'] as const;
export type AggregateFunction = (typeof AGGREGATE_FUNCTIONS)[number];

/**
 * Buckets: an arithmetic grid (bucket k = [origin + k·width, origin + (k+1)·width)), or explicit
 * sorted, non-overlapping [start, end) intervals (calendar days across DST, shifts with gaps).
 */
export type AggregateBuckets =
  | { readonly kind: 'fixed'; readonly widthMs: number; readonly originMs: number }
  | { readonly kind: 'list'; readonly starts: readonly Date[]; readonly ends: readonly Date[] };

export interface AggregateQuery {
  /** 1..1000 series. */
  readonly series: readonly string[];
  /** from inclusive, to exclusive: only points inside count, whatever the buckets. */
  readonly from: Date;
  readonly to: Date;
  readonly buckets: AggregateBuckets;
  readonly functions: readonly AggregateFunction[];
  /** Each in [0, 1]; linear interpolation between closest ranks (quantile_cont / percentile_cont). */
  readonly percentiles?: readonly number[];
  /** 'series' (default): a row per series and bucket; 'none': all series pooled per bucket. */
  readonly groupBy?: 'series' | 'none';
}

/** One non-empty bucket. Fields not asked for are absent; count is always there. */
export interface AggregateRow {
  /** null when pooled (groupBy 'none'). */
  readonly series: string | null;
  readonly bucketStart: Date;
  readonly count: number;
  readonly sum?: number;
  readonly min?: number;
  readonly max?: number;
  readonly avg?: number;
  /** Sample standard deviation; null for a single point. */
  readonly stddev?: number | null;
  /** first/last in (time, arrival) order, with their times (so partial results can be merged). */
  readonly first?: number;
  readonly last?: number;
  readonly firstTime?: Date;
  readonly lastTime?: Date;
  readonly percentiles?: readonly number[];
}

export interface EdgeQuery {
  readonly series: readonly string[];
  readonly at: Date;
  /** 'before': the latest point with time < at; 'after': the earliest with time >= at. */
  readonly side: 'before' | 'after';
  /** Look no further than this from `at` (bounds the scan); default 1 day, max 400 days. */
  readonly lookbackMs?: number;
}

export interface PointRange {
  readonly from: Date;
  readonly to: Date;
  /** Only points that arrived at or before this (retention recovery deletes what was archived). */
  readonly arrivalAtMost?: Date;
}

export interface ArchivePage {
  readonly points: readonly TimePoint[];
  readonly textPoints: readonly TextPoint[];
}

/**
 * Where archivePoints puts the points it moves out. Both files have the columns of the tables:
 * points (series VARCHAR, time TIMESTAMPTZ, arrival TIMESTAMPTZ, value DOUBLE) and text points
 * (series, time, arrival, text VARCHAR), ZSTD-compressed Parquet.
 */
export interface ArchiveTarget {
  readonly pointsFile: string;
  readonly textPointsFile: string;
  /** Adapters without a Parquet writer (PostgreSQL) stream the rows here; the target writes both files. */
  writePages(pages: AsyncIterable<ArchivePage>): Promise<void>;
  /** Called once the files are complete, before the rows are deleted; e.g. renames temp files into place. */
  finish(counts: ArchiveCounts): Promise<void>;
}

export interface ArchiveCounts {
  readonly points: number;
  readonly textPoints: number;
  /** Latest arrival among the moved rows (for recovery after a crash between finish and commit). */
  readonly maxArrival: Date | null;
}
