import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MlErrors, parseCsv } from '../core/index.js';
import { rulCommand } from './command.js';
import { syntheticFleet, type SyntheticUnit } from './synthetic.js';

/** C-MAPSS layout: unit, cycle, 3 settings, 21 sensors (synthetic values padded with constants). */
function toCmapss(units: readonly SyntheticUnit[]): string {
  const lines: string[] = [];
  for (const u of units) {
    u.sensors.forEach((s, t) => {
      const settings = [...Array.from(u.settings[t]!), 100];
      const sensors = [...Array.from(s), ...new Array<number>(16).fill(1)];
      lines.push([u.id, t + 1, ...settings, ...sensors].join(' ') + '  ');
    });
  }
  return lines.join('\n') + '\n';
}

function io() {
  const out: string[] = [], err: string[] = [];
  return { out, err, io: { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l), env: {} } };
}

const FAST = ['--folds', '2', '--rounds', '30', '--epochs', '2', '--cap', '80', '--quiet'];

test('rul train → predict → evaluate through the command, writing unit,rul per test unit', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rul-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const testUnits = syntheticFleet(7, 21, { truncate: true });
  writeFileSync(join(dir, 'train_SYN.txt'), toCmapss(syntheticFleet(12, 20)));
  writeFileSync(join(dir, 'test_SYN.txt'), toCmapss(testUnits));
  writeFileSync(join(dir, 'RUL_SYN.txt'), testUnits.map((u) => `${u.rul}\n`).join(''));
  const modelPath = join(dir, 'model.json');

  const a = io();
  assert.equal(await rulCommand.run(['train', '--data', dir, '--subset', 'SYN', '--model', modelPath, ...FAST], a.io), 0);
  const doc = JSON.parse(readFileSync(modelPath, 'utf8'));
  assert.equal(doc.kind, 'twinworks.rul');
  assert.equal(doc.version, 1);

  const outPath = join(dir, 'pred.csv');
  const b = io();
  assert.equal(await rulCommand.run(['predict', '--model', modelPath, '--test', join(dir, 'test_SYN.txt'), '--out', outPath], b.io), 0);
  const csv = parseCsv(readFileSync(outPath, 'utf8'));
  assert.deepEqual(csv.header, ['unit', 'rul']);
  assert.deepEqual(csv.rows.map((r) => r[0]), ['1', '2', '3', '4', '5', '6', '7']);
  assert.ok(csv.rows.every((r) => Number(r[1]) >= 0 && Number(r[1]) <= 80));

  const c = io();
  assert.equal(await rulCommand.run(['evaluate', '--data', dir, '--subset', 'SYN', '--model', modelPath], c.io), 0);
  assert.match(c.out.join('\n'), /SYN: 7 test units, RMSE \d+\.\d\d, PHM08 score \d+\.\d/);
});

test('rul command: clear errors for bad flags and files', async () => {
  const { io: sink } = io();
  const code = (err: unknown) => (err as { code?: string }).code;
  await assert.rejects(rulCommand.run(['train', '--data', '/nonexistent', '--subset', 'FD001'], sink), (e) => code(e) === 'ml.missing_flag');
  await assert.rejects(rulCommand.run(['train', '--model', 'm.json', '--data', '/nonexistent-dir', '--subset', 'FD001'], sink), (e) => code(e) === 'ml.file_not_found' && /train_FD001\.txt/.test((e as Error).message));
  await assert.rejects(rulCommand.run(['predict', '--model', 'm.json', '--tset', 'x'], sink), (e) => code(e) === 'ml.unknown_flag' && /--tset/.test((e as Error).message));
  await assert.rejects(rulCommand.run(['train', '--train', 'x', '--model', 'm', '--members', 'svm'], sink), (e) => code(e) === 'ml.bad_flag_value' && /gbdt and\/or mlp/.test((e as Error).message));
  await assert.rejects(rulCommand.run(['train', '--train', 'x', '--model', 'm', '--folds', 'two'], sink), (e) => MlErrors.is(e, 'bad_flag_value'));
  await assert.rejects(rulCommand.run(['fit'], sink), (e) => code(e) === 'ml.unknown_subcommand');
});
