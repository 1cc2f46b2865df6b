/**
 * The OEE query layer: reads a machine's state, reason, counter and power series from the history
 * (store and archive), runs the pure engine (oee/machine.ts) and combines machines into lines
 * (bottleneck rule) and anything larger (time-weighted roll-up), over any window, and as a series
 * of buckets (hour, shift, day, week, or a fixed width).
 */
import { allBuckets, planBuckets, readNumbers, readTexts, type BucketSpec, type Sample, type ShiftCalendar, type TwinScope } from '../timeseries/index.js';
import type { StorageAdapter, TextPoint } from '../storage/index.js';
import type { ParquetArchive } from '../timeseries/index.js';
import { AnalyticsErrors } from './errors.js';
import type { CounterMode } from './oee/counters.js';
import { computeMachineOee, type MachineInputs, type OeeOptions, type OeeResult, type StateSample } from './oee/machine.js';
import { lineOee, rollup, type RollupResult } from './oee/rollup.js';
import type { PlantModel } from './plant.js';

/** Telemetry names of the inputs (the simulator's, docs/simulator.md). */
export interface OeeSignals {
  readonly state: string;
  readonly reason: string;
  readonly good: string;
  readonly reject: string;
  readonly power: string;
}

export const DEFAULT_SIGNALS: OeeSignals = { state: 'state', reason: 'stateReason', good: 'goodCount', reject: 'rejectCount', power: 'power' };

export interface OeeServiceOptions {
  readonly store: StorageAdapter;
  readonly archive?: ParquetArchive | undefined;
  readonly plant?: PlantModel | undefined;
  readonly scope?: TwinScope | undefined;
  readonly calendar?: ShiftCalendar | undefined;
  readonly signals?: Partial<OeeSignals>;
  readonly counterMode?: CounterMode;
  readonly smallStopSec?: number;
  readonly startupSec?: number;
  /** Ideal cycle times (s) for machines whose twin lacks the property. */
  readonly idealCycleTimes?: Readonly<Record<string, number>>;
  /** How far back the state and counter readings before a window are looked for; default 1 day. */
  readonly lookbackMs?: number;
}

export type OeeTarget = { readonly twin: string } | { readonly query: string } | { readonly twins: readonly string[] };

export type UnitResult = (OeeResult | RollupResult) & { readonly id: string; readonly kind: 'machine' | 'line' | 'group' | 'scope' };

export class OeeService {
  private readonly signals: OeeSignals;

  constructor(private readonly o: OeeServiceOptions) {
    this.signals = { ...DEFAULT_SIGNALS, ...o.signals };
  }

  private get engineOptions(): OeeOptions {
    return { calendar: this.o.calendar, smallStopSec: this.o.smallStopSec ?? 0, startupSec: this.o.startupSec ?? 0 };
  }

  /** OEE of a machine, line, area/site (by twin id) or any twin-graph scope over [from, to). */
  async compute(target: OeeTarget, from: number, to: number): Promise<UnitResult> {
    if (!(to > from)) throw AnalyticsErrors.create('invalid_request', 'from must be before to', { field: 'from', reason: 'from must be before to' });
    if ('twin' in target) return this.unit(target.twin, from, to);
    const ids = 'twins' in target ? [...target.twins] : await this.resolve(target.query);
    if (ids.length === 0) throw AnalyticsErrors.create('empty_scope', 'the scope holds no twin', { scope: 'query' in target ? target.query : ids });
    const units = [];
    for (const id of ids) units.push(await this.unit(id, from, to));
    return { ...rollup(units.map((u) => ({ id: u.id, result: u }))), id: 'scope', kind: 'scope' };
  }

  /** The same per bucket (hour, shift, day, …). Buckets are clipped to the window. */
  async series(target: OeeTarget, from: number, to: number, bucket: BucketSpec): Promise<UnitResult[]> {
    const out: UnitResult[] = [];
    for (const b of allBuckets(planBuckets(bucket, from, to, 10_000))) out.push(await this.compute(target, Math.max(b.start, from), Math.min(b.end, to)));
    return out;
  }

  private async resolve(query: string): Promise<string[]> {
    if (!this.o.scope) throw AnalyticsErrors.create('graph_unavailable', 'OEE over a twin-graph query needs the twin graph', { reason: 'no TwinScope' });
    return this.o.scope.resolve(query);
  }

