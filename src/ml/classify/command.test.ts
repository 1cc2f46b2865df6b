import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatCsv, parseCsv, Rng } from '../core/index.js';
import { classifyCommand } from './command.js';

function io() {
  const out: string[] = [];
  return { out, io: { stdout: (l: string) => out.push(l), stderr: () => {}, env: {} } };
}

/** AI4I-like CSV: failure when speed·torque is high; a leaking mode column that must be excluded. */
function csv(n: number, seed: number): string {
  const rng = new Rng(seed);
  const rows: Array<Array<string | number>> = [];
  for (let i = 0; i < n; i++) {
    const torque = 40 + rng.normal() * 10, speed = 1500 + rng.normal() * 150;
    const fail = torque * speed > 80_000 ? 1 : 0;
    rows.push([i + 1, ['L', 'M', 'H'][rng.int(3)]!, torque.toFixed(1), speed.toFixed(0), fail, fail]);
  }
  return formatCsv(['UDI', 'Type', 'Torque [Nm]', 'Rotational speed [rpm]', 'Machine failure', 'PWF'], rows);
}

const FAST = ['--rounds', '60'];

test('classify train → predict writes probability,label per input row; cv reports mean ± sd', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'classify-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'train.csv'), csv(600, 1));
  writeFileSync(join(dir, 'new.csv'), csv(50, 2));
  const model = join(dir, 'model.json');
  const a = io();
  assert.equal(await classifyCommand.run(['train', '--data', join(dir, 'train.csv'), '--target', 'Machine failure', '--exclude', 'PWF', '--model', model, ...FAST], a.io), 0);
  assert.match(a.out.join('\n'), /dropped columns: UDI \(identifier/);
  const doc = JSON.parse(readFileSync(model, 'utf8'));
  assert.equal(doc.kind, 'twinworks.classifier');
  assert.ok(!doc.encoder.featureNames.includes('PWF'), 'excluded column is not a feature');

  const out = join(dir, 'pred.csv');
  assert.equal(await classifyCommand.run(['predict', '--model', model, '--data', join(dir, 'new.csv'), '--out', out], io().io), 0);
  const pred = parseCsv(readFileSync(out, 'utf8'));
  assert.deepEqual(pred.header, ['probability', 'label']);
  assert.equal(pred.rows.length, 50);
  for (const [p, l] of pred.rows) {
    assert.ok(Number(p) >= 0 && Number(p) <= 1);
    assert.ok(l === '0' || l === '1');
  }

  const c = io();
  assert.equal(await classifyCommand.run(['cv', '--data', join(dir, 'train.csv'), '--target', 'Machine failure', '--exclude', 'PWF', '--folds', '3', ...FAST], c.io), 0);
  assert.equal(c.out.filter((l) => l.startsWith('fold ')).length, 3);
  assert.match(c.out.join('\n'), /mean ± sd over 3 folds: F1 \d\.\d{3} ± \d\.\d{3}/);
});

test('classify: clear errors for unknown columns, flags and files', async () => {
  const sink = io().io;
  const code = (e: unknown) => (e as { code?: string }).code;
  const dir = mkdtempSync(join(tmpdir(), 'classify-err-'));
  try {
    writeFileSync(join(dir, 'd.csv'), csv(30, 3));
    await assert.rejects(classifyCommand.run(['train', '--data', join(dir, 'd.csv'), '--target', 'Failure', '--model', 'm'], sink), (e) => code(e) === 'ml.unknown_column' && /"Failure"/.test((e as Error).message));
    await assert.rejects(classifyCommand.run(['train', '--data', join(dir, 'd.csv'), '--target', 'Machine failure', '--exclude', 'TWF', '--model', 'm'], sink), (e) => code(e) === 'ml.unknown_column');
    await assert.rejects(classifyCommand.run(['cv', '--data', join(dir, 'missing.csv'), '--target', 'x'], sink), (e) => code(e) === 'ml.file_not_found');
    await assert.rejects(classifyCommand.run(['cv', '--data', 'x', '--target', 'y', '--class-weight', 'heavy'], sink), (e) => code(e) === 'ml.bad_flag_value');
    await assert.rejects(classifyCommand.run(['predict', '--model', join(dir, 'd.csv'), '--data', join(dir, 'd.csv'), '--out', join(dir, 'o')], sink), (e) => code(e) === 'ml.bad_model');
    await assert.rejects(classifyCommand.run(['train', '--target'], sink), (e) => code(e) === 'ml.bad_flag_value');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
