/**
 * Retention: points older than the warm window (default 30 days) move from the store to the
 * Parquet archive, one UTC day at a time. A day is archived once it lies wholly before
 * `now − warm`, truncated to UTC midnight. The job finds the days that still hold points with one
 * pooled daily aggregate over every catalogued numeric series (and the earliest text point per
 * text series), looking back at most `lookbackDays` (default 400) before the cutoff.
 */
import type { StorageAdapter } from '../storage/index.js';
import { DAY_MS, type ParquetArchive } from './archive.js';
import type { SeriesCatalogue } from './catalogue.js';

export interface RetentionOptions {
  readonly store: StorageAdapter;
  readonly archive: ParquetArchive;
  readonly catalogue: SeriesCatalogue;
  /** Default 30. */
  readonly warmDays?: number;
  readonly lookbackDays?: number;
  readonly clock?: () => number;
}

export interface RetentionRun {
  readonly cutoff: string;
  readonly days: Array<{ day: string; points: number; textPoints: number; recovered: number }>;
}

const CHUNK = 1000;

export class RetentionJob {
  private running: Promise<RetentionRun> | undefined;

  constructor(private readonly options: RetentionOptions) {}

  cutoff(now = (this.options.clock ?? Date.now)()): number {
    const warm = (this.options.warmDays ?? 30) * DAY_MS;
    return Math.floor((now - warm) / DAY_MS) * DAY_MS;
  }

  /** One pass; concurrent calls share it. */
  run(): Promise<RetentionRun> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<RetentionRun> {
    const { store, archive, catalogue } = this.options;
    const cutoff = this.cutoff();
    const from = cutoff - (this.options.lookbackDays ?? 400) * DAY_MS;
    const days = new Set<number>();
    const all = catalogue.all();
    const numeric = all.filter((s) => s.kind === 'number').map((s) => s.series);
    for (let i = 0; i < numeric.length; i += CHUNK) {
      const rows = await store.aggregatePoints({ series: numeric.slice(i, i + CHUNK), from: new Date(from), to: new Date(cutoff), buckets: { kind: 'fixed', widthMs: DAY_MS, originMs: 0 }, functions: [], groupBy: 'none' });
      for (const r of rows) days.add(r.bucketStart.getTime());
    }
    const text = all.filter((s) => s.kind === 'text').map((s) => s.series);
    for (let i = 0; i < text.length; i += CHUNK) {
      const first = await store.edgeTextPoints({ series: text.slice(i, i + CHUNK), at: new Date(from), side: 'after', lookbackMs: cutoff - from });
      for (const p of first) for (let d = Math.floor(p.time.getTime() / DAY_MS) * DAY_MS; d < cutoff; d += DAY_MS) days.add(d);
    }
    const out: RetentionRun['days'] = [];
    for (const d of [...days].sort((a, b) => a - b)) {
      const r = await archive.archiveDay(store, d);
      if (r.points + r.textPoints + r.recovered > 0) out.push({ day: new Date(d).toISOString().slice(0, 10), points: r.points, textPoints: r.textPoints, recovered: r.recovered });
    }
    return { cutoff: new Date(cutoff).toISOString(), days: out };
  }
}
