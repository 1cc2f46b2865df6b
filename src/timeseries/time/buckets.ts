/**
 * Time buckets for aggregation. Three kinds:
 * - fixed width (`1m`, `15s`, `PT5M`): aligned to an origin, the Unix epoch unless given, so a
 *   bucket's bounds do not depend on the query window (like TimescaleDB `time_bucket`);
 * - calendar units in a time zone (`hour`, `day`, `week` = ISO week from Monday, `month`): wall-clock
 *   boundaries, so a local day is 23 or 25 hours across a DST change;
 * - shifts from a shift calendar (possibly with gaps between them).
 *
 * A plan covers the query window [from, to): the first bucket may start before `from` and the last
 * end after `to`; aggregation only ever sees points inside the window.
 */
import { TimeSeriesErrors } from '../errors.js';
import type { ShiftCalendar } from './shifts.js';
import { TimeZone, addLocalDays } from './zones.js';

export const CALENDAR_UNITS = ['hour', 'day', 'week', 'month'] as const;
export type CalendarUnit = (typeof CALENDAR_UNITS)[number];

export type BucketSpec =
  | { readonly kind: 'fixed'; readonly widthMs: number; readonly originMs?: number }
  | { readonly kind: 'calendar'; readonly unit: CalendarUnit; readonly zone: string }
  | { readonly kind: 'shift'; readonly calendar: ShiftCalendar };

export interface Bucket {
  readonly start: number;
  readonly end: number;
  /** Shift buckets: `2024-03-01/A`. */
  readonly label?: string;
}

/** Either an arithmetic grid (cheap to push into SQL) or an explicit sorted, non-overlapping list. */
export type BucketPlan =
  | { readonly kind: 'fixed'; readonly widthMs: number; readonly originMs: number; readonly first: number; readonly count: number }
  | { readonly kind: 'list'; readonly buckets: readonly Bucket[] };

export const MAX_BUCKETS = 100_000;

function tooMany(count: number): Error {
  return TimeSeriesErrors.create('too_many_buckets', `the window holds ${count} buckets, more than ${MAX_BUCKETS}: use wider buckets or a shorter window`, { buckets: count, limit: MAX_BUCKETS });
}

export function planBuckets(spec: BucketSpec, from: number, to: number, limit = MAX_BUCKETS): BucketPlan {
  if (!(to > from)) return { kind: 'list', buckets: [] };
  switch (spec.kind) {
    case 'fixed': {
      const origin = spec.originMs ?? 0;
      const first = Math.floor((from - origin) / spec.widthMs);
      const last = Math.ceil((to - origin) / spec.widthMs);
      const count = last - first;
      if (count > limit) throw tooMany(count);
      return { kind: 'fixed', widthMs: spec.widthMs, originMs: origin, first, count };
    }
    case 'calendar':
      return simplify(calendarBuckets(TimeZone.of(spec.zone), spec.unit, from, to, limit));
    case 'shift': {
      const buckets = spec.calendar.instances(from, to).map((s) => ({ start: s.start, end: s.end, label: s.label }));
      if (buckets.length > limit) throw tooMany(buckets.length);
      return { kind: 'list', buckets };
    }
    default:
      return assertNever(spec);
  }
}

function calendarBuckets(zone: TimeZone, unit: CalendarUnit, from: number, to: number, limit: number): Bucket[] {
  const f = zone.fields(from);
  const out: Bucket[] = [];
  if (unit === 'hour') {
    // Local hours: whole-hour offsets give UTC hours; half-hour zones (India) shift by 30 minutes.
    // Walk in UTC hours from the local hour containing `from`, since local hours can repeat (fall back).
    let start = from - ((f.minute * 60 + f.second) * 1000 + f.millisecond);
    while (start < to) {
      const end = nextLocalHour(zone, start);
      out.push({ start, end });
      if (out.length > limit) throw tooMany(out.length);
      start = end;
    }
    return out;
  }
  let date = { year: f.year, month: f.month, day: f.day };
  if (unit === 'week') date = addLocalDays(date, 1 - f.weekday);
  if (unit === 'month') date = { ...date, day: 1 };
  const step = (d: typeof date) => (unit === 'day' ? addLocalDays(d, 1) : unit === 'week' ? addLocalDays(d, 7) : { year: d.month === 12 ? d.year + 1 : d.year, month: (d.month % 12) + 1, day: 1 });
  let start = zone.toUtc({ ...date, hour: 0, minute: 0 });
  while (start < to) {
    date = step(date);
    const end = zone.toUtc({ ...date, hour: 0, minute: 0 });
    out.push({ start, end });
    if (out.length > limit) throw tooMany(out.length);
    start = end;
  }
  return out;
}

/** The next instant at which the local minute-of-hour equals the one at `t`'s hour start. */
function nextLocalHour(zone: TimeZone, t: number): number {
  const candidate = t + 3_600_000;
  // A transition inside the hour by a non-whole-hour amount (Lord Howe: 30 min) moves the boundary.
  const drift = ((zone.offsetMinutes(candidate) - zone.offsetMinutes(t)) % 60) * 60_000;
  return candidate - drift > t ? candidate - drift : candidate;
}

/** Equal-width contiguous buckets become an arithmetic grid, which SQL evaluates without a join. */
function simplify(buckets: Bucket[]): BucketPlan {
  const first = buckets[0];
  if (first === undefined) return { kind: 'list', buckets };
  const width = first.end - first.start;
  const regular = buckets.every((b, i) => b.end - b.start === width && (i === 0 || b.start === (buckets[i - 1] as Bucket).end));
  if (!regular) return { kind: 'list', buckets };
  const origin = ((first.start % width) + width) % width;
  return { kind: 'fixed', widthMs: width, originMs: origin, first: (first.start - origin) / width, count: buckets.length };
}

export function bucketCount(plan: BucketPlan): number {
  return plan.kind === 'fixed' ? plan.count : plan.buckets.length;
}

export function bucketAt(plan: BucketPlan, i: number): Bucket {
  if (plan.kind === 'fixed') {
    const start = plan.originMs + (plan.first + i) * plan.widthMs;
    return { start, end: start + plan.widthMs };
  }
  const b = plan.buckets[i];
  if (b === undefined) throw new RangeError(`bucket ${i} out of range`);
  return b;
}

export function allBuckets(plan: BucketPlan): Bucket[] {
  return Array.from({ length: bucketCount(plan) }, (_, i) => bucketAt(plan, i));
}

/** Index of the bucket holding `t`, or -1 (outside every bucket, e.g. between shifts). */
export function bucketIndex(plan: BucketPlan, t: number): number {
  if (plan.kind === 'fixed') {
    const i = Math.floor((t - plan.originMs) / plan.widthMs) - plan.first;
    return i >= 0 && i < plan.count ? i : -1;
  }
  let lo = 0;
  let hi = plan.buckets.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const b = plan.buckets[mid] as Bucket;
    if (t < b.start) hi = mid - 1;
    else if (t >= b.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

export function assertNever(x: never): never {
  throw new Error(`unexpected ${JSON.stringify(x)}`);
}
