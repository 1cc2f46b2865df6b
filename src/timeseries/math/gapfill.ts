/**
 * Gap filling for bucketed results. A gap is a bucket field that is null (no points, or a stddev
 * of one point). Per field:
 * - 'none': buckets without any point are left out;
 * - 'null': every bucket is returned, gaps stay null;
 * - 'previous': a gap takes the last non-null value before it (LOCF); leading gaps stay null;
 * - 'linear': a gap between two non-null buckets is interpolated linearly on bucket start time;
 *   leading and trailing gaps stay null;
 * - { value }: gaps take a constant.
 * `count` is never a gap (an empty bucket counted 0 points).
 */
export type Fill = 'none' | 'null' | 'previous' | 'linear' | { readonly value: number };

export interface FillableRow {
  /** ms, or an RFC 3339 time. */
  readonly start: number | string;
  readonly count: number;
  readonly values: Record<string, number | null>;
}

const pos = (r: FillableRow) => (typeof r.start === 'string' ? Date.parse(r.start) : r.start);

export function fillGaps<R extends FillableRow>(rows: readonly R[], fill: Fill): R[] {
  if (fill === 'none') return rows.filter((r) => r.count > 0 || Object.values(r.values).some((v) => v !== null));
  if (fill === 'null') return [...rows];
  const out = rows.map((r) => ({ ...r, values: { ...r.values } }));
  const fields = new Set(rows.flatMap((r) => Object.keys(r.values)));
  for (const f of fields) {
    if (typeof fill === 'object') {
      for (const r of out) if (r.values[f] === null) r.values[f] = fill.value;
      continue;
    }
    let prev = -1;
    for (let i = 0; i < out.length; i++) {
      const r = out[i] as R;
      const v = rows[i]?.values[f] ?? null;
      if (v !== null) {
        if (fill === 'linear' && prev >= 0 && prev < i - 1) {
          const p = out[prev] as R;
          const v0 = p.values[f] as number;
          for (let k = prev + 1; k < i; k++) {
            const q = out[k] as R;
            q.values[f] = v0 + ((v - v0) * (pos(q) - pos(p))) / (pos(r) - pos(p));
          }
        }
        prev = i;
      } else if (fill === 'previous' && prev >= 0) {
        r.values[f] = (out[prev] as R).values[f] ?? null;
      }
    }
  }
  return out;
}
