/**
 * Part counters → counted parts per instant. Machines report either cumulative counters (they only
 * grow, except when reset: power cycle, `resetCounters`, PLC rollover) or increments (parts since
 * the previous message).
 *
 * Cumulative: the parts made between two readings are v_i − v_{i−1}; a drop (v_i < v_{i−1}) is a
 * reset to zero, after which the counter reached v_i, so v_i parts are counted. The first reading
 * is only a baseline unless the caller knows the counter started at zero. Equal source times
 * collapse to the reading that arrived last. Each delta is attributed to the time of the reading
 * that revealed it (see countIn for which window that is).
 */
import type { Sample } from '../../timeseries/index.js';

export type CounterMode = 'cumulative' | 'increment';

export interface CountEvent {
  readonly t: number;
  readonly n: number;
}

export function counterEvents(samples: readonly Sample[], mode: CounterMode, options: { startsAtZero?: boolean } = {}): CountEvent[] {
  const sorted = [...samples].sort((x, y) => x.t - y.t || (x.a ?? 0) - (y.a ?? 0));
  const collapsed: Sample[] = [];
  for (const s of sorted) {
    if (collapsed.length > 0 && (collapsed[collapsed.length - 1] as Sample).t === s.t) collapsed[collapsed.length - 1] = s;
    else collapsed.push(s);
  }
  const out: CountEvent[] = [];
  if (mode === 'increment') {
    // A negative increment is not a count: dropped rather than subtracting made parts.
    for (const s of collapsed) if (s.v > 0) out.push({ t: s.t, n: s.v });
    return out;
  }
  let prev: number | undefined = options.startsAtZero ? 0 : undefined;
  for (const s of collapsed) {
    if (prev !== undefined) {
      const n = s.v >= prev ? s.v - prev : s.v;
      if (n > 0) out.push({ t: s.t, n });
    }
    prev = s.v;
  }
  return out;
}

/**
 * Parts revealed by readings in (from, to]: a reading accounts for the parts made up to its time,
 * so one taken exactly at a shift change belongs to the shift that ends there. `within` (when
 * given) is asked about the instant just before the reading, for the same reason.
 */
export function countIn(events: readonly CountEvent[], from: number, to: number, within?: (t: number) => boolean): number {
  let n = 0;
  for (const e of events) if (e.t > from && e.t <= to && (within === undefined || within(e.t - 1))) n += e.n;
  return n;
}
