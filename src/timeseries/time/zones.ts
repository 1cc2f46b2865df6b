/**
 * Time-zone arithmetic without a library: IANA zones through Intl (ICU's tz database, which Node
 * ships), fixed offsets (`+05:30`, `-08:00`, `UTC`, `Z`) by plain arithmetic.
 *
 * Local → UTC follows the "compatible" disambiguation of TC39 Temporal (and RFC 5545 §3.3.5):
 * a wall time that occurs twice (autumn fall-back) resolves to the earlier instant; a wall time
 * that does not exist (spring gap) is pushed forward by the length of the gap (02:30 → 03:30).
 */
import { TimeSeriesErrors } from '../errors.js';

export interface LocalFields {
  readonly year: number;
  /** 1..12 */
  readonly month: number;
  /** 1..31 */
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second?: number;
  readonly millisecond?: number;
}

export interface ZonedFields extends Required<LocalFields> {
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  readonly weekday: number;
  /** Offset of local time from UTC at that instant, minutes. */
  readonly offsetMinutes: number;
}

const DAY_MS = 86_400_000;
const FIXED = /^([+-])(\d{2}):?(\d{2})$/;

/** A validated zone: offset lookups are cached per zone object. */
export class TimeZone {
  private readonly fixedOffset: number | undefined;
  private readonly format: Intl.DateTimeFormat | undefined;

  private constructor(readonly name: string) {
    if (name === 'UTC' || name === 'Z' || name === 'Etc/UTC') {
      this.fixedOffset = 0;
      return;
    }
    const m = FIXED.exec(name);
    if (m) {
      const minutes = Number(m[2]) * 60 + Number(m[3]);
      if (Number(m[2]) > 23 || Number(m[3]) > 59) throw unknownZone(name);
      this.fixedOffset = m[1] === '-' ? -minutes : minutes;
      return;
    }
    try {
      // h23: hours 0..23 (some ICU versions print midnight as 24 with hour12: false).
      this.format = new Intl.DateTimeFormat('en-US', {
        timeZone: name,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        era: 'short',
      });
    } catch {
      throw unknownZone(name);
    }
  }

  private static readonly cache = new Map<string, TimeZone>();

  /** Throws timeseries.unknown_zone for names Intl does not know. */
  static of(name: string): TimeZone {
    let z = TimeZone.cache.get(name);
    if (z === undefined) {
      z = new TimeZone(name);
      if (TimeZone.cache.size > 1000) TimeZone.cache.clear();
      TimeZone.cache.set(name, z);
    }
    return z;
  }

  get isFixed(): boolean {
    return this.fixedOffset !== undefined;
  }

  /** Local − UTC in minutes at instant `utcMs`. */
  offsetMinutes(utcMs: number): number {
    if (this.fixedOffset !== undefined) return this.fixedOffset;
    const f = this.wallClock(utcMs);
    // Seconds of the offset (historic LMT offsets) are dropped: no zone in use today has them.
    return Math.round((f - Math.floor(utcMs / 1000) * 1000) / 60_000);
  }

  /** The wall-clock reading at `utcMs` as if it were UTC, in whole seconds (ms dropped). */
  private wallClock(utcMs: number): number {
    const parts = (this.format as Intl.DateTimeFormat).formatToParts(new Date(utcMs));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
    let year = get('year');
    if (parts.find((p) => p.type === 'era')?.value === 'BC') year = 1 - year;
    const d = new Date(0);
    d.setUTCFullYear(year, get('month') - 1, get('day'));
    d.setUTCHours(get('hour'), get('minute'), get('second'), 0);
    return d.getTime();
  }

  /** Local calendar fields at an instant. */
  fields(utcMs: number): ZonedFields {
    const offsetMinutes = this.offsetMinutes(utcMs);
    const d = new Date(utcMs + offsetMinutes * 60_000);
    const dow = d.getUTCDay();
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      millisecond: d.getUTCMilliseconds(),
      weekday: dow === 0 ? 7 : dow,
      offsetMinutes,
    };
  }

  /** The instant of a local wall time (compatible disambiguation, see the file comment). */
  toUtc(local: LocalFields): number {
    const wall = wallMs(local);
    if (this.fixedOffset !== undefined) return wall - this.fixedOffset * 60_000;
    // At most one transition lies within a day of any wall time in real zones: the offsets a day
    // before and a day after are the only candidates.
    const before = this.offsetMinutes(wall - DAY_MS);
    const after = this.offsetMinutes(wall + DAY_MS);
    const valid = [before, after].map((o) => wall - o * 60_000).filter((t) => this.offsetMinutes(t) * 60_000 === wall - t);
    if (valid.length > 0) return Math.min(...valid);
    // In a gap: the offset before the transition carries the wall time past it (02:30 → 03:30).
    return wall - before * 60_000;
  }
}

/** Calendar fields read as UTC milliseconds; months and days may overflow (Date arithmetic normalises). */
export function wallMs(f: LocalFields): number {
  const d = new Date(0);
  d.setUTCFullYear(f.year, f.month - 1, f.day);
  d.setUTCHours(f.hour, f.minute, f.second ?? 0, f.millisecond ?? 0);
  return d.getTime();
}

/** Adds days to a local date (no time), normalising month/year overflow. */
export function addLocalDays(f: { year: number; month: number; day: number }, days: number): { year: number; month: number; day: number } {
  const d = new Date(wallMs({ year: f.year, month: f.month, day: f.day + days, hour: 0, minute: 0 }));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function unknownZone(name: string): Error {
  return TimeSeriesErrors.create('unknown_zone', `unknown time zone '${name}': use an IANA name (Europe/Berlin) or an offset (+05:30)`, { zone: name });
}
