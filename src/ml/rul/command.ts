/**
 * `twinworks ml rul …`: train / predict / evaluate on C-MAPSS-format files. All file reading and
 * writing happens here; the model code takes arrays (types.ts) and returns JSON-serialisable models.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliCommand, CliIO } from '../../cli/command.js';
import { formatCsv, MlErrors, runSubcommand, parseFlags, phm08Score, requireFile, rmse } from '../core/index.js';
import { parseCmapss, parseRulTruth } from './cmapss.js';
import { assertRulModel } from './document.js';
import { predictRul, trainRul, type RulModel, type RulTrainOptions } from './model.js';

const USAGE = `twinworks ml rul <train|predict|evaluate> [flags]

  train     --data DIR --subset FD001 --model FILE   (or --train FILE instead of --data/--subset)
  predict   --model FILE --test FILE --out FILE      writes unit,rul at each unit's last cycle
  evaluate  --data DIR --subset FD001 [--model FILE] [--out FILE]
            trains on train_<subset>.txt unless --model is given, predicts test_<subset>.txt and
            reports RMSE and the PHM08 score against RUL_<subset>.txt

training flags: --cap 125 --folds 5 --seed 1 --members gbdt,mlp --rounds N --epochs N --conditions K`;

const TRAIN_FLAGS = {
  cap: { kind: 'number' },
  folds: { kind: 'number' },
  seed: { kind: 'number' },
  members: { kind: 'list' },
  rounds: { kind: 'number' },
  epochs: { kind: 'number' },
  conditions: { kind: 'number' },
  quiet: { kind: 'boolean' },
} as const;

function readText(path: string, flag: string): string {
  return readFileSync(requireFile(path, flag), 'utf8');
}

function subsetFile(dir: string, kind: 'train' | 'test' | 'RUL', subset: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(subset)) throw MlErrors.create('bad_flag_value', `--subset must be a name like FD001, got "${subset}"`, { flag: 'subset', value: subset });
  return requireFile(join(dir, `${kind}_${subset}.txt`), kind === 'train' ? 'data' : 'data');
}

function trainOptions(f: { [K in keyof typeof TRAIN_FLAGS]?: unknown }, io: CliIO): RulTrainOptions {
  const members = (f.members as string[] | undefined) ?? ['gbdt', 'mlp'];
  const unknown = members.filter((m) => m !== 'gbdt' && m !== 'mlp');
  if (unknown.length > 0 || members.length === 0) {
    throw MlErrors.create('bad_flag_value', `--members takes gbdt and/or mlp, got "${members.join(',')}"`, { flag: 'members', allowed: ['gbdt', 'mlp'] });
  }
  const positive = (name: string, v: unknown) => {
    if (v !== undefined && !((v as number) > 0 && Number.isInteger(v))) throw MlErrors.create('bad_flag_value', `--${name} must be a positive integer`, { flag: name, value: v });
    return v as number | undefined;
  };
  const rounds = positive('rounds', f.rounds), epochs = positive('epochs', f.epochs);
  return {
    cap: positive('cap', f.cap),
    folds: positive('folds', f.folds),
    seed: f.seed as number | undefined,
    conditions: positive('conditions', f.conditions),
    gbdt: members.includes('gbdt') ? (rounds === undefined ? {} : { rounds }) : false,
    mlp: members.includes('mlp') ? (epochs === undefined ? {} : { epochs }) : false,
    onProgress: f.quiet ? undefined : (m) => io.stderr(m),
  };
}

function writePredictions(path: string, ids: ReadonlyArray<number | string>, pred: readonly number[]): void {
  writeFileSync(path, formatCsv(['unit', 'rul'], ids.map((id, i) => [id, pred[i]!.toFixed(3)])));
}

function loadModel(path: string): RulModel {
  let doc: unknown;
  try {
    doc = JSON.parse(readText(path, 'model'));
  } catch (err) {
    if (MlErrors.is(err)) throw err;
    throw MlErrors.create('bad_model', `--model ${path} is not valid JSON`, { path }, err);
  }
  return assertRulModel(doc, path);
}

async function train(argv: readonly string[], io: CliIO): Promise<number> {
  const f = parseFlags(argv, { data: { kind: 'string' }, subset: { kind: 'string' }, train: { kind: 'string' }, model: { kind: 'string', required: true }, ...TRAIN_FLAGS }, 'rul train');
  const options = trainOptions(f, io);
  let file: string;
  if (f.train !== undefined) file = requireFile(f.train, 'train');
  else if (f.data !== undefined && f.subset !== undefined) file = subsetFile(f.data, 'train', f.subset);
  else throw MlErrors.create('missing_flag', 'rul train: give --data DIR and --subset NAME, or --train FILE', { flags: ['data', 'subset', 'train'] });
  const histories = parseCmapss(readFileSync(file, 'utf8'), file);
  const started = process.hrtime.bigint();
  const model = trainRul(histories, options);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  writeFileSync(f.model!, JSON.stringify(model));
  io.stdout(`trained on ${histories.length} units in ${seconds.toFixed(1)} s; out-of-fold RMSE ${model.validation.blend.toFixed(2)}; model written to ${f.model}`);
  return 0;
}

async function predict(argv: readonly string[], io: CliIO): Promise<number> {
  const f = parseFlags(argv, { model: { kind: 'string', required: true }, test: { kind: 'string', required: true }, out: { kind: 'string', required: true } }, 'rul predict');
  const model = loadModel(f.model!);
  const test = parseCmapss(readText(f.test!, 'test'), f.test);
  const pred = predictRul(model, test);
  writePredictions(f.out!, test.map((h) => h.id), pred);
  io.stdout(`wrote ${pred.length} predictions to ${f.out}`);
  return 0;
}

async function evaluate(argv: readonly string[], io: CliIO): Promise<number> {
  const f = parseFlags(argv, { data: { kind: 'string', required: true }, subset: { kind: 'string', required: true }, model: { kind: 'string' }, out: { kind: 'string' }, ...TRAIN_FLAGS }, 'rul evaluate');
  const testFile = subsetFile(f.data!, 'test', f.subset!);
  const truth = parseRulTruth(readFileSync(subsetFile(f.data!, 'RUL', f.subset!), 'utf8'));
  let model: RulModel;
  let seconds = Number.NaN;
  if (f.model !== undefined) model = loadModel(f.model);
  else {
    const file = subsetFile(f.data!, 'train', f.subset!);
    const started = process.hrtime.bigint();
    model = trainRul(parseCmapss(readFileSync(file, 'utf8'), file), trainOptions(f, io));
    seconds = Number(process.hrtime.bigint() - started) / 1e9;
  }
  const test = parseCmapss(readFileSync(testFile, 'utf8'), testFile);
  if (test.length !== truth.length) {
    throw MlErrors.create('bad_data', `${f.subset}: ${test.length} test units but ${truth.length} true RUL values`, { units: test.length, truth: truth.length });
  }
  const pred = predictRul(model, test);
  if (f.out !== undefined) writePredictions(f.out, test.map((h) => h.id), pred);
  const time = Number.isNaN(seconds) ? '' : `, training ${seconds.toFixed(1)} s`;
  io.stdout(`${f.subset}: ${test.length} test units, RMSE ${rmse(pred, truth).toFixed(2)}, PHM08 score ${phm08Score(pred, truth).toFixed(1)}${time}`);
  return 0;
}

export const rulCommand: CliCommand = {
  name: 'rul',
  summary: 'Remaining useful life from run-to-failure histories (C-MAPSS format)',
  usage: USAGE,
  run: (argv, io) => runSubcommand('rul', USAGE, { train, predict, evaluate }, argv, io),
};
