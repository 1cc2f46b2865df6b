/**
 * `twinworks ml train` and `twinworks ml evaluate` (docs/ml-live.md §CLI). File reading and printing
 * live here; the model code takes arrays and returns JSON documents.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { CliCommand, CliIO } from '../../cli/command.js';
import { parseFlags } from '../core/index.js';
import { DatasetBuilder } from './dataset.js';
import { loadDataset, saveDataset } from './dataset-file.js';
import { PdmErrors } from './errors.js';
import { evaluatePdm, buildSimDataset, type SimWindow } from './evaluate.js';
import { dataFiles, readLabels, readTelemetry } from './files.js';
import { inferMachineInfo } from './machines.js';
import { formatReport } from './report.js';
import { assertPdmModel } from './model.js';
import { trainPdm, type TrainOptions } from './train.js';
import { DAY_MS, HOUR_MS } from './types.js';

const TRAIN_USAGE = `twinworks ml train (--data DIR | --from-sim [--seed N] [--lines N] --from DATE --to DATE | --dataset FILE) --model FILE

  --data DIR      telemetry.jsonl + labels.jsonl from twinworks simulate --dry-run (rows from the first hour
                  3 days after the first message, or --from; until the last message, or --to)
  --from-sim      simulate the history in-process (demo plant, or --lines N generated 4-station lines)
  --model FILE    where the model JSON goes
  --save-dataset FILE   also keep the built feature rows and labels (to try training settings without re-simulating)
  --dataset FILE        train on rows saved by --save-dataset
  training: --target-precision 0.85 --folds 4 --seed-train 1 --rounds 120
            --no-anomaly-features   skip the streaming detectors' features (4× faster; scoring then ignores them)`;

const EVAL_USAGE = `twinworks ml evaluate [--train-seed 11 --train-lines 10 --train-from 2026-01-08 --train-days 120]
                      [--test-seed 42 --test-lines 0 --test-from 2026-01-01 --test-days 31] [--model FILE] [--out FILE]

  Trains on one simulated history (or loads --model) and runs the live scorer over a held-out one
  (another seed, or the same seed at least 7 days later); prints precision, recall and median lead
  time of failure warnings, calibration (ECE) and RUL interval coverage. --test-lines 0 = demo plant.`;

const TRAIN_FLAGS = {
  data: { kind: 'string' }, 'from-sim': { kind: 'boolean' }, seed: { kind: 'number' }, lines: { kind: 'number' },
  from: { kind: 'string' }, to: { kind: 'string' }, model: { kind: 'string', required: true },
  'target-precision': { kind: 'number' }, folds: { kind: 'number' }, 'seed-train': { kind: 'number' }, rounds: { kind: 'number' }, quiet: { kind: 'boolean' },
  'no-anomaly-features': { kind: 'boolean' }, dataset: { kind: 'string' }, 'save-dataset': { kind: 'string' },
} as const;

const EVAL_FLAGS = {
  'train-seed': { kind: 'number' }, 'train-lines': { kind: 'number' }, 'train-from': { kind: 'string' }, 'train-days': { kind: 'number' },
  'test-seed': { kind: 'number' }, 'test-lines': { kind: 'number' }, 'test-from': { kind: 'string' }, 'test-days': { kind: 'number' },
  model: { kind: 'string' }, out: { kind: 'string' }, 'target-precision': { kind: 'number' }, quiet: { kind: 'boolean' },
  'no-anomaly-features': { kind: 'boolean' },
} as const;

function date(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (!Number.isFinite(t)) throw PdmErrors.create('bad_flag', `--${flag} must be a date (YYYY-MM-DD or RFC 3339), got "${value}"`, { flag, value });
  return t;
}

function trainOptions(f: { 'target-precision'?: number; folds?: number; 'seed-train'?: number; rounds?: number; quiet?: boolean }, io: CliIO): TrainOptions {
  return {
    ...(f['target-precision'] !== undefined ? { targetPrecision: f['target-precision'] } : {}),
    ...(f.folds !== undefined ? { folds: f.folds } : {}),
    ...(f['seed-train'] !== undefined ? { seed: f['seed-train'] } : {}),
    ...(f.rounds !== undefined ? { gbdt: { rounds: f.rounds } } : {}),
    ...(f.quiet ? {} : { onProgress: (m: string) => io.stderr(`  ${m}`) }),
  };
}

export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'train the predictive-maintenance model (health, failure risk, RUL) from history',
  usage: TRAIN_USAGE,
  async run(argv, io) {
    const f = parseFlags(argv, TRAIN_FLAGS, 'ml train');
    const sources = [f.data !== undefined, f['from-sim'] === true, f.dataset !== undefined].filter(Boolean).length;
    if (sources !== 1) throw PdmErrors.create('bad_flag', 'ml train: give one of --data DIR, --from-sim or --dataset FILE', { flags: ['data', 'from-sim', 'dataset'] });
    const from = date(f.from, 'from'), to = date(f.to, 'to');
    let ds;
    if (f.dataset !== undefined) {
      ds = loadDataset(f.dataset);
      io.stderr(`loaded ${ds.rows} rows of ${ds.machines.length} machines, ${ds.failures.length} failures`);
    } else if (f.data !== undefined) {
      const files = dataFiles(f.data);
      const { failures } = readLabels(files.labels);
      // The window is only known after reading; rows before `from` are dropped by the builder anyway.
      const builder = new DatasetBuilder([], { from: from ?? Number.NEGATIVE_INFINITY, to: to ?? Number.POSITIVE_INFINITY, infer: (d) => inferMachineInfo(d), ...(f['no-anomaly-features'] ? { tracker: { anomaly: false } } : {}) });
      const span = await readTelemetry(files.telemetry, (d, s) => builder.push(d, s));
      const rowsFrom = from ?? Math.ceil((span.first + 3 * DAY_MS) / HOUR_MS) * HOUR_MS;
      const built = builder.finish(failures, { labelsUntil: span.last });
      ds = { ...built, window: { from: rowsFrom, to: Math.min(to ?? span.last, span.last) } };
      const keep = Array.from({ length: built.rows }, (_, r) => r).filter((r) => built.time[r]! >= rowsFrom);
      ds = subset(ds, keep);
      io.stderr(`read ${span.messages} messages of ${built.machines.length} machines, ${failures.length} failures`);
    } else {
      if (from === undefined || to === undefined) throw PdmErrors.create('bad_flag', 'ml train --from-sim needs --from and --to', { flags: ['from', 'to'] });
      const w: SimWindow = { seed: f.seed ?? 1, ...(f.lines ? { lines: f.lines } : {}), from, to };
      io.stderr(`simulating ${((to - from) / DAY_MS).toFixed(0)} days (seed ${w.seed}, ${f.lines ? `${f.lines} lines` : 'demo plant'})`);
      ds = buildSimDataset(w, 7, 168 * HOUR_MS, f['no-anomaly-features'] ? { anomaly: false } : undefined);
    }
    if (f['save-dataset'] !== undefined) saveDataset(f['save-dataset'], ds);
    const model = trainPdm(ds, trainOptions(f, io));
    const file = String(f.model); // required: parseFlags has checked it is there
    writeFileSync(file, JSON.stringify(model));
    io.stdout(formatReport(model));
    io.stdout(`model written to ${file}`);
    return 0;
  },
};

function subset<T extends ReturnType<DatasetBuilder['finish']>>(ds: T, rows: number[]): T {
  const cols = ds.featureNames.length;
  const x = new Float64Array(rows.length * cols);
  rows.forEach((r, k) => x.set(ds.x.subarray(r * cols, (r + 1) * cols), k * cols));
  return { ...ds, rows: rows.length, x, machine: Int32Array.from(rows, (r) => ds.machine[r]!), time: Float64Array.from(rows, (r) => ds.time[r]!), inFailure: Uint8Array.from(rows, (r) => ds.inFailure[r]!) };
}

export const evaluateCommand: CliCommand = {
  name: 'evaluate',
  summary: 'score failure warnings against simulator ground truth on a held-out history',
  usage: EVAL_USAGE,
  async run(argv, io) {
    const f = parseFlags(argv, EVAL_FLAGS, 'ml evaluate');
    const window = (prefix: 'train' | 'test', seed: number, lines: number, from: string, days: number): SimWindow => {
      const start = date(f[`${prefix}-from`] ?? from, `${prefix}-from`)!;
      const n = f[`${prefix}-lines`] ?? lines;
      return { seed: f[`${prefix}-seed`] ?? seed, ...(n > 0 ? { lines: n } : {}), from: start, to: start + (f[`${prefix}-days`] ?? days) * DAY_MS };
    };
    const report = await evaluatePdm({
      train: window('train', 11, 10, '2026-01-08', 120),
      test: window('test', 42, 0, '2026-01-01', 31),
      ...(f.model ? { model: assertPdmModel(JSON.parse(readFileSync(f.model, 'utf8')), f.model) } : {}),
      trainOptions: trainOptions(f, io),
      ...(f['no-anomaly-features'] ? { anomalyFeatures: false } : {}),
      ...(f.quiet ? {} : { onProgress: (m: string) => io.stderr(`  ${m}`) }),
    });
    io.stdout(formatReport(report.model, report));
    if (f.out) writeFileSync(f.out, JSON.stringify({ ...report, model: undefined }, null, 2));
    return 0;
  },
};
