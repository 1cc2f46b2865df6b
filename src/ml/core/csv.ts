/**
 * Minimal readers for the two text formats the benchmarks use:
 * - RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF), with a leading UTF-8 BOM removed
 *   (the AI4I file starts with one; README §2).
 * - Whitespace-separated numeric tables without header (C-MAPSS, README §1: lines end in two spaces).
 * Pure text in, arrays out: file access stays in the command layer.
 */
import { MlErrors } from './errors.js';

export interface CsvTable {
  readonly header: string[];
  readonly rows: string[][];
}

export function parseCsv(text: string, source = 'csv'): CsvTable {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let inQuotes = false;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field.length === 0) inQuotes = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      field = '';
      if (!(record.length === 1 && record[0] === '')) records.push(record);
      record = [];
      line++;
    } else field += ch;
  }
  if (inQuotes) throw MlErrors.create('bad_data', `${source}: unterminated quoted field at line ${line}`, { source, line });
  if (field.length > 0 || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  const header = records.shift();
  if (header === undefined) throw MlErrors.create('bad_data', `${source}: empty file`, { source });
  records.forEach((r, k) => {
    if (r.length !== header.length) {
      throw MlErrors.create('bad_data', `${source}: row ${k + 2} has ${r.length} fields, header has ${header.length}`, {
        source,
        line: k + 2,
        expected: header.length,
        got: r.length,
      });
    }
  });
  return { header, rows: records };
}

/** Writes a CSV, quoting fields that contain a comma, quote or newline. */
export function formatCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cell = (v: string | number): string => {
    const s = String(v);
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

/** Whitespace-separated numbers, one record per non-blank line; every line must have the same width. */
export function parseNumberTable(text: string, source = 'table'): number[][] {
  const out: number[][] = [];
  let width = -1;
  const lines = text.split(/\r?\n/);
  for (let k = 0; k < lines.length; k++) {
    const trimmed = lines[k]!.trim();
    if (trimmed === '') continue;
    const parts = trimmed.split(/\s+/);
    const row = parts.map(Number);
    const bad = row.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw MlErrors.create('bad_data', `${source}: line ${k + 1} field ${bad + 1} is not a number: "${parts[bad]}"`, { source, line: k + 1, field: bad + 1 });
    }
    if (width >= 0 && row.length !== width) {
      throw MlErrors.create('bad_data', `${source}: line ${k + 1} has ${row.length} fields, expected ${width}`, { source, line: k + 1, expected: width, got: row.length });
    }
    width = row.length;
    out.push(row);
  }
  return out;
}
