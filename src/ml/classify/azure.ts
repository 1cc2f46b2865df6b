/**
 * A failure-prediction task built from the Azure predictive-maintenance sample (datasets README §4a):
 * machines (model, age), errors (non-fatal, hourly timestamps), maint (component replacements,
 * scheduled and after failure) and failures. The hourly telemetry file is NOT available, so the
 * features are what those four files allow:
 *   per machine and sample time t (a grid every `stepHours`): error counts per type in the last
 *   24 h and 72 h, all errors in the last 7 days, hours since each component was last replaced
 *   and since the last failure (censored at the start of the logs), machine model and age.
 * Label: any component failure in (t + gapHours, t + gapHours + horizonHours].
 * Only records with timestamp ≤ t feed the features; the split is by time (see `timeSplit`).
 */
import { MlErrors, type CsvTable } from '../core/index.js';
import type { Table } from './table.js';

export interface AzureRecords {
  readonly machines: CsvTable;
  readonly errors: CsvTable;
  readonly maint: CsvTable;
  readonly failures: CsvTable;
}

export interface AzureTaskOptions {
  readonly stepHours?: number;
  readonly horizonHours?: number;
  readonly gapHours?: number;
}

export interface AzureTask {
  readonly table: Table;
  readonly labels: Uint8Array;
  /** Sample time (ms since epoch) per row. */
  readonly time: Float64Array;
  readonly machine: Int32Array;
  readonly horizonEnd: Float64Array;
}

const HOUR = 3_600_000;

