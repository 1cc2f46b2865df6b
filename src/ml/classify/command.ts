/**
 * `twinworks ml classify …`: train / predict / cv on CSV files, and `azure` for the Azure PdM
 * sample. File access happens here; the model takes a Table and labels.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliCommand, CliIO } from '../../cli/command.js';
import { averagePrecision, binaryReport, confusion, formatCsv, MlErrors, parseCsv, runSubcommand, parseFlags, requireFile, take } from '../core/index.js';
import { buildAzureTask, parseTimestamp, timeSplit } from './azure.js';
import { crossValidate } from './cv.js';
import { assertClassifierModel } from './document.js';
import { predictClassifier, trainClassifier, type ClassifierOptions, type ClassWeight } from './model.js';
import { binaryLabels, dropColumns, selectRows, tableFromCsv, type Table } from './table.js';

const USAGE = `twinworks ml classify <train|predict|cv|azure> [flags]

  train    --data FILE.csv --target COLUMN [--exclude COLS] --model FILE
  predict  --model FILE --data FILE.csv --out FILE        writes probability,label per input row
  cv       --data FILE.csv --target COLUMN [--exclude COLS] [--folds 5] [--out FILE]
           leak-free stratified k-fold: F1, precision, recall, PR-AUC mean ± sd
  azure    --data DIR [--split 2015-09-01] [--horizon 24] [--gap 0] [--step 3]
           Azure PdM sample: failure within the horizon, time-based split

flags: --positive VALUE (positive target value), --class-weight none|sqrt|balanced|N,
       --no-interactions, --level-products, --seed N, --rounds N (upper bound; early stopping picks fewer),
       --final refit|inner (refit one model on all rows (default), or predict with the inner-CV models)
Identifier columns (row counters, near-unique text) are dropped automatically; --exclude
removes others (for AI4I: UDI,Product ID,TWF,HDF,PWF,OSF,RNF).`;

const MODEL_FLAGS = {
  positive: { kind: 'string' },
  'class-weight': { kind: 'string' },
  'no-interactions': { kind: 'boolean' },
  'level-products': { kind: 'boolean' },
  seed: { kind: 'number' },
  rounds: { kind: 'number' },
  final: { kind: 'string' },
} as const;

type ModelFlags = { positive?: string; 'class-weight'?: string; 'no-interactions'?: boolean; 'level-products'?: boolean; seed?: number; rounds?: number; final?: string };

function classifierOptions(f: ModelFlags): ClassifierOptions {
  let classWeight: ClassWeight | undefined;
  const cw = f['class-weight'];
  if (cw !== undefined) {
    if (cw === 'none' || cw === 'sqrt' || cw === 'balanced') classWeight = cw;
    else if (Number(cw) > 0) classWeight = Number(cw);
    else throw MlErrors.create('bad_flag_value', `--class-weight takes none, sqrt, balanced or a positive number, got "${cw}"`, { flag: 'class-weight', value: cw });
  }
  if (f.rounds !== undefined && !(Number.isInteger(f.rounds) && f.rounds > 0)) throw MlErrors.create('bad_flag_value', '--rounds must be a positive integer', { flag: 'rounds', value: f.rounds });
  const final = f.final;
  if (final !== undefined && final !== 'refit' && final !== 'inner') throw MlErrors.create('bad_flag_value', `--final takes refit or inner, got "${final}"`, { flag: 'final', value: final, allowed: ['refit', 'inner'] });
  return { classWeight, interactions: !f['no-interactions'], levelProducts: f['level-products'] === true, seed: f.seed, final, gbdt: f.rounds === undefined ? undefined : { rounds: f.rounds } };
}

function readTable(path: string, flag: string): Table {
  return tableFromCsv(parseCsv(readFileSync(requireFile(path, flag), 'utf8'), path));
}

/** Features and labels: the target and --exclude columns removed from the features. */
function prepare(table: Table, target: string, exclude: readonly string[], positive?: string) {
  const { labels, positive: pos } = binaryLabels(table, target, positive);
  return { features: dropColumns(table, [target, ...exclude.filter((c) => c !== target)]), labels, positive: pos };
}

const fmt = (v: number) => v.toFixed(3);

async function train(argv: readonly string[], io: CliIO): Promise<number> {
  const f = parseFlags(argv, { data: { kind: 'string', required: true }, target: { kind: 'string', required: true }, exclude: { kind: 'list' }, model: { kind: 'string', required: true }, ...MODEL_FLAGS }, 'classify train');
  const options = classifierOptions(f);
  const { features, labels, positive } = prepare(readTable(f.data!, 'data'), f.target!, f.exclude ?? [], f.positive);
  const model = trainClassifier(features, labels, options);
  writeFileSync(f.model!, JSON.stringify(model));
  const dropped = model.encoder.columns.filter((c) => c.kind === 'dropped').map((c) => `${c.name} (${c.kind === 'dropped' ? c.reason : ''})`);
  io.stdout(`trained on ${labels.length} rows (${model.inner.positives} with ${f.target} = ${positive}); ${model.encoder.featureNames.length} features, ${model.gbdt.length} boosted model(s) of about ${model.inner.rounds} trees`);
  if (dropped.length > 0) io.stdout(`dropped columns: ${dropped.join('; ')}`);
  io.stdout(`inner-CV F1 ${fmt(model.inner.f1)} at threshold ${fmt(model.threshold)}; model written to ${f.model}`);
  return 0;
}

