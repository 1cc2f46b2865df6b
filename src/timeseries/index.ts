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
