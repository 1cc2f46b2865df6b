/**
 * OEE of one machine over one window, by the standard definition (Nakajima; oee.com "OEE
 * Calculation", the form the issue states):
 *
 *   Planned Production Time (PPT) = shift time − planned stops
 *   Availability = Run Time / PPT
 *   Performance  = (Ideal Cycle Time × Total Count) / Run Time
 *   Quality      = Good Count / Total Count
 *   OEE          = Availability × Performance × Quality  (= Ideal Cycle Time × Good Count / PPT)
 *
 * Inputs: the machine's state signal (running | idle | starved | blocked | setup | plannedStop |
 * down | maintenance), its good and reject counters, and its ideal cycle time. Shift time comes
 * from the shift calendar (the whole window when there is none); planned stops are the calendar's
 * breaks and scheduled stops plus any time the machine itself reports `plannedStop`.
 *
 * Losses are reported in time, so they add up: the six losses sum to PPT − fully productive time.
 */
import type { Sample, ShiftCalendar } from '../../timeseries/index.js';
import { Signal } from '../../timeseries/index.js';
import { counterEvents, countIn, type CounterMode } from './counters.js';
import { contains, intersect, normalise, overlapLength, subtract, totalLength, type Span } from './intervals.js';

export interface StateSample {
  readonly t: number;
  readonly state: string;
  /** Why the machine is not running (stateReason telemetry), when known. */
  readonly reason?: string | undefined;
}

export interface MachineInputs {
  /** State readings, including the last one before the window (it says what state the window starts in). */
  readonly states: readonly StateSample[];
  /** Counter readings, including the last one before the window (the baseline). */
  readonly good: readonly Sample[];
  readonly reject: readonly Sample[];
  readonly counterMode?: CounterMode;
  /** Seconds per part at rated speed. */
  readonly idealCycleTimeSec: number;
  /** kW readings for energy; optional. */
  readonly power?: readonly Sample[];
}

export interface OeeOptions {
  /** Stops shorter than this count as small stops (a Performance loss) instead of downtime. Default 0: every stop is downtime. */
  readonly smallStopSec?: number;
  /** Rejects within this long after a restart (from setup, down, maintenance, plannedStop) are startup rejects. Default 0. */
  readonly startupSec?: number;
  readonly calendar?: ShiftCalendar | undefined;
}

export interface SixLosses {
  /** Availability: breakdowns, unplanned maintenance, starved/blocked/idle, no data (s). */
  readonly unplannedStops: number;
  /** Availability: setup and changeover (s). */
  readonly plannedStops: number;
  /** Performance: stops shorter than smallStopSec (s). */
  readonly smallStops: number;
  /** Performance: running slower than the ideal cycle time (s; negative means faster than ideal). */
  readonly slowCycles: number;
  /** Quality: ideal time spent on rejects outside the startup window (s). */
  readonly productionRejects: number;
  /** Quality: ideal time spent on rejects in the startup window (s). */
  readonly startupRejects: number;
}

export interface DowntimeEntry {
  readonly state: string;
  readonly reason: string;
  readonly seconds: number;
  /** Stops of this state and reason that started inside the window. */
  readonly occurrences: number;
}

export interface OeeTotals {
  readonly shiftSec: number;
  readonly plannedStopSec: number;
  readonly plannedProductionSec: number;
  readonly runSec: number;
  readonly downtimeSec: number;
  readonly totalCount: number;
  readonly goodCount: number;
  readonly rejectCount: number;
  /** Rejects in the startup window after a restart (part of rejectCount). */
  readonly startupRejectCount: number;
  /** Ideal Cycle Time × Total Count (s). */
  readonly idealRunSec: number;
  /** Ideal Cycle Time × Good Count (s): the fully productive time. */
  readonly productiveSec: number;
}

