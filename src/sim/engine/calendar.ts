/**
 * The shift calendar: which minutes of the week are production time, breaks, planned maintenance
 * or outside any shift. Times of day are local to a fixed UTC offset (UTC by default), so there is
 * no daylight-saving jump; a plant in a DST zone sets the offset it wants to model.
 *
 * The week is precomputed into a 10,080-entry table (one entry per minute, Monday 00:00 first),
 * so a lookup is O(1) and calendar boundaries fall on whole minutes.
 */
import { SimErrors } from '../errors.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface BreakConfig {
  /** Local time of day `HH:MM`; for a shift across midnight it may be after midnight. */
  readonly start: string;
  readonly minutes: number;
}

export interface ShiftConfig {
  readonly name: string;
  /** Local time of day `HH:MM` at which the shift starts. */
  readonly start: string;
  readonly hours: number;
  /** Days on which the shift starts (a night shift belongs to the day it starts). Default: all. */
  readonly days?: readonly Weekday[];
  readonly breaks?: readonly BreakConfig[];
}

export interface MaintenanceWindowConfig {
  readonly day: Weekday;
  readonly start: string;
  readonly hours: number;
}

export interface CalendarConfig {
  /** Fixed offset of local time from UTC, minutes (no DST). Default 0. */
  readonly utcOffsetMinutes?: number;
  readonly shifts: readonly ShiftConfig[];
  readonly plannedMaintenance?: readonly MaintenanceWindowConfig[];
}

export type PlannedStatus = 'production' | 'break' | 'plannedMaintenance' | 'noShift';

export interface CalendarStatus {
  readonly planned: PlannedStatus;
  /** Name of the shift covering this minute, or null outside every shift. */
  readonly shift: string | null;
}

export interface CalendarSegment extends CalendarStatus {
  readonly start: number;
  readonly end: number;
}

/** Default: three 8-hour shifts from 06:00 UTC, a 15-minute and a 30-minute break each, and a
 * weekly planned-maintenance window on Sunday morning (06:00–14:00). */
export const DEFAULT_CALENDAR: CalendarConfig = {
  utcOffsetMinutes: 0,
  shifts: [
    { name: 'A', start: '06:00', hours: 8, breaks: [{ start: '08:00', minutes: 15 }, { start: '11:00', minutes: 30 }] },
    { name: 'B', start: '14:00', hours: 8, breaks: [{ start: '16:00', minutes: 15 }, { start: '19:00', minutes: 30 }] },
    { name: 'C', start: '22:00', hours: 8, breaks: [{ start: '00:00', minutes: 15 }, { start: '03:00', minutes: 30 }] },
  ],
  plannedMaintenance: [{ day: 'sun', start: '06:00', hours: 8 }],
};

const MINUTES_PER_WEEK = 7 * 24 * 60;
const MINUTE_MS = 60_000;
const CODES: readonly PlannedStatus[] = ['noShift', 'production', 'break', 'plannedMaintenance'];

function parseTimeOfDay(text: string, where: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!m) throw SimErrors.create('invalid_plant', `${where}: time of day must be HH:MM, got '${text}'`, { path: where, value: text });
  return Number(m[1]) * 60 + Number(m[2]);
}

export class ShiftCalendar {
  private readonly status = new Uint8Array(MINUTES_PER_WEEK);
  private readonly shiftIndex = new Int16Array(MINUTES_PER_WEEK).fill(-1);
  private readonly shiftNames: string[];
  /** statusObjects[code][shiftIndex + 1] */
  private readonly statusObjects: CalendarStatus[][];
  private readonly offsetMs: number;

