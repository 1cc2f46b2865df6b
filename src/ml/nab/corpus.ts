/**
 * Reader for the Numenta Anomaly Benchmark corpus (NAB v1.1 layout, datasets README §3):
 *   <root>/data/<category>/<name>.csv          header `timestamp,value`, one row per observation
 *   <root>/labels/combined_windows.json        { "<category>/<name>.csv": [[start, end], ...] }
 * Timestamps are naive `YYYY-MM-DD HH:MM:SS[.ffffff]` strings; we read them as UTC, which keeps their
 * order and spacing (NAB never relies on a time zone).
 */
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { NabErrors } from './errors.js';

/** A labelled anomaly window as inclusive row indices into its series. */
export interface IndexWindow {
  readonly start: number;
  readonly end: number;
}

export interface NabSeries {
  /** Path relative to data/, e.g. `realKnownCause/nyc_taxi.csv` (the key used by the label files). */
  readonly relPath: string;
  readonly category: string;
  /** File name without `.csv`. */
  readonly name: string;
  /** Timestamps exactly as written in the data file (copied verbatim into result files). */
  readonly timestampText: readonly string[];
  readonly valueText: readonly string[];
  /** Milliseconds since the epoch, UTC reading of the naive timestamps. */
  readonly times: Float64Array;
  readonly values: Float64Array;
  readonly windows: readonly IndexWindow[];
}

export interface NabCorpus {
  readonly root: string;
  readonly series: readonly NabSeries[];
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/;

/** Parses a naive NAB timestamp as UTC milliseconds; NaN when malformed. */
export function parseNabTimestamp(text: string): number {
  const m = TIMESTAMP.exec(text.trim());
  if (m === null) return Number.NaN;
  const frac = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) + frac;
}

export interface ParsedSeries {
  readonly timestampText: string[];
  readonly valueText: string[];
  readonly times: Float64Array;
  readonly values: Float64Array;
}

/** Parses a `timestamp,value` CSV (header required, LF or CRLF). */
export function parseSeriesCsv(text: string, source: string): ParsedSeries {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').replace(/^\uFEFF/, '').split(',');
  const ti = header.indexOf('timestamp');
  const vi = header.indexOf('value');
  if (ti < 0 || vi < 0) {
    throw NabErrors.create('bad_data', `${source}: header must contain timestamp and value`, { source, header });
  }
  const timestampText: string[] = [];
  const valueText: string[] = [];
  const times: number[] = [];
  const values: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.length === 0) continue;
    const cells = line.split(',');
    const ts = cells[ti] ?? '';
    const vs = cells[vi] ?? '';
    const t = parseNabTimestamp(ts);
    const v = Number(vs);
    if (Number.isNaN(t) || vs.trim() === '' || Number.isNaN(v)) {
      throw NabErrors.create('bad_data', `${source}: bad row ${i + 1}`, { source, line: i + 1, row: line });
    }
    timestampText.push(ts);
    valueText.push(vs);
    times.push(t);
    values.push(v);
  }
  return { timestampText, valueText, times: Float64Array.from(times), values: Float64Array.from(values) };
}

/**
 * Maps [start, end] timestamp windows to inclusive row indices: first row at or after start, last row
 * at or before end. NAB's labels always fall on existing rows, so this equals its exact-match lookup.
 */
export function windowsToIndices(times: Float64Array, windows: ReadonlyArray<readonly [string, string]>, source: string): IndexWindow[] {
  const out: IndexWindow[] = [];
  for (const [a, b] of windows) {
    const ta = parseNabTimestamp(a);
    const tb = parseNabTimestamp(b);
    if (Number.isNaN(ta) || Number.isNaN(tb) || tb < ta) {
      throw NabErrors.create('bad_data', `${source}: malformed window [${a}, ${b}]`, { source, window: [a, b] });
    }
    let start = -1;
    let end = -1;
    for (let i = 0; i < times.length; i++) {
      const t = times[i]!;
      if (start < 0 && t >= ta) start = i;
      if (t <= tb) end = i;
    }
    if (start < 0 || end < start) {
      throw NabErrors.create('bad_data', `${source}: window [${a}, ${b}] holds no rows`, { source, window: [a, b] });
    }
    out.push({ start, end });
  }
  return out.sort((x, y) => x.start - y.start);
}

export type WindowsFile = Record<string, Array<[string, string]>>;

export function parseWindowsJson(text: string, source: string): WindowsFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw NabErrors.create('bad_data', `${source}: not JSON`, { source }, err);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw NabErrors.create('bad_data', `${source}: expected an object of path → windows`, { source });
  }
  for (const [key, value] of Object.entries(doc)) {
    const ok = Array.isArray(value) && value.every((w) => Array.isArray(w) && w.length === 2 && w.every((s) => typeof s === 'string'));
    if (!ok) throw NabErrors.create('bad_data', `${source}: windows of ${key} must be [[start, end], ...]`, { source, key });
  }
  return doc as WindowsFile;
}

function listCsv(dir: string): string[] {
  const out: string[] = [];
  for (const category of readdirSync(dir).sort()) {
    const cdir = join(dir, category);
    if (!statSync(cdir).isDirectory()) continue;
    for (const file of readdirSync(cdir).sort()) if (file.endsWith('.csv')) out.push(`${category}/${file}`);
  }
  return out;
}

/**
 * Loads every series under `<root>/data` with its windows from `labelsPath`
 * (default `<root>/labels/combined_windows.json`). Every data file must have a labels entry.
 */
export function loadNabCorpus(root: string, labelsPath = join(root, 'labels', 'combined_windows.json')): NabCorpus {
  const dataDir = join(root, 'data');
  if (!existsSync(dataDir)) throw NabErrors.create('corpus_not_found', `no data/ directory under ${root}`, { root });
  if (!existsSync(labelsPath)) throw NabErrors.create('corpus_not_found', `labels file ${labelsPath} not found`, { labelsPath });
  const labels = parseWindowsJson(readFileSync(labelsPath, 'utf8'), labelsPath);
  const series: NabSeries[] = [];
  for (const relPath of listCsv(dataDir)) {
    const windows = labels[relPath];
    if (windows === undefined) throw NabErrors.create('bad_data', `${labelsPath} has no entry for ${relPath}`, { relPath });
    const parsed = parseSeriesCsv(readFileSync(join(dataDir, relPath), 'utf8'), relPath);
    const [category, file] = relPath.split('/') as [string, string];
    series.push({
      relPath,
      category,
      name: file.replace(/\.csv$/, ''),
      ...parsed,
      windows: windowsToIndices(parsed.times, windows, relPath),
    });
  }
  if (series.length === 0) throw NabErrors.create('corpus_not_found', `no CSV files under ${dataDir}`, { dataDir });
  return { root, series };
}
