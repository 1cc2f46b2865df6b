/**
 * Shift calendars: which stretches of time are shifts, and which parts of a shift are planned
 * stops (breaks, planned maintenance, other scheduled downtime). Used for `shift` buckets and for
 * OEE's Planned Production Time (= shift time − planned stops).
 *
 * Times of day are wall-clock times in the calendar's zone (IANA or fixed offset), so a shift
 * from 22:00 to 06:00 lasts 9 real hours on the night clocks fall back and 7 on the night they
 * spring forward, as it does on the shop floor. A shift belongs to the local day it starts on.
 */
import { TimeSeriesErrors } from '../errors.js';
import { TimeZone, addLocalDays } from './zones.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface BreakConfig {
  /** Local `HH:MM`; for a shift across midnight, a time before the shift's start is on the next day. */
  readonly start: string;
  readonly minutes: number;
  readonly reason?: string;
}

export interface ShiftConfig {
  readonly name: string;
  /** Local `HH:MM`. */
  readonly start: string;
  /** Length in wall-clock hours (may be fractional, up to 24). */
  readonly hours: number;
  /** Days the shift starts on; default every day. */
  readonly days?: readonly Weekday[];
  readonly breaks?: readonly BreakConfig[];
}

export interface WeeklyStopConfig {
  readonly day: Weekday;
  readonly start: string;
  readonly hours: number;
  readonly reason?: string;
}

export interface PlannedStopConfig {
  /** RFC 3339 instants. */
  readonly start: string;
  readonly end: string;
  readonly reason?: string;
}

export interface ShiftCalendarConfig {
  /** IANA zone or fixed offset; default UTC. */
  readonly zone?: string;
  /** Accepted for compatibility with the simulator's calendar: a fixed offset in minutes (used when `zone` is absent). */
  readonly utcOffsetMinutes?: number;
  readonly shifts: readonly ShiftConfig[];
  /** Recurring stops, e.g. maintenance every Sunday morning (the simulator calls them plannedMaintenance). */
  readonly weeklyStops?: readonly WeeklyStopConfig[];
  readonly plannedMaintenance?: readonly WeeklyStopConfig[];
  /** One-off stops (a public holiday, a planned overhaul). */
  readonly plannedStops?: readonly PlannedStopConfig[];
}

export interface Interval {
  readonly start: number;
  readonly end: number;
}

export interface StopInterval extends Interval {
  readonly reason: string;
}

