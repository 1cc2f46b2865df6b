/**
 * The Parquet archive: points older than the warm window, one directory per UTC day,
 *
 *   <dir>/day=2024-03-04/points-0001.parquet        (series, time, arrival, value)
 *   <dir>/day=2024-03-04/text_points-0001.parquet   (series, time, arrival, text)
 *   <dir>/day=2024-03-04/manifest.json              parts with row counts and their latest arrival
 *
 * ZSTD-compressed, sorted by series then time, read back with DuckDB's `read_parquet` (an embedded
 * in-memory instance), so archived days stay queryable through the same API. A day gets a new
 * part each time late points for it are archived.
 *
 * Crash safety: a part is renamed into place and listed in the manifest before the store deletes
 * its rows (ArchiveTarget.finish). If the process dies in between, the rows are in both places;
 * the next archive of that day first deletes the store rows the manifest covers (same time range,
 * arrival ≤ the part's latest arrival), so nothing is counted twice for long.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOUBLE, DuckDBDataChunk, DuckDBInstance, DuckDBTimestampTZValue, TIMESTAMPTZ, VARCHAR, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { ArchiveCounts, ArchivePage, ArchiveTarget, StorageAdapter, TextPoint, TimePoint } from '../storage/index.js';
import { TimeSeriesErrors } from './errors.js';

export const DAY_MS = 86_400_000;

export interface ArchivePart {
  readonly file: string;
  readonly textFile?: string;
  readonly points: number;
  readonly textPoints: number;
  readonly maxArrival: string | null;
  readonly archivedAt: string;
}

interface Manifest {
  readonly day: string;
  readonly parts: ArchivePart[];
}

const dayName = (start: number) => new Date(start).toISOString().slice(0, 10);
const tz = (d: Date) => new DuckDBTimestampTZValue(BigInt(d.getTime()) * 1000n);
const fromTz = (v: DuckDBValue) => new Date(Number((v as DuckDBTimestampTZValue).micros / 1000n));
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

function failed(path: string, err: unknown): Error {
  const reason = err instanceof Error ? err.message : String(err);
  return TimeSeriesErrors.create('archive_failed', `archive ${path}: ${reason}`, { path, reason }, err);
}

export class ParquetArchive {
  private reader: { instance: DuckDBInstance; conn: DuckDBConnection } | undefined;

  constructor(readonly dir: string) {}

  private dayDir(start: number): string {
    return join(this.dir, `day=${dayName(start)}`);
  }

  private manifest(start: number): Manifest {
    const file = join(this.dayDir(start), 'manifest.json');
    if (!existsSync(file)) return { day: dayName(start), parts: [] };
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  }

  private writeManifest(start: number, m: Manifest): void {
    const file = join(this.dayDir(start), 'manifest.json');
    writeFileSync(`${file}.tmp`, JSON.stringify(m, null, 2));
    renameSync(`${file}.tmp`, file);
  }

  /** Start times (UTC midnight, ms) of the days that have at least one part. */
  days(): number[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .map((n) => /^day=(\d{4}-\d{2}-\d{2})$/.exec(n)?.[1])
      .filter((d): d is string => d !== undefined)
      .map((d) => Date.parse(`${d}T00:00:00Z`))
      .filter((d) => this.manifest(d).parts.length > 0)
      .sort((a, b) => a - b);
  }

  /** True when any archived day overlaps [from, to). */
  overlaps(from: number, to: number): boolean {
    return this.days().some((d) => d < to && d + DAY_MS > from);
  }

  /** Moves one UTC day out of the store into a new part (after cleaning up an interrupted earlier run). */
  async archiveDay(store: StorageAdapter, dayStart: number): Promise<ArchiveCounts & { recovered: number }> {
    const dir = this.dayDir(dayStart);
    mkdirSync(dir, { recursive: true });
    const range = { from: new Date(dayStart), to: new Date(dayStart + DAY_MS) };
    let recovered = 0;
    for (const part of this.manifest(dayStart).parts) {
      if (part.maxArrival === null) continue;
      const r = await store.deletePoints({ ...range, arrivalAtMost: new Date(part.maxArrival) });
      recovered += r.points + r.textPoints;
    }
    const n = this.manifest(dayStart).parts.length + 1;
    const name = (kind: string) => join(dir, `${kind}-${String(n).padStart(4, '0')}.parquet`);
    const target = new DayTarget(name('points'), name('text_points'), dir, (counts) => {
      const parts = [...this.manifest(dayStart).parts];
      parts.push({
        file: name('points'),
        ...(counts.textPoints > 0 ? { textFile: name('text_points') } : {}),
        points: counts.points,
        textPoints: counts.textPoints,
        maxArrival: counts.maxArrival?.toISOString() ?? null,
        archivedAt: new Date().toISOString(),
      });
      this.writeManifest(dayStart, { day: dayName(dayStart), parts });
    });
    try {
      return { ...(await store.archivePoints(range, target)), recovered };
    } catch (err) {
      target.cleanup();
      if ((err as { code?: string }).code?.startsWith('storage.')) throw err;
      throw failed(dir, err);
    }
  }

  /** Archived points of `series` with from <= time < to, ordered by series, time, arrival. */
  async readPoints(series: readonly string[], from: number, to: number): Promise<TimePoint[]> {
    const rows = await this.read('points', 'value', series, from, to);
    return rows.map((r) => ({ series: r[0] as string, time: fromTz(r[1] as DuckDBValue), arrival: fromTz(r[2] as DuckDBValue), value: r[3] as number }));
  }

  async readTextPoints(series: readonly string[], from: number, to: number): Promise<TextPoint[]> {
    const rows = await this.read('text_points', 'text', series, from, to);
    return rows.map((r) => ({ series: r[0] as string, time: fromTz(r[1] as DuckDBValue), arrival: fromTz(r[2] as DuckDBValue), text: r[3] as string }));
  }

  private async read(kind: 'points' | 'text_points', col: string, series: readonly string[], from: number, to: number): Promise<DuckDBValue[][]> {
    const files: string[] = [];
    for (const d of this.days()) {
      if (d >= to || d + DAY_MS <= from) continue;
      for (const p of this.manifest(d).parts) {
        const f = kind === 'points' ? (p.points > 0 ? p.file : undefined) : p.textFile;
        if (f !== undefined && existsSync(f)) files.push(f);
      }
    }
    if (files.length === 0 || series.length === 0) return [];
    try {
      this.reader ??= await openMemory();
      const list = series.map(quote).join(', ');
      const sql = `SELECT series, time, arrival, ${col} FROM read_parquet([${files.map(quote).join(', ')}]) WHERE series IN (${list}) AND time >= $1 AND time < $2 ORDER BY series, time, arrival`;
      return (await this.reader.conn.runAndReadAll(sql, [tz(new Date(from)), tz(new Date(to))], [TIMESTAMPTZ, TIMESTAMPTZ])).getRows();
    } catch (err) {
      throw failed(this.dir, err);
    }
  }

  close(): void {
    this.reader?.conn.closeSync();
    this.reader?.instance.closeSync();
    this.reader = undefined;
  }
}

