/**
 * Per-condition standardisation of sensors and removal of uninformative ones.
 * A sensor is dropped when, within every operating condition, it takes at most 2 distinct values
 * (README §1: FD001 then keeps the 14 sensors used throughout the literature: s2–4, 7–9, 11–15, 17, 20, 21).
 */
import { MlErrors } from '../core/index.js';
import { conditionOf, type ConditionModel } from './conditions.js';
import type { EngineHistory } from './types.js';

export interface SensorNormaliser {
  /** Indices (into the history's sensor rows) of the sensors kept. */
  readonly used: number[];
  /** mean[c][k], std[c][k] for condition c and kept sensor k. */
  readonly mean: number[][];
  readonly std: number[][];
}

export function fitNormaliser(histories: readonly EngineHistory[], conditions: ConditionModel): SensorNormaliser {
  const K = conditions.centers.length;
  const S = histories[0]?.sensors[0]?.length ?? 0;
  if (S === 0) throw MlErrors.create('too_few_samples', 'no sensor readings to normalise', {});
  const sum = Array.from({ length: K }, () => new Float64Array(S));
  const sq = Array.from({ length: K }, () => new Float64Array(S));
  const count = new Float64Array(K);
  const distinct = Array.from({ length: K }, () => Array.from({ length: S }, () => new Set<number>()));
  for (const h of histories) {
    h.sensors.forEach((row, t) => {
      if (row.length !== S) throw MlErrors.create('bad_data', `history ${h.id} cycle ${t + 1} has ${row.length} sensors, expected ${S}`, { id: h.id, cycle: t + 1 });
      const c = conditionOf(conditions, h.settings[t]!);
      count[c]!++;
      for (let j = 0; j < S; j++) {
        sum[c]![j]! += row[j]!;
        sq[c]![j]! += row[j]! * row[j]!;
        const d = distinct[c]![j]!;
        if (d.size < 3) d.add(row[j]!);
      }
    });
  }
  const used: number[] = [];
  for (let j = 0; j < S; j++) if (distinct.some((perCond) => perCond[j]!.size > 2)) used.push(j);
  const mean = sum.map((s, c) => used.map((j) => (count[c]! > 0 ? s[j]! / count[c]! : 0)));
  const std = sq.map((s, c) =>
    used.map((j, k) => {
      if (count[c]! === 0) return 1;
      const v = s[j]! / count[c]! - mean[c]![k]! ** 2;
      return v > 1e-18 ? Math.sqrt(v) : 1;
    }),
  );
  return { used, mean, std };
}

/** T×S row-major standardised values of the kept sensors for one history. */
export function standardiseHistory(h: EngineHistory, conditions: ConditionModel, norm: SensorNormaliser): Float64Array {
  const T = h.sensors.length, S = norm.used.length;
  const z = new Float64Array(T * S);
  for (let t = 0; t < T; t++) {
    const c = conditionOf(conditions, h.settings[t]!);
    const row = h.sensors[t]!;
    for (let k = 0; k < S; k++) z[t * S + k] = (row[norm.used[k]!]! - norm.mean[c]![k]!) / norm.std[c]![k]!;
  }
  return z;
}