export interface ShiftInstance extends Interval {
  readonly name: string;
  /** Local date the shift starts on, `YYYY-MM-DD`. */
  readonly date: string;
  /** `${date}/${name}`: unique per instance. */
  readonly label: string;
  /** Planned stops inside the shift, clipped to it, sorted, not overlapping. */
  readonly stops: readonly StopInterval[];
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const MAX_INSTANCES = 100_000;

function bad(path: string, reason: string): Error {
  return TimeSeriesErrors.create('invalid_query', `shift calendar ${path}: ${reason}`, { field: `calendar.${path}`, reason });
}

function minutesOfDay(text: string, path: string): number {
  const m = HHMM.exec(text);
  if (!m) throw bad(path, `time of day must be HH:MM, got '${text}'`);
  return Number(m[1]) * 60 + Number(m[2]);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export class ShiftCalendar {
  readonly zone: TimeZone;
  private readonly shifts: Array<{ name: string; startMin: number; minutes: number; days: Set<number>; breaks: Array<{ offsetMin: number; minutes: number; reason: string }> }>;
  private readonly weekly: Array<{ weekday: number; startMin: number; minutes: number; reason: string }>;
  private readonly oneOff: StopInterval[];

  constructor(readonly config: ShiftCalendarConfig) {
    const zoneName = config.zone ?? (config.utcOffsetMinutes ? offsetName(config.utcOffsetMinutes) : 'UTC');
    this.zone = TimeZone.of(zoneName);
    if (!Array.isArray(config.shifts)) throw bad('shifts', 'must be a list');
    this.shifts = config.shifts.map((s, i) => {
      const startMin = minutesOfDay(s.start, `shifts[${i}].start`);
      if (!(s.hours > 0 && s.hours <= 24)) throw bad(`shifts[${i}].hours`, 'must be in (0, 24]');
      const minutes = Math.round(s.hours * 60);
      const dayNames: readonly string[] = s.days ?? WEEKDAYS;
      const days = new Set(dayNames.map((d, k) => {
        const n = (WEEKDAYS as readonly string[]).indexOf(d);
        if (n < 0) throw bad(`shifts[${i}].days[${k}]`, `unknown day '${d}' (use ${WEEKDAYS.join(', ')})`);
        return n + 1;
      }));
      const breakList: readonly BreakConfig[] = s.breaks ?? [];
      const breaks = breakList.map((b, k) => {
        const at = minutesOfDay(b.start, `shifts[${i}].breaks[${k}].start`);
        // A break clock time before the shift's start belongs to the next day (night shifts).
        const offsetMin = (at - startMin + 1440) % 1440;
        if (!(b.minutes > 0) || offsetMin + b.minutes > minutes) throw bad(`shifts[${i}].breaks[${k}]`, 'must lie inside the shift');
        return { offsetMin, minutes: b.minutes, reason: b.reason ?? 'break' };
      });
      return { name: s.name, startMin, minutes, days, breaks };
    });
    this.weekly = [...(config.weeklyStops ?? []), ...(config.plannedMaintenance ?? [])].map((w, i) => {
      const n = WEEKDAYS.indexOf(w.day);
      if (n < 0) throw bad(`weeklyStops[${i}].day`, `unknown day '${w.day}'`);
      if (!(w.hours > 0 && w.hours <= 168)) throw bad(`weeklyStops[${i}].hours`, 'must be in (0, 168]');
      return { weekday: n + 1, startMin: minutesOfDay(w.start, `weeklyStops[${i}].start`), minutes: Math.round(w.hours * 60), reason: w.reason ?? 'plannedMaintenance' };
    });
    this.oneOff = (config.plannedStops ?? []).map((p, i) => {
      const start = Date.parse(p.start);
      const end = Date.parse(p.end);
      if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) throw bad(`plannedStops[${i}]`, 'start and end must be RFC 3339 times with start < end');
      return { start, end, reason: p.reason ?? 'plannedStop' };
    });
  }

  /** Shift instances overlapping [from, to), in time order, not clipped to the window. */
  instances(from: number, to: number): ShiftInstance[] {
    const out: ShiftInstance[] = [];
    if (to <= from) return out;
    // A shift of up to 24 h that overlaps `from` started at most one local day before it.
    let date = addLocalDays(this.zone.fields(from), -1);
    const stopWindow = this.stopsBetween(from - 2 * 86_400_000, to + 2 * 86_400_000);
    for (let guard = 0; guard < MAX_INSTANCES + 2; guard++) {
      const dayStart = this.zone.toUtc({ ...date, hour: 0, minute: 0 });
      if (dayStart >= to) break;
      const weekday = this.zone.fields(dayStart + 12 * 3_600_000).weekday;
      const today: ShiftInstance[] = [];
      for (const s of this.shifts) {
        if (!s.days.has(weekday)) continue;
        const at = (offsetMin: number) => this.zone.toUtc({ ...date, hour: 0, minute: s.startMin + offsetMin });
        const start = at(0);
        const end = at(s.minutes);
        if (end <= from || start >= to) continue;
        const stops = [...s.breaks.map((b) => ({ start: at(b.offsetMin), end: at(b.offsetMin + b.minutes), reason: b.reason })), ...stopWindow];
        const name = s.name;
        const label = `${date.year}-${pad(date.month)}-${pad(date.day)}/${name}`;
        today.push({ name, start, end, date: label.slice(0, 10), label, stops: unionClipped(stops, start, end) });
      }
      out.push(...today.sort((a, b) => a.start - b.start));
      if (out.length > MAX_INSTANCES) throw TimeSeriesErrors.create('too_many_buckets', `more than ${MAX_INSTANCES} shifts in the window`, { buckets: out.length, limit: MAX_INSTANCES });
      date = addLocalDays(date, 1);
    }
    return out.sort((a, b) => a.start - b.start || a.end - b.end);
  }

  /** Recurring and one-off planned stops overlapping [from, to), as absolute intervals. */
  stopsBetween(from: number, to: number): StopInterval[] {
    const out: StopInterval[] = this.oneOff.filter((s) => s.end > from && s.start < to);
    if (this.weekly.length === 0) return out;
    let date = addLocalDays(this.zone.fields(from), -7);
    for (let guard = 0; guard < 20_000; guard++) {
      const dayStart = this.zone.toUtc({ ...date, hour: 0, minute: 0 });
      if (dayStart >= to) break;
      const weekday = this.zone.fields(dayStart + 12 * 3_600_000).weekday;
      for (const w of this.weekly) {
        if (w.weekday !== weekday) continue;
        const start = this.zone.toUtc({ ...date, hour: 0, minute: w.startMin });
        const end = this.zone.toUtc({ ...date, hour: 0, minute: w.startMin + w.minutes });
        if (end > from && start < to) out.push({ start, end, reason: w.reason });
      }
      date = addLocalDays(date, 1);
    }
    return out;
  }
}

/**
 * Stops clipped to [start, end), merged where they overlap so no time is counted twice. Where two
 * overlap, the earlier-starting stop's reason names the merged stretch.
 */
export function unionClipped(stops: readonly StopInterval[], start: number, end: number): StopInterval[] {
  const clipped = stops
    .map((s) => ({ start: Math.max(s.start, start), end: Math.min(s.end, end), reason: s.reason }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const out: StopInterval[] = [];
  for (const s of clipped) {
    const last = out[out.length - 1];
    if (last !== undefined && s.start <= last.end) {
      if (s.end > last.end) out[out.length - 1] = { ...last, end: s.end };
    } else out.push(s);
  }
  return out;
}

function offsetName(minutes: number): string {
  const a = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}
