/**
 * What happens around a machine's failures and the calendar: the failure itself (down until a
 * technician arrives, then corrective maintenance, then health restored), operator-requested
 * maintenance, the weekly preventive round, and the ground-truth labels for all of them.
 */
import type { CalendarStatus } from './calendar.js';
import { iso } from './labels.js';
import type { Machine } from './machine.js';
import { DEGRADATION_DEFAULTS, type FailureMode } from './machine-types.js';
import { round } from './numbers.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** Health reached zero: the machine goes down now; a technician comes in 15–60 minutes. */
export function startFailure(m: Machine, mode: FailureMode, t: number): void {
  const response = m.eventRng.uniform(15, 60) * MINUTE;
  const [lo, hi] = DEGRADATION_DEFAULTS[mode].repairHours;
  const repair = m.eventRng.uniform(lo, hi) * HOUR;
  m.failure = { mode, at: t, repairStart: t + response, repairEnd: t + response + repair, degradingSince: m.health.degradingSince[mode] };
  m.minorStopRemainingMs = 0;
  if (mode === 'toolWear' && m.inProcess) {
    // A broken tool ruins the part in the machine.
    m.inProcess = false;
    m.rejectCount++;
  }
  m.state = 'down';
  m.reason = mode;
}

/** Ends repairs and requested maintenance whose time is up, restoring health and writing labels. */
export function advanceMaintenance(m: Machine, now: number): void {
  const f = m.failure;
  if (f && now >= f.repairEnd) {
    m.health.restore(f.mode, now);
    m.failure = null;
    const detail: Record<string, unknown> = { responseMinutes: round((f.repairStart - f.at) / MINUTE, 1), repairHours: round((f.repairEnd - f.repairStart) / HOUR, 2) };
    if (f.degradingSince !== undefined) detail.degradingSince = iso(f.degradingSince);
    m.emit({ time: iso(f.at), end: iso(f.repairEnd), deviceId: m.id, kind: 'failure', mode: f.mode, detail });
    m.emit({ time: iso(f.repairStart), end: iso(f.repairEnd), deviceId: m.id, kind: 'maintenance', mode: 'corrective', detail: { failureMode: f.mode } });
  }
  const r = m.requestedMaintenance;
  if (r && now >= r.end) {
    const restored = m.health.modes.filter((mode) => m.health.wear(mode) > 0.3);
    for (const mode of restored) m.health.restore(mode, now);
    m.requestedMaintenance = null;
    m.emit({ time: iso(r.start), end: iso(r.end), deviceId: m.id, kind: 'maintenance', mode: 'requested', detail: { restored } });
  }
}

/** Emits planned-stop labels at calendar boundaries and applies the weekly preventive maintenance. */
export function trackCalendar(m: Machine, now: number, cal: CalendarStatus): void {
  const seg = m.calendarSegment;
  if (seg && seg.planned === cal.planned) return;
  if (seg) closeCalendarSegment(m, now);
  const actions: string[] = [];
  if (cal.planned === 'plannedMaintenance') {
    const h = m.health;
    if (h.modes.includes('toolWear')) {
      h.restore('toolWear', now);
      actions.push('toolChange');
    }
    if (h.modes.includes('overheating')) {
      h.improve('overheating', 0.3);
      actions.push('coolingService');
    }
    // An audible leak (over 30 % of the way to failure) is found and fixed on the round.
    if (h.modes.includes('pressureLeak') && h.wear('pressureLeak') > 0.3) {
      h.restore('pressureLeak', now);
      actions.push('leakRepair');
    }
    // Bearings are not inspected: finding them in time is the condition-monitoring job.
  }
  m.calendarSegment = { planned: cal.planned, start: now, actions };
}

function closeCalendarSegment(m: Machine, end: number | undefined): void {
  const seg = m.calendarSegment;
  if (!seg || seg.planned === 'production') return;
  const base = { time: iso(seg.start), ...(end !== undefined ? { end: iso(end) } : {}), deviceId: m.id };
  if (seg.planned === 'plannedMaintenance') m.emit({ ...base, kind: 'maintenance', mode: 'preventive', detail: { actions: seg.actions } });
  else m.emit({ ...base, kind: 'plannedStop', mode: seg.planned });
}

/** Writes labels of everything still open at the end of a run (without `end`). */
export function flushMachineLabels(m: Machine): void {
  closeCalendarSegment(m, undefined);
  m.calendarSegment = null;
  const f = m.failure;
  if (f) m.emit({ time: iso(f.at), deviceId: m.id, kind: 'failure', mode: f.mode, detail: f.degradingSince !== undefined ? { degradingSince: iso(f.degradingSince) } : {} });
  if (m.eStopSince !== null) m.emit({ time: iso(m.eStopSince), deviceId: m.id, kind: 'command', mode: 'emergencyStop' });
  m.overlay.flush();
}
