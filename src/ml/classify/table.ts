/**
 * The classifier's input: named columns of raw cell values, as they come from a CSV file, a
 * database query or the platform's history. Strings that parse as numbers are numbers; '' and
 * null are missing.
 */
import { MlErrors, type CsvTable } from '../core/index.js';

export type Cell = string | number | null;

export interface Table {
  readonly columns: readonly string[];
  /** rows[i][j] = value of column j in row i. */
  readonly rows: ReadonlyArray<ReadonlyArray<Cell>>;
}

export function tableFromCsv(csv: CsvTable): Table {
  return { columns: csv.header.map((h) => h.trim()), rows: csv.rows };
}

export function columnIndex(table: Table, name: string): number {
  const j = table.columns.indexOf(name);
  if (j < 0) {
    throw MlErrors.create('unknown_column', `column "${name}" not found (columns: ${table.columns.join(', ')})`, { column: name, columns: table.columns });
  }
  return j;
}

/** A number for numeric-looking cells, NaN for missing ones, undefined for text. */
export function numericValue(cell: Cell): number | undefined {
  if (cell === null) return Number.NaN;
  if (typeof cell === 'number') return cell;
  const s = cell.trim();
  if (s === '') return Number.NaN;
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
}

/** Table without the named columns (unknown names are an error: a typo must not pass silently). */
export function dropColumns(table: Table, names: readonly string[]): Table {
  const drop = new Set(names.map((n) => columnIndex(table, n)));
  const keep = table.columns.map((_, j) => j).filter((j) => !drop.has(j));
  return { columns: keep.map((j) => table.columns[j]!), rows: table.rows.map((r) => keep.map((j) => r[j]!)) };
}

export function selectRows(table: Table, idx: ArrayLike<number>): Table {
  return { columns: table.columns, rows: Array.from({ length: idx.length }, (_, k) => table.rows[idx[k]!]!) };
}

/**
 * Binary labels from a target column. 0/1 (or false/true, no/yes) map directly; any other
 * two-valued column takes `positive` (otherwise the rarer value is positive). More values need
 * `positive` (one value against the rest).
 */
export function binaryLabels(table: Table, target: string, positive?: string): { labels: Uint8Array; positive: string } {
  const j = columnIndex(table, target);
  const values = table.rows.map((r) => String(r[j] ?? '').trim());
  const distinct = [...new Set(values)];
  let pos: string;
  if (positive !== undefined) {
    if (!distinct.includes(positive)) throw MlErrors.create('bad_data', `target "${target}" never takes the positive value "${positive}"`, { column: target, values: distinct.slice(0, 10) });
    pos = positive;
  } else if (distinct.length > 2) {
    throw MlErrors.create('bad_data', `target "${target}" must be binary, found ${distinct.length} values (${distinct.slice(0, 5).join(', ')}…)`, { column: target, count: distinct.length });
  } else {
    const known = ['1', 'true', 'yes', '1.0'];
    pos = distinct.find((v) => known.includes(v.toLowerCase())) ?? distinct.sort((a, b) => values.filter((v) => v === a).length - values.filter((v) => v === b).length)[0]!;
  }
  return { labels: Uint8Array.from(values, (v) => (v === pos ? 1 : 0)), positive: pos };
}