/** 'YYYY-MM-DD HH:MM:SS' (UTC assumed) → ms since epoch. */
export function parseTimestamp(s: string, where: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(s.trim());
  if (!m) throw MlErrors.create('bad_data', `${where}: bad timestamp "${s}" (expected YYYY-MM-DD HH:MM:SS)`, { where, value: s });
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

function column(t: CsvTable, name: string, file: string): number {
  const j = t.header.indexOf(name);
  if (j < 0) throw MlErrors.create('unknown_column', `${file}: column "${name}" missing (has ${t.header.join(', ')})`, { file, column: name });
  return j;
}

/** Events per machine, each list sorted by time, keyed by a kind (error type or component). */
function events(t: CsvTable, kindCol: string, file: string): { byMachine: Map<number, Map<string, number[]>>; kinds: string[]; first: number; last: number } {
  const jt = column(t, 'datetime', file), jm = column(t, 'machineID', file), jk = column(t, kindCol, file);
  const byMachine = new Map<number, Map<string, number[]>>();
  const kinds = new Set<string>();
  let first = Infinity, last = -Infinity;
  t.rows.forEach((r, i) => {
    const time = parseTimestamp(r[jt]!, `${file} row ${i + 2}`);
    const machine = Number(r[jm]);
    const kind = r[jk]!.trim();
    kinds.add(kind);
    first = Math.min(first, time);
    last = Math.max(last, time);
    const perKind = byMachine.get(machine) ?? new Map<string, number[]>();
    byMachine.set(machine, perKind);
    const list = perKind.get(kind) ?? [];
    perKind.set(kind, list);
    list.push(time);
  });
  for (const perKind of byMachine.values()) for (const list of perKind.values()) list.sort((a, b) => a - b);
  return { byMachine, kinds: [...kinds].sort(), first, last };
}

/** Number of entries ≤ x in a sorted list. */
function countUpTo(sorted: readonly number[], x: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const countIn = (sorted: readonly number[], from: number, to: number) => countUpTo(sorted, to) - countUpTo(sorted, from);
const lastUpTo = (sorted: readonly number[], x: number) => {
  const k = countUpTo(sorted, x);
  return k === 0 ? undefined : sorted[k - 1]!;
};

export function buildAzureTask(records: AzureRecords, options: AzureTaskOptions = {}): AzureTask {
  const step = (options.stepHours ?? 3) * HOUR;
  const horizon = (options.horizonHours ?? 24) * HOUR;
  const gap = (options.gapHours ?? 0) * HOUR;
  if (!(step > 0 && horizon > 0 && gap >= 0)) throw MlErrors.create('bad_params', 'step and horizon must be > 0 hours, gap ≥ 0', { step, horizon, gap });
  const errors = events(records.errors, 'errorID', 'errors');
  const maint = events(records.maint, 'comp', 'maint');
  const failures = events(records.failures, 'failure', 'failures');
  const jm = column(records.machines, 'machineID', 'machines');
  const jModel = column(records.machines, 'model', 'machines');
  const jAge = column(records.machines, 'age', 'machines');
  const components = [...new Set([...maint.kinds, ...failures.kinds])].sort();
  const logStart = Math.min(maint.first, errors.first, failures.first);
  // Samples start once 7 days of error history exist and end when the label window is still covered.
  const start = errors.first - (errors.first % (24 * HOUR)) + 7 * 24 * HOUR;
  const end = Math.max(errors.last, failures.last, maint.last) - gap - horizon;

  const columns = ['machineID', 'model', 'age'];
  for (const e of errors.kinds) columns.push(`${e}_24h`, `${e}_72h`);
  columns.push('errors_7d');
  for (const c of components) columns.push(`hours_since_${c}`);
  columns.push('hours_since_failure');

  const rows: Array<Array<string | number>> = [];
  const labels: number[] = [], time: number[] = [], machine: number[] = [], horizonEnd: number[] = [];
  const none: number[] = [];
  for (const r of records.machines.rows) {
    const id = Number(r[jm]);
    const errs = errors.byMachine.get(id) ?? new Map<string, number[]>();
    const reps = maint.byMachine.get(id) ?? new Map<string, number[]>();
    const fails = failures.byMachine.get(id) ?? new Map<string, number[]>();
    const allFails = [...fails.values()].flat().sort((a, b) => a - b);
    const allErrs = [...errs.values()].flat().sort((a, b) => a - b);
    for (let t = start; t <= end; t += step) {
      const row: Array<string | number> = [id, r[jModel]!.trim(), Number(r[jAge])];
      for (const e of errors.kinds) {
        const list = errs.get(e) ?? none;
        row.push(countIn(list, t - 24 * HOUR, t), countIn(list, t - 72 * HOUR, t));
      }
      row.push(countIn(allErrs, t - 168 * HOUR, t));
      for (const c of components) {
        // A replacement after a failure is also in maint; failures are merged in case one is missing.
        const lastRep = Math.max(lastUpTo(reps.get(c) ?? none, t) ?? logStart, lastUpTo(fails.get(c) ?? none, t) ?? logStart);
        row.push((t - lastRep) / HOUR);
      }
      row.push((t - (lastUpTo(allFails, t) ?? logStart)) / HOUR);
      rows.push(row);
      labels.push(countIn(allFails, t + gap, t + gap + horizon) > 0 ? 1 : 0);
      time.push(t);
      machine.push(id);
      horizonEnd.push(t + gap + horizon);
    }
  }
  return { table: { columns, rows }, labels: Uint8Array.from(labels), time: Float64Array.from(time), machine: Int32Array.from(machine), horizonEnd: Float64Array.from(horizonEnd) };
}

/**
 * Time split: training rows are those whose whole label window ends before `splitTime` (no label
 * looks into the test period); test rows start at or after it.
 */
export function timeSplit(task: AzureTask, splitTime: number): { train: Uint32Array; test: Uint32Array } {
  const train: number[] = [], test: number[] = [];
  for (let i = 0; i < task.labels.length; i++) {
    if (task.horizonEnd[i]! < splitTime) train.push(i);
    else if (task.time[i]! >= splitTime) test.push(i);
  }
  return { train: Uint32Array.from(train), test: Uint32Array.from(test) };
}