  constructor(readonly config: CalendarConfig = DEFAULT_CALENDAR) {
    this.offsetMs = (config.utcOffsetMinutes ?? 0) * MINUTE_MS;
    this.shiftNames = config.shifts.map((s) => s.name);
    config.shifts.forEach((shift, index) => this.paintShift(shift, index));
    (config.plannedMaintenance ?? []).forEach((w, i) => {
      const start = WEEKDAYS.indexOf(w.day) * 1440 + parseTimeOfDay(w.start, `calendar.plannedMaintenance[${i}].start`);
      this.paint(start, Math.round(w.hours * 60), 3);
    });
    this.statusObjects = CODES.map((planned) =>
      [null, ...this.shiftNames].map((shift) => Object.freeze({ planned, shift })));
  }

  private paintShift(shift: ShiftConfig, index: number): void {
    const where = `calendar.shifts[${index}]`;
    const start = parseTimeOfDay(shift.start, `${where}.start`);
    const length = Math.round(shift.hours * 60);
    if (!(length > 0 && length <= 24 * 60)) {
      throw SimErrors.create('invalid_plant', `${where}.hours must be in (0, 24]`, { path: `${where}.hours`, value: shift.hours });
    }
    for (const day of shift.days ?? WEEKDAYS) {
      const dayStart = WEEKDAYS.indexOf(day) * 1440;
      this.paint(dayStart + start, length, 1, index);
      (shift.breaks ?? []).forEach((b, bi) => {
        const offset = (parseTimeOfDay(b.start, `${where}.breaks[${bi}].start`) - start + 1440) % 1440;
        if (offset + b.minutes > length) {
          throw SimErrors.create('invalid_plant', `${where}.breaks[${bi}] does not lie inside the shift`, { path: `${where}.breaks[${bi}]` });
        }
        this.paint(dayStart + start + offset, b.minutes, 2, index);
      });
    }
  }

  /** Paints `length` minutes from `from` (wrapping around the week); higher codes win. */
  private paint(from: number, length: number, code: number, shift?: number): void {
    for (let i = 0; i < length; i++) {
      const m = (from + i) % MINUTES_PER_WEEK;
      if (code >= this.status[m]!) this.status[m] = code;
      if (shift !== undefined && code === 1) this.shiftIndex[m] = shift;
    }
  }

  private minuteOfWeek(ms: number): number {
    const local = ms + this.offsetMs;
    const minutes = Math.floor(local / MINUTE_MS);
    // 1970-01-01 was a Thursday: Monday-based weekday 3, so shift by 3 days.
    return (((minutes + 3 * 1440) % MINUTES_PER_WEEK) + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
  }

  /** The status at `ms`; returns shared frozen objects (no allocation per call). */
  at(ms: number): CalendarStatus {
    const m = this.minuteOfWeek(ms);
    return this.statusObjects[this.status[m]!]![this.shiftIndex[m]! + 1]!;
  }

  isProduction(ms: number): boolean {
    return this.status[this.minuteOfWeek(ms)] === 1;
  }

  /** The first instant after `ms` at which the status or the shift changes (bounded: one week). */
  nextChange(ms: number): number {
    const m0 = this.minuteOfWeek(ms);
    const base = Math.floor((ms + this.offsetMs) / MINUTE_MS) * MINUTE_MS - this.offsetMs;
    for (let i = 1; i <= MINUTES_PER_WEEK; i++) {
      const m = (m0 + i) % MINUTES_PER_WEEK;
      if (this.status[m] !== this.status[m0] || this.shiftIndex[m] !== this.shiftIndex[m0]) return base + i * MINUTE_MS;
    }
    return Number.POSITIVE_INFINITY; // the same status all week long
  }

  /** Consecutive segments covering [from, to). */
  segments(from: number, to: number): CalendarSegment[] {
    const out: CalendarSegment[] = [];
    let t = from;
    while (t < to) {
      const end = Math.min(this.nextChange(t), to);
      out.push({ ...this.at(t), start: t, end });
      t = end;
    }
    return out;
  }

  /** Production milliseconds in [from, to). */
  plannedProductionMs(from: number, to: number): number {
    return this.segments(from, to).reduce((sum, s) => sum + (s.planned === 'production' ? s.end - s.start : 0), 0);
  }
}