async function openMemory(): Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  return { instance, conn: await instance.connect() };
}

/**
 * Writes to temp names; `finish` renames them into place and records the part. For stores without
 * a Parquet writer (PostgreSQL) the pages go through an embedded DuckDB file in the day directory.
 */
class DayTarget implements ArchiveTarget {
  readonly pointsFile: string;
  readonly textPointsFile: string;

  constructor(private readonly finalPoints: string, private readonly finalText: string, private readonly dir: string, private readonly record: (c: ArchiveCounts) => void) {
    this.pointsFile = `${finalPoints}.tmp`;
    this.textPointsFile = `${finalText}.tmp`;
  }

  async writePages(pages: AsyncIterable<ArchivePage>): Promise<void> {
    const dbFile = join(this.dir, '.staging.duckdb');
    let staging: { instance: DuckDBInstance; conn: DuckDBConnection; ap: DuckDBAppender; at: DuckDBAppender } | undefined;
    try {
      for await (const page of pages) {
        if (page.points.length + page.textPoints.length === 0) continue;
        if (staging === undefined) {
          // Opened only for a day that has rows: most retention passes look at empty days too.
          rmSync(dbFile, { force: true });
          const instance = await DuckDBInstance.create(dbFile, { threads: '2' });
          const conn = await instance.connect();
          await conn.run('CREATE TABLE p (series VARCHAR, time TIMESTAMPTZ, arrival TIMESTAMPTZ, value DOUBLE)');
          await conn.run('CREATE TABLE t (series VARCHAR, time TIMESTAMPTZ, arrival TIMESTAMPTZ, text VARCHAR)');
          staging = { instance, conn, ap: await conn.createAppender('p'), at: await conn.createAppender('t') };
        }
        append(staging.ap, page.points, (x) => x.value, DOUBLE);
        append(staging.at, page.textPoints, (x) => x.text, VARCHAR);
      }
      if (staging === undefined) return;
      staging.ap.closeSync();
      staging.at.closeSync();
      for (const [table, file] of [['p', this.pointsFile], ['t', this.textPointsFile]] as const) {
        await staging.conn.run(`COPY (SELECT * FROM ${table} ORDER BY series, time, arrival) TO ${quote(file)} (FORMAT PARQUET, COMPRESSION ZSTD)`);
      }
    } finally {
      if (staging !== undefined) {
        staging.conn.closeSync();
        staging.instance.closeSync();
        rmSync(dbFile, { force: true });
        rmSync(`${dbFile}.wal`, { force: true });
      }
    }
  }

  async finish(counts: ArchiveCounts): Promise<void> {
    if (counts.points > 0) renameSync(this.pointsFile, this.finalPoints);
    if (counts.textPoints > 0) renameSync(this.textPointsFile, this.finalText);
    this.cleanup();
    if (counts.points + counts.textPoints > 0) this.record(counts);
  }

  cleanup(): void {
    rmSync(this.pointsFile, { force: true });
    rmSync(this.textPointsFile, { force: true });
  }
}

type DuckDBAppender = Awaited<ReturnType<DuckDBConnection['createAppender']>>;

function append<R extends { series: string; time: Date; arrival: Date }>(
  appender: DuckDBAppender,
  rows: readonly R[],
  last: (r: R) => number | string,
  type: typeof DOUBLE | typeof VARCHAR,
): void {
  for (let s = 0; s < rows.length; s += 2048) {
    const slice = rows.slice(s, s + 2048);
    const chunk = DuckDBDataChunk.create([VARCHAR, TIMESTAMPTZ, TIMESTAMPTZ, type], slice.length);
    chunk.setColumnValues(0, slice.map((r) => r.series));
    chunk.setColumnValues(1, slice.map((r) => tz(r.time)));
    chunk.setColumnValues(2, slice.map((r) => tz(r.arrival)));
    chunk.setColumnValues(3, slice.map(last));
    appender.appendDataChunk(chunk);
  }
}