export interface OeeResult extends OeeTotals {
  readonly from: string;
  readonly to: string;
  readonly idealCycleTimeSec: number | null;
  readonly availability: number | null;
  readonly performance: number | null;
  readonly quality: number | null;
  readonly oee: number | null;
  readonly losses: SixLosses;
  readonly downtimeByReason: readonly DowntimeEntry[];
  /** Failures: `down` stops that started in the window. */
  readonly failures: number;
  /** Mean time between failures = run time / failures (s). */
  readonly mtbfSec: number | null;
  /** Mean time to repair = time in `down` / failures (s). */
  readonly mttrSec: number | null;
  readonly energyKwh: number | null;
  readonly energyPerGoodUnitKwh: number | null;
}

const RUNNING = 'running';
const PLANNED_STOP = 'plannedStop';
const SETUP = 'setup';
const RESTART_FROM = new Set(['setup', 'down', 'maintenance', 'plannedStop']);

interface StateSpan extends Span {
  readonly state: string;
  readonly reason: string;
  /** When the stretch began, before clipping to the window (−∞ for the unknown start). */
  readonly began: number;
}

/** The state timeline clipped to [from, to); before the first reading the state is `noData`. */
export function stateSpans(states: readonly StateSample[], from: number, to: number): StateSpan[] {
  const sorted = [...states].sort((a, b) => a.t - b.t);
  const out: StateSpan[] = [];
  let cur: StateSpan = { start: from, end: from, state: 'noData', reason: 'noData', began: -Infinity };
  for (const s of sorted) {
    const t = Math.min(Math.max(s.t, from), to);
    if (t > cur.start) out.push({ ...cur, end: t });
    cur = { start: t, end: t, state: s.state, reason: s.reason ?? s.state, began: s.t };
    if (s.t >= to) break;
  }
  if (to > cur.start) out.push({ ...cur, end: to });
  // Adjacent spans with the same state and reason are one stretch.
  const merged: StateSpan[] = [];
  for (const s of out) {
    const last = merged[merged.length - 1];
    if (last !== undefined && last.state === s.state && last.reason === s.reason && last.end === s.start) merged[merged.length - 1] = { ...last, end: s.end };
    else if (s.end > s.start) merged.push(s);
  }
  return merged;
}

