/**
 * The history context: every telemetry value and twin property change stored through the storage
 * port, queried as raw points, bucketed aggregates, time-weighted averages and interpolated values,
 * exported as CSV or Parquet, archived to Parquet after the warm window. See docs/history.md.
 */
export { TimeSeriesErrors } from './errors.js';
export { TimeZone, type LocalFields, type ZonedFields } from './time/zones.js';
export { parseDuration, formatDuration } from './time/duration.js';
export {
  ShiftCalendar, WEEKDAYS, unionClipped,
  type ShiftCalendarConfig, type ShiftConfig, type BreakConfig, type WeeklyStopConfig, type PlannedStopConfig, type ShiftInstance, type StopInterval, type Weekday,
} from './time/shifts.js';
export { planBuckets, allBuckets, bucketAt, bucketCount, bucketIndex, CALENDAR_UNITS, MAX_BUCKETS, type Bucket, type BucketPlan, type BucketSpec, type CalendarUnit } from './time/buckets.js';
export { statsOf, mergeStats, percentileOfSorted, SIMPLE_FUNCTIONS, type Sample, type BucketStats, type SimpleFunction, type StatsRequest } from './math/aggregate.js';
export { Signal, type Interpolation, type SignalOptions } from './math/signal.js';
export { fillGaps, type Fill, type FillableRow } from './math/gapfill.js';
export { SeriesCatalogue, telemetrySeries, propertySeries, DEVICE_PREFIX, PROPERTY_PREFIX, type SeriesInfo, type SeriesKind, type SeriesSource } from './catalogue.js';
export { HistoryWriter, type HistoryWriterOptions, type WriterStats } from './writer.js';
export { HistoryQueries, type AggregateRequest, type AggregateResult, type BucketOut, type InterpolateRequest, type QueryFunction, type Rollup, type SeriesOut } from './query/engine.js';
export { resolveSeries, readNumbers, readTexts, readAllPoints, type SeriesSelector } from './query/select.js';
export { ParquetArchive, DAY_MS, type ArchivePart } from './archive.js';
export { RetentionJob, type RetentionOptions, type RetentionRun } from './retention.js';
export { csvStream, parquetStream, csvField } from './export.js';
export { timeSeriesApi, parseTime, parseBucket, parseFunctions, type TimeSeriesApiOptions } from './api.js';
export { modelQuery, twinScopeFromReader, type TwinScope, type TwinWriter } from './ports.js';
export { createHistory, type History, type HistoryOptions } from './history.js';