  private async unit(id: string, from: number, to: number, depth = 0): Promise<UnitResult> {
    const kind = this.o.plant?.kind(id) ?? 'machine';
    if (kind === 'machine') return { ...(await this.machine(id, from, to)), id, kind };
    const plant = this.o.plant as PlantModel;
    if (kind === 'line') {
      const machines = plant.lineMachines(id);
      if (machines.length === 0) throw AnalyticsErrors.create('empty_scope', `line ${id} contains no machine`, { scope: id });
      const results = [];
      for (const m of machines) results.push({ id: m, result: await this.machine(m, from, to) });
      return { ...lineOee(results), id, kind };
    }
    if (depth > 10) throw AnalyticsErrors.create('invalid_request', `the contains hierarchy under ${id} is deeper than 10 levels`, { field: 'twin', reason: 'too deep' });
    const children = plant.children(id).filter((c) => plant.kind(c) !== undefined);
    if (children.length === 0) throw AnalyticsErrors.create('empty_scope', `${id} contains no machine or line`, { scope: id });
    const parts = [];
    for (const c of children) parts.push(await this.unit(c, from, to, depth + 1));
    return { ...rollup(parts.map((u) => ({ id: u.id, result: u }))), id, kind };
  }

  /** One machine: its inputs from the history, then the engine. */
  async machine(id: string, from: number, to: number): Promise<OeeResult> {
    return computeMachineOee(await this.inputs(id, from, to), from, to, this.engineOptions);
  }

  async inputs(id: string, from: number, to: number): Promise<MachineInputs> {
    const ict = this.o.plant?.idealCycleTimeSec(id) ?? this.o.idealCycleTimes?.[id];
    if (ict === undefined) throw AnalyticsErrors.create('missing_ideal_cycle_time', `machine ${id} has no idealCycleTime`, { twinId: id, property: 'idealCycleTime' });
    const s = this.signals;
    const states = await this.texts(`${id}/${s.state}`, from, to);
    const reasons = await this.texts(`${id}/${s.reason}`, from, to);
    return {
      states: withReasons(states, reasons),
      // Counter readings at exactly `to` still count for the window (counters.ts: a reading covers the time before it).
      good: await this.numbers(`${id}/${s.good}`, from, to + 1),
      reject: await this.numbers(`${id}/${s.reject}`, from, to + 1),
      power: await this.numbers(`${id}/${s.power}`, from, to),
      counterMode: this.o.counterMode ?? 'cumulative',
      idealCycleTimeSec: ict,
    };
  }

  /** Readings in the window plus the last one before it (the state the window starts in, the counter baseline). */
  private async numbers(series: string, from: number, to: number): Promise<Sample[]> {
    const lookbackMs = this.o.lookbackMs ?? 86_400_000;
    const [before] = await this.o.store.edgePoints({ series: [series], at: new Date(from), side: 'before', lookbackMs });
    const inside = await readNumbers(this.o.store, this.o.archive, series, from, to);
    return [...(before ? [before] : []), ...inside].map((p) => ({ t: p.time.getTime(), v: p.value, a: p.arrival.getTime() }));
  }

  private async texts(series: string, from: number, to: number): Promise<TextPoint[]> {
    const lookbackMs = this.o.lookbackMs ?? 86_400_000;
    const [before] = await this.o.store.edgeTextPoints({ series: [series], at: new Date(from), side: 'before', lookbackMs });
    return [...(before ? [before] : []), ...(await readTexts(this.o.store, this.o.archive, series, from, to))];
  }
}

/** Each state reading gets the reason last reported at or before it (the same message carries both). */
function withReasons(states: readonly TextPoint[], reasons: readonly TextPoint[]): StateSample[] {
  let k = -1;
  return states.map((s) => {
    while (k + 1 < reasons.length && (reasons[k + 1] as TextPoint).time <= s.time) k++;
    const r = k >= 0 ? (reasons[k] as TextPoint) : undefined;
    // A reason from an earlier stop must not label a later one: only the same instant counts.
    const reason = r !== undefined && r.time.getTime() === s.time.getTime() ? r.text : undefined;
    return { t: s.time.getTime(), state: s.text, reason };
  });
}

