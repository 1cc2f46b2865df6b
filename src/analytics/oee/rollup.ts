/**
 * OEE above the machine: lines by the bottleneck rule, and roll-ups of any set of units (machines
 * or lines) for areas, sites and twin-graph scopes.
 *
 * Line (documented choice, the "bottleneck" method of oee.com / Vorne for a connected line):
 * the line can produce no faster than its slowest machine, so
 *   - the bottleneck is the machine with the largest ideal cycle time (ties: the first in flow order);
 *   - PPT, Run Time and Availability are the bottleneck's;
 *   - Good Count = good parts leaving the last machine; Total Count = that + rejects at every machine;
 *   - Performance = bottleneck Ideal Cycle Time × Total Count / bottleneck Run Time;
 *   - Quality = Good Count / Total Count; OEE = A × P × Q = ICT_b × Good / PPT.
 *
 * Roll-up (areas, sites, scopes): time-weighted, never an average of percentages:
 *   A = ΣRun / ΣPPT, P = Σ(ICT·Total) / ΣRun, Q = Σ(ICT·Good) / Σ(ICT·Total), OEE = Σ(ICT·Good) / ΣPPT,
 * so A × P × Q = OEE exactly, a unit weighs by its planned time, and losses add up across units.
 */
import type { OeeResult, OeeTotals, SixLosses } from './machine.js';

export interface UnitResult {
  readonly id: string;
  readonly result: OeeResult;
}

export interface RollupResult extends OeeTotals {
  readonly from: string;
  readonly to: string;
  readonly availability: number | null;
  readonly performance: number | null;
  readonly quality: number | null;
  readonly oee: number | null;
  readonly losses: SixLosses;
  readonly failures: number;
  readonly mtbfSec: number | null;
  readonly mttrSec: number | null;
  readonly energyKwh: number | null;
  readonly energyPerGoodUnitKwh: number | null;
  /** Lines: the bottleneck machine's id. */
  readonly bottleneck?: string;
  readonly units: readonly string[];
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

function addLosses(list: readonly SixLosses[]): SixLosses {
  const sum = (k: keyof SixLosses) => list.reduce((n, l) => n + l[k], 0);
  return {
    unplannedStops: sum('unplannedStops'),
    plannedStops: sum('plannedStops'),
    smallStops: sum('smallStops'),
    slowCycles: sum('slowCycles'),
    productionRejects: sum('productionRejects'),
    startupRejects: sum('startupRejects'),
  };
}

/** `machines` in flow order (first to last). */
export function lineOee(machines: readonly UnitResult[]): RollupResult {
  const first = machines[0];
  if (first === undefined) throw new RangeError('a line needs at least one machine');
  let bottleneck = first;
  for (const m of machines) if ((m.result.idealCycleTimeSec ?? 0) > (bottleneck.result.idealCycleTimeSec ?? 0)) bottleneck = m;
  const b = bottleneck.result;
  const last = (machines[machines.length - 1] as UnitResult).result;
  const ict = b.idealCycleTimeSec ?? 0;
  const good = last.goodCount;
  const rejects = machines.reduce((n, m) => n + m.result.rejectCount, 0);
  const startup = machines.reduce((n, m) => n + m.result.startupRejectCount, 0);
  const total = good + rejects;
  const idealRun = ict * total;
  const productive = ict * good;
  const availability = ratio(b.runSec, b.plannedProductionSec);
  const performance = ratio(idealRun, b.runSec);
  const quality = ratio(good, total);
  const energy = sumNullable(machines.map((m) => m.result.energyKwh));
  const failures = machines.reduce((n, m) => n + m.result.failures, 0);
  const repair = machines.reduce((n, m) => n + (m.result.mttrSec ?? 0) * m.result.failures, 0);
  return {
    from: b.from,
    to: b.to,
    shiftSec: b.shiftSec,
    plannedStopSec: b.plannedStopSec,
    plannedProductionSec: b.plannedProductionSec,
    runSec: b.runSec,
    downtimeSec: b.downtimeSec,
    totalCount: total,
    goodCount: good,
    rejectCount: rejects,
    startupRejectCount: startup,
    idealRunSec: idealRun,
    productiveSec: productive,
    availability,
    performance,
    quality,
    oee: availability !== null && performance !== null && quality !== null ? availability * performance * quality : b.plannedProductionSec > 0 ? 0 : null,
    losses: {
      ...b.losses,
      slowCycles: b.runSec - b.losses.smallStops - idealRun,
      productionRejects: ict * (rejects - startup),
      startupRejects: ict * startup,
    },
    failures,
    mtbfSec: failures > 0 ? machines.reduce((n, m) => n + m.result.runSec, 0) / failures : null,
    mttrSec: failures > 0 ? repair / failures : null,
    energyKwh: energy,
    energyPerGoodUnitKwh: energy !== null && good > 0 ? energy / good : null,
    bottleneck: bottleneck.id,
    units: machines.map((m) => m.id),
  };
}

/** Time-weighted roll-up of machines and/or lines (see the file comment). */
export function rollup(units: ReadonlyArray<{ id: string; result: OeeTotals & Pick<RollupResult, 'from' | 'to' | 'losses' | 'failures' | 'mttrSec' | 'energyKwh'> }>): RollupResult {
  const first = units[0];
  if (first === undefined) throw new RangeError('a roll-up needs at least one unit');
  const sum = (k: keyof OeeTotals) => units.reduce((n, u) => n + u.result[k], 0);
  const ppt = sum('plannedProductionSec');
  const run = sum('runSec');
  const idealRun = sum('idealRunSec');
  const productive = sum('productiveSec');
  const good = sum('goodCount');
  const failures = units.reduce((n, u) => n + u.result.failures, 0);
  const repair = units.reduce((n, u) => n + (u.result.mttrSec ?? 0) * u.result.failures, 0);
  const energy = sumNullable(units.map((u) => u.result.energyKwh));
  return {
    from: first.result.from,
    to: first.result.to,
    shiftSec: sum('shiftSec'),
    plannedStopSec: sum('plannedStopSec'),
    plannedProductionSec: ppt,
    runSec: run,
    downtimeSec: sum('downtimeSec'),
    totalCount: sum('totalCount'),
    goodCount: good,
    rejectCount: sum('rejectCount'),
    startupRejectCount: sum('startupRejectCount'),
    idealRunSec: idealRun,
    productiveSec: productive,
    availability: ratio(run, ppt),
    performance: ratio(idealRun, run),
    quality: ratio(productive, idealRun),
    oee: ratio(productive, ppt),
    losses: addLosses(units.map((u) => u.result.losses)),
    failures,
    mtbfSec: failures > 0 ? run / failures : null,
    mttrSec: failures > 0 ? repair / failures : null,
    energyKwh: energy,
    energyPerGoodUnitKwh: energy !== null && good > 0 ? energy / good : null,
    units: units.map((u) => u.id),
  };
}

function sumNullable(values: ReadonlyArray<number | null>): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length > 0 ? known.reduce((a, b) => a + b, 0) : null;
}
