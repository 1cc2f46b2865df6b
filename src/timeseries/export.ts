/**
 * Exports of raw history: CSV (RFC 4180, streamed series by series) and Parquet (written by an
 * embedded DuckDB to a temp file, then streamed; the same column layout as the archive).
 */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DOUBLE, DuckDBDataChunk, DuckDBInstance, DuckDBTimestampTZValue, TIMESTAMPTZ, VARCHAR } from '@duckdb/node-api';
import type { StorageAdapter, TextPoint, TimePoint } from '../storage/index.js';
import type { ParquetArchive } from './archive.js';
import type { SeriesInfo } from './catalogue.js';
import { pointPages } from './query/select.js';

export interface ExportSource {
  readonly store: StorageAdapter;
  readonly archive?: ParquetArchive | undefined;
}

/** RFC 4180 §2: quote fields containing commas, quotes or line breaks; double inner quotes. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const CSV_HEADER = 'series,time,arrival,value\r\n';

function csvLines(points: ReadonlyArray<TimePoint | TextPoint>): string {
  let out = '';
  for (const p of points) {
    const v = 'value' in p ? String(p.value) : csvField(p.text);
    out += `${csvField(p.series)},${p.time.toISOString()},${p.arrival.toISOString()},${v}\r\n`;
  }
  return out;
}

/**
 * A CSV stream of every point of the series in [from, to): pages are read from the store only as
 * the client takes the text (Readable.from pulls the generator on demand), so memory stays at one
 * page however large the export.
 */
export function csvStream(src: ExportSource, series: readonly SeriesInfo[], from: number, to: number): Readable {
  async function* lines(): AsyncGenerator<string> {
    yield CSV_HEADER;
    for (const s of series) {
      for await (const points of pointPages(src.store, src.archive, s, from, to)) {
        for (let i = 0; i < points.length; i += 10_000) yield csvLines(points.slice(i, i + 10_000));
      }
    }
  }
  return Readable.from(lines());
}

/**
 * A Parquet file of the series (numbers and text in one file: `value` DOUBLE and `text` VARCHAR,
 * one of them null per row), streamed and deleted once read.
 */
export async function parquetStream(src: ExportSource, series: readonly SeriesInfo[], from: number, to: number): Promise<Readable> {
  const dir = mkdtempSync(join(tmpdir(), 'twinworks-export-'));
  const file = join(dir, 'export.parquet');
  const instance = await DuckDBInstance.create(join(dir, 'staging.duckdb'), { threads: '2' });
  const conn = await instance.connect();
  try {
    await conn.run('CREATE TABLE x (series VARCHAR, time TIMESTAMPTZ, arrival TIMESTAMPTZ, value DOUBLE, text VARCHAR)');
    const appender = await conn.createAppender('x');
    const tz = (d: Date) => new DuckDBTimestampTZValue(BigInt(d.getTime()) * 1000n);
    for (const s of series) for await (const points of pointPages(src.store, src.archive, s, from, to)) {
      for (let i = 0; i < points.length; i += 2048) {
        const slice = points.slice(i, i + 2048);
        const chunk = DuckDBDataChunk.create([VARCHAR, TIMESTAMPTZ, TIMESTAMPTZ, DOUBLE, VARCHAR], slice.length);
        chunk.setColumnValues(0, slice.map((p) => p.series));
        chunk.setColumnValues(1, slice.map((p) => tz(p.time)));
        chunk.setColumnValues(2, slice.map((p) => tz(p.arrival)));
        chunk.setColumnValues(3, slice.map((p) => ('value' in p ? p.value : null)));
        chunk.setColumnValues(4, slice.map((p) => ('text' in p ? p.text : null)));
        appender.appendDataChunk(chunk);
      }
    }
    appender.closeSync();
    await conn.run(`COPY (SELECT * FROM x ORDER BY series, time, arrival) TO '${file.replace(/'/g, "''")}' (FORMAT PARQUET, COMPRESSION ZSTD)`);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  const stream = createReadStream(file);
  stream.on('close', () => rmSync(dir, { recursive: true, force: true }));
  return stream;
}