export function computeMachineOee(inputs: MachineInputs, from: number, to: number, options: OeeOptions = {}): OeeResult {
  const smallStopMs = (options.smallStopSec ?? 0) * 1000;
  const startupMs = (options.startupSec ?? 0) * 1000;
  const ict = inputs.idealCycleTimeSec;
  const instances = options.calendar?.instances(from, to) ?? [];
  const shift = options.calendar ? normalise(instances.map((s) => ({ start: Math.max(s.start, from), end: Math.min(s.end, to) }))) : [{ start: from, end: to }];
  const calendarStops = intersect(normalise(instances.flatMap((s) => s.stops)), shift);
  const spans = stateSpans(inputs.states, from, to);
  const reportedStops = normalise(spans.filter((s) => s.state === PLANNED_STOP));
  const planned = subtract(subtract(shift, calendarStops), reportedStops);
  const ppt = totalLength(planned);

  // Stops: maximal stretches of non-running states (a down followed by maintenance is one stop).
  const stops = groupStops(spans);
  let run = 0;
  let smallStops = 0;
  let unplanned = 0;
  let setup = 0;
  const byReason = new Map<string, { state: string; reason: string; ms: number; occurrences: number }>();
  for (const s of spans) {
    if (s.state === PLANNED_STOP) continue;
    const inPlan = overlapLength(s, planned);
    if (s.state === RUNNING) {
      run += inPlan;
      continue;
    }
    const stop = stops.find((g) => g.start <= s.start && s.end <= g.end) as Span;
    if (stop.end - stop.start < smallStopMs) {
      smallStops += inPlan;
      continue;
    }
    if (s.state === SETUP) setup += inPlan;
    else unplanned += inPlan;
    const began = s.began >= from;
    if (inPlan > 0 || began) {
      const key = `${s.state}\u0000${s.reason}`;
      const entry = byReason.get(key) ?? { state: s.state, reason: s.reason, ms: 0, occurrences: 0 };
      entry.ms += inPlan;
      if (began) entry.occurrences += 1;
      byReason.set(key, entry);
    }
  }
  // Small stops are part of the run time: the machine was "running" as far as Availability goes.
  const runTime = run + smallStops;

  const inShift = (t: number) => contains(shift, t);
  const mode = inputs.counterMode ?? 'cumulative';
  const goodEvents = counterEvents(inputs.good, mode);
  const rejectEvents = counterEvents(inputs.reject, mode);
  const good = countIn(goodEvents, from, to, inShift);
  const rejects = countIn(rejectEvents, from, to, inShift);
  const restarts = restartWindows(spans, startupMs);
  const startupRejects = countIn(rejectEvents, from, to, (t) => inShift(t) && contains(restarts, t));
  const total = good + rejects;

  const idealRunMs = ict * 1000 * total;
  const productiveMs = ict * 1000 * good;
  const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
  const availability = ratio(runTime, ppt);
  const performance = ratio(idealRunMs, runTime);
  const quality = ratio(good, total);
  const oee = availability !== null && performance !== null && quality !== null ? availability * performance * quality : ppt > 0 ? 0 : null;

  const down = spans.filter((s) => s.state === 'down');
  const failures = down.filter((s) => s.began >= from).length;
  const downMs = totalLength(down);
  const energy = inputs.power && inputs.power.length > 0 ? energyKwh(inputs.power, from, to) : null;

  const sec = (ms: number) => ms / 1000;
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    shiftSec: sec(totalLength(shift)),
    plannedStopSec: sec(totalLength(shift) - ppt),
    plannedProductionSec: sec(ppt),
    runSec: sec(runTime),
    downtimeSec: sec(ppt - runTime),
    totalCount: total,
    goodCount: good,
    rejectCount: rejects,
    startupRejectCount: startupRejects,
    idealRunSec: sec(idealRunMs),
    productiveSec: sec(productiveMs),
    idealCycleTimeSec: ict,
    availability,
    performance,
    quality,
    oee,
    losses: {
      unplannedStops: sec(unplanned),
      plannedStops: sec(setup),
      smallStops: sec(smallStops),
      slowCycles: sec(runTime - smallStops - idealRunMs),
      productionRejects: ict * (rejects - startupRejects),
      startupRejects: ict * startupRejects,
    },
    downtimeByReason: [...byReason.values()].map((e) => ({ state: e.state, reason: e.reason, seconds: sec(e.ms), occurrences: e.occurrences })).sort((a, b) => b.seconds - a.seconds || a.reason.localeCompare(b.reason)),
    failures,
    mtbfSec: failures > 0 ? sec(runTime) / failures : null,
    mttrSec: failures > 0 ? sec(downMs) / failures : null,
    energyKwh: energy,
    energyPerGoodUnitKwh: energy !== null && good > 0 ? energy / good : null,
  };
}

function groupStops(spans: readonly StateSpan[]): Span[] {
  const out: Span[] = [];
  for (const s of spans) {
    if (s.state === RUNNING || s.state === PLANNED_STOP) continue;
    const last = out[out.length - 1];
    if (last !== undefined && last.end === s.start) out[out.length - 1] = { start: last.start, end: s.end };
    else out.push({ start: s.start, end: s.end });
  }
  return out;
}

/** The first `ms` of every running stretch that follows a setup, down, maintenance or plannedStop. */
function restartWindows(spans: readonly StateSpan[], ms: number): Span[] {
  if (ms <= 0) return [];
  const out: Span[] = [];
  for (let i = 1; i < spans.length; i++) {
    const s = spans[i] as StateSpan;
    const prev = spans[i - 1] as StateSpan;
    if (s.state === RUNNING && RESTART_FROM.has(prev.state)) out.push({ start: s.start, end: Math.min(s.end, s.start + ms) });
  }
  return normalise(out);
}

/** ∫ power dt with the last reading held (kW·h). Readings before the window carry in. */
function energyKwh(power: readonly Sample[], from: number, to: number): number {
  const { integral } = new Signal(power, to, { interpolation: 'step' }).integrate(from, to);
  return integral / 3_600_000;
}