async function predict(argv: readonly string[], io: CliIO): Promise<number> {
  const f = parseFlags(argv, { model: { kind: 'string', required: true }, data: { kind: 'string', required: true }, out: { kind: 'string', required: true } }, 'classify predict');
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(requireFile(f.model!, 'model'), 'utf8'));
  } catch (err) {
    if (MlErrors.is(err)) throw err;
    throw MlErrors.create('bad_model', `--model ${f.model} is not valid JSON`, { path: f.model }, err);
  }
  const model = assertClassifierModel(doc, f.model);
  const pred = predictClassifier(model, readTable(f.data!, 'data'));
  writeFileSync(f.out!, formatCsv(['probability', 'label'], Array.from(pred.probability, (p, i) => [p.toFixed(6), pred.label[i]!])));
  io.stdout(`wrote ${pred.label.length} predictions (${pred.label.reduce((a, b) => a + b, 0)} positive) to ${f.out}`);
  return 0;
}

async function cv(argv: readonly string[], io: CliIO): Promise<number> {
  const f = parseFlags(argv, { data: { kind: 'string', required: true }, target: { kind: 'string', required: true }, exclude: { kind: 'list' }, folds: { kind: 'number' }, out: { kind: 'string' }, ...MODEL_FLAGS }, 'classify cv');
  const options = classifierOptions(f);
  const folds = f.folds ?? 5;
  if (!(Number.isInteger(folds) && folds >= 2)) throw MlErrors.create('bad_flag_value', '--folds must be an integer ≥ 2', { flag: 'folds', value: folds });
  const { features, labels } = prepare(readTable(f.data!, 'data'), f.target!, f.exclude ?? [], f.positive);
  const res = crossValidate(features, labels, {
    ...options,
    folds,
    onFold: (r) => io.stdout(`fold ${r.fold}: ${r.rows} rows, ${r.positives} positive, F1 ${fmt(r.f1)}, precision ${fmt(r.precision)}, recall ${fmt(r.recall)}, PR-AUC ${fmt(r.prAuc)}, threshold ${fmt(r.threshold)}`),
  });
  const s = res.summary;
  const pm = (k: keyof typeof s) => `${fmt(s[k].mean)} ± ${fmt(s[k].std)}`;
  io.stdout(`mean ± sd over ${folds} folds: F1 ${pm('f1')}, precision ${pm('precision')}, recall ${pm('recall')}, PR-AUC ${pm('prAuc')}, ROC-AUC ${pm('rocAuc')}`);
  io.stdout(`pooled out-of-fold: F1 ${fmt(res.pooled.f1)}, precision ${fmt(res.pooled.precision)}, recall ${fmt(res.pooled.recall)}, PR-AUC ${fmt(res.pooled.prAuc)}`);
  if (f.out !== undefined) writeFileSync(f.out, formatCsv(['probability', 'label'], Array.from(res.outOfFold, (p, i) => [p.toFixed(6), labels[i]!])));
  return 0;
}

async function azure(argv: readonly string[], io: CliIO): Promise<number> {
  const f = parseFlags(argv, { data: { kind: 'string', required: true }, split: { kind: 'string' }, horizon: { kind: 'number' }, gap: { kind: 'number' }, step: { kind: 'number' }, ...MODEL_FLAGS }, 'classify azure');
  const options = classifierOptions(f);
  const read = (name: string) => parseCsv(readFileSync(requireFile(join(f.data!, name), 'data'), 'utf8'), name);
  const task = buildAzureTask(
    { machines: read('PdM_machines.csv'), errors: read('PdM_errors.csv'), maint: read('PdM_maint.csv'), failures: read('PdM_failures.csv') },
    { horizonHours: f.horizon, gapHours: f.gap, stepHours: f.step },
  );
  const split = parseTimestamp(`${f.split ?? '2015-09-01'} 00:00:00`, '--split');
  const { train: tr, test } = timeSplit(task, split);
  if (tr.length === 0 || test.length === 0) throw MlErrors.create('bad_flag_value', `--split ${f.split} leaves no training or no test rows`, { flag: 'split' });
  const features = dropColumns(task.table, ['machineID']);
  const model = trainClassifier(selectRows(features, tr), Uint8Array.from(take(task.labels, tr)), options);
  const pred = predictClassifier(model, selectRows(features, test));
  const y = take(task.labels, test);
  const rep = binaryReport(confusion(pred.label, y));
  const count = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0);
  io.stdout(`${task.labels.length} machine-time rows (${count(task.labels)} positive); train ${tr.length} (${count(take(task.labels, tr))} positive), test ${test.length} (${count(y)} positive)`);
  io.stdout(`test: F1 ${fmt(rep.f1)}, precision ${fmt(rep.precision)}, recall ${fmt(rep.recall)}, PR-AUC ${fmt(averagePrecision(pred.probability, y))}, threshold ${fmt(model.threshold)}`);
  return 0;
}

export const classifyCommand: CliCommand = {
  name: 'classify',
  summary: 'Calibrated gradient-boosted failure classifier for tabular machine records',
  usage: USAGE,
  run: (argv, io) => runSubcommand('classify', USAGE, { train, predict, cv, azure }, argv, io),
};
