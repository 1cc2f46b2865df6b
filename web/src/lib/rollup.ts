/**
 * The plant's OEE per bucket from its lines' results, by the analytics roll-up (src/analytics/oee/rollup.ts):
 * time-weighted, OEE = Σ productive time ÷ Σ planned production time, never an average of
 * percentages. Used for the executive trend so the plant's buckets need no second pass over every
 * machine; a bucket counts only when every line has it.
 */
import type { Oee } from './normalise.js';

export function rollupTrend(lines: ReadonlyArray<readonly Oee[]>): Array<{ t: number; v: number }> {
  if (lines.length === 0) return [];
  const byStart = new Map<number, { productive: number; planned: number; n: number }>();
  for (const rows of lines) {
    for (const r of rows) {
      if (r.productiveSeconds === undefined) continue;
      const acc = byStart.get(r.from) ?? { productive: 0, planned: 0, n: 0 };
      acc.productive += r.productiveSeconds;
      acc.planned += r.plannedProductionSeconds;
      acc.n += 1;
      byStart.set(r.from, acc);
    }
  }
  return [...byStart]
    .filter(([, a]) => a.n === lines.length && a.planned > 0)
    .sort((a, b) => a[0] - b[0])
    .map(([t, a]) => ({ t, v: a.productive / a.planned }));
}
