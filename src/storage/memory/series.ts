/**
 * The memory adapter's time-series tables beyond append/read: the reference semantics of
 * port-series.ts, written plainly (sort, filter, loop) so the SQL adapters can be checked against it.
 */
import type { PointQuery, TimePoint } from '../port.js';
import type { AggregateQuery, AggregateRow, ArchiveCounts, ArchiveTarget, EdgeQuery, PointRange, TextPoint } from '../port-series.js';
import { checkPointQuery } from '../validate.js';
import { checkAggregateQuery, checkEdgeQuery, checkRange, checkTextPoints } from '../validate-series.js';

type Row = TimePoint | TextPoint;
const byTime = (a: Row, b: Row) => a.time.getTime() - b.time.getTime() || a.arrival.getTime() - b.arrival.getTime();
const copy = <R extends Row>(p: R): R => ({ ...p, time: new Date(p.time), arrival: new Date(p.arrival) });

export class MemorySeriesTables {
  readonly text: TextPoint[] = [];

  constructor(private readonly numeric: () => TimePoint[]) {}

  appendText(points: readonly TextPoint[]): void {
    checkTextPoints(points);
    for (const p of points) this.text.push(copy(p));
  }

  readText(query: PointQuery): TextPoint[] {
    const { series, from, to, limit } = checkPointQuery(query);
    return this.text.filter((p) => p.series === series && p.time >= from && p.time < to).sort(byTime).slice(0, limit).map(copy);
  }

  aggregate(query: AggregateQuery): AggregateRow[] {
    const q = checkAggregateQuery(query);
    const wanted = new Set(q.series);
    const groups = new Map<string, { series: string | null; start: number; points: TimePoint[] }>();
    for (const p of this.numeric()) {
      if (!wanted.has(p.series) || p.time < q.from || p.time >= q.to) continue;
      const start = bucketStart(q.buckets, p.time.getTime());
      if (start === undefined) continue;
      const series = q.pooled ? null : p.series;
      const key = `${series ?? ''}\u0000${start}`;
      let g = groups.get(key);
      if (g === undefined) groups.set(key, (g = { series, start, points: [] }));
      g.points.push(p);
    }
    const rows = [...groups.values()].sort((a, b) => (a.series ?? '').localeCompare(b.series ?? '') || a.start - b.start);
    return rows.map((g) => {
      const vals = g.points.map((p) => p.value);
      const n = vals.length;
      const sum = vals.reduce((a, b) => a + b, 0);
      const mean = sum / n;
      const row: Record<string, unknown> = { series: g.series, bucketStart: new Date(g.start), count: n };
      for (const f of q.functions) {
        if (f === 'sum') row.sum = sum;
        if (f === 'min') row.min = Math.min(...vals);
        if (f === 'max') row.max = Math.max(...vals);
        if (f === 'avg') row.avg = mean;
        if (f === 'stddev') row.stddev = n > 1 ? Math.sqrt(vals.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : null;
      }
      if (q.first) {
        const sorted = [...g.points].sort(byTime);
        const f = sorted[0] as TimePoint;
        const l = sorted[n - 1] as TimePoint;
        Object.assign(row, { first: f.value, last: l.value, firstTime: new Date(f.time), lastTime: new Date(l.time) });
      }
      if (q.percentiles.length > 0) {
        const s = [...vals].sort((a, b) => a - b);
        row.percentiles = q.percentiles.map((p) => {
          const h = (n - 1) * p;
          const lo = Math.floor(h);
          return lo + 1 >= n ? (s[lo] as number) : (s[lo] as number) + (h - lo) * ((s[lo + 1] as number) - (s[lo] as number));
        });
      }
      return row as unknown as AggregateRow;
    });
  }

  edge<R extends Row>(rows: readonly R[], query: EdgeQuery): R[] {
    const q = checkEdgeQuery(query);
    const out: R[] = [];
    for (const series of q.series) {
      const inWindow = rows.filter((p) => p.series === series && (q.before ? p.time < q.at && p.time >= q.bound : p.time >= q.at && p.time < q.bound)).sort(byTime);
      const pick = q.before ? inWindow[inWindow.length - 1] : inWindow[0];
      if (pick !== undefined) out.push(copy(pick));
    }
    return out.sort((a, b) => (a.series < b.series ? -1 : a.series > b.series ? 1 : 0));
  }

  /** Removes matching rows from `rows` in place; returns how many. */
  static remove<R extends Row>(rows: R[], range: PointRange): number {
    checkRange(range);
    const hit = (p: R) => p.time >= range.from && p.time < range.to && (range.arrivalAtMost === undefined || p.arrival <= range.arrivalAtMost);
    const keep = rows.filter((p) => !hit(p));
    const removed = rows.length - keep.length;
    rows.splice(0, rows.length, ...keep);
    return removed;
  }

  /** `lists`: the numeric lists per series; rows appended while the target works are kept. */
  static async archive(lists: readonly TimePoint[][], text: TextPoint[], range: { from: Date; to: Date }, target: ArchiveTarget): Promise<ArchiveCounts> {
    checkRange(range);
    const inRange = (p: Row) => p.time >= range.from && p.time < range.to;
    const moved = new Set<Row>([...lists.flatMap((l) => l.filter(inRange)), ...text.filter(inRange)]);
    const points = lists.flatMap((l) => l.filter((p) => moved.has(p))).map(copy);
    const textPoints = text.filter((p) => moved.has(p)).map(copy);
    async function* pages() {
      yield { points, textPoints };
    }
    await target.writePages(pages());
    const arrivals = [...points, ...textPoints].map((p) => p.arrival.getTime());
    const counts: ArchiveCounts = { points: points.length, textPoints: textPoints.length, maxArrival: arrivals.length > 0 ? new Date(Math.max(...arrivals)) : null };
    await target.finish(counts);
    for (const l of lists) l.splice(0, l.length, ...l.filter((p) => !moved.has(p)));
    text.splice(0, text.length, ...text.filter((p) => !moved.has(p)));
    return counts;
  }
}

/** The bucket holding t: its start, or undefined when t falls between listed buckets. */
export function bucketStart(b: AggregateQuery['buckets'], t: number): number | undefined {
  if (b.kind === 'fixed') return b.originMs + Math.floor((t - b.originMs) / b.widthMs) * b.widthMs;
  for (let i = 0; i < b.starts.length; i++) {
    const s = (b.starts[i] as Date).getTime();
    if (t >= s && t < (b.ends[i] as Date).getTime()) return s;
  }
  return undefined;
}
