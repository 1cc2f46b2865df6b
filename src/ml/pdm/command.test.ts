import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MlErrors } from '../core/index.js';
import type { Label, PlantConfig } from '../../sim/index.js';
import { createPlant } from '../../sim/index.js';
import { evaluateCommand, trainCommand } from './command.js';
import { PdmErrors } from './errors.js';
import { assertPdmModel } from './model.js';

function capture() {
  const out: string[] = [], err: string[] = [];
  return { out, err, io: { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l), env: {} } };
}

test('flags: exactly one data source, dates checked, --model required', async () => {
  const { io } = capture();
  await assert.rejects(trainCommand.run(['--from-sim', '--from', '2026-01-01', '--to', '2026-01-02'], io), (e) => MlErrors.is(e, 'missing_flag'));
  await assert.rejects(trainCommand.run(['--model', 'm.json'], io), (e) => PdmErrors.is(e, 'bad_flag'));
  await assert.rejects(trainCommand.run(['--model', 'm.json', '--data', 'd', '--from-sim'], io), (e) => PdmErrors.is(e, 'bad_flag'));
  await assert.rejects(trainCommand.run(['--model', 'm.json', '--from-sim', '--from', 'soon', '--to', '2026-01-02'], io), (e) => PdmErrors.is(e, 'bad_flag'));
  await assert.rejects(trainCommand.run(['--model', 'm.json', '--data', '/nonexistent'], io), (e) => PdmErrors.is(e, 'bad_flag'));
  await assert.rejects(evaluateCommand.run(['--speed', '2'], io), (e) => MlErrors.is(e, 'unknown_flag'));
});

test('ml train --data reads a simulator dry run (telemetry.jsonl + labels.jsonl) and writes a model', async () => {
  // Four CNCs whose bearings start part-worn with short lives: four failures in six days.
  const plant: PlantConfig = {
    anomaliesPerDevicePerDay: 0, sensorFaultsPerDevicePerDay: 0,
    lines: [0.3, 0.4, 0.5, 0.6].map((w, i) => ({ id: `L${i + 1}`, machines: [{ type: 'cnc' as const, degradation: { bearingWear: { initialHealth: 1 - w, lifeDays: 8 }, pressureLeak: { onsetAfterDays: 1000 } } }] })),
  };
  const dir = mkdtempSync(join(tmpdir(), 'pdm-cli-'));
  try {
    const labels: Label[] = [];
    const lines: string[] = [];
    const start = Date.parse('2026-01-05T00:00:00Z');
    const sim = createPlant(plant, { seed: 3, start, sampleIntervalMs: 120_000, stepMs: 10_000, onLabel: (l) => labels.push(l) });
    sim.advanceTo(start + 7 * 86_400_000, (m) => lines.push(JSON.stringify({ deviceId: m.deviceId, body: m.body })));
    sim.flushLabels();
    writeFileSync(join(dir, 'telemetry.jsonl'), lines.join('\n') + '\n');
    writeFileSync(join(dir, 'labels.jsonl'), labels.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const failures = labels.filter((l) => l.kind === 'failure' && l.mode === 'bearingWear').length;
    assert.ok(failures >= 3, `the fixture holds ${failures} bearing failures`);
    const { out, io } = capture();
    const file = join(dir, 'model.json');
    const saved = join(dir, 'rows.json');
    assert.equal(await trainCommand.run(['--data', dir, '--model', file, '--rounds', '30', '--folds', '2', '--quiet', '--save-dataset', saved], io), 0);
    const model = assertPdmModel(JSON.parse(readFileSync(file, 'utf8')));
    // The saved rows train the same model again without reading the telemetry (training is seeded).
    const again = join(dir, 'again.json');
    assert.equal(await trainCommand.run(['--dataset', saved, '--model', again, '--rounds', '30', '--folds', '2', '--quiet'], capture().io), 0);
    const second = assertPdmModel(JSON.parse(readFileSync(again, 'utf8')));
    assert.deepEqual([second.modes, second.warning, second.dataWindow], [model.modes, model.warning, model.dataWindow]);
    assert.ok(model.modes.some((m) => m.mode === 'bearingWear'));
    // Rows start at the first hour boundary three days after the first message (warm-up).
    assert.equal(model.dataWindow.from, '2026-01-08T01:00:00.000Z');
    assert.match(out.join('\n'), /bearingWear: 24 h: AP/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('twinworks ml dispatches train and evaluate; `ml help <sub>` prints that subcommand’s flags', async () => {
  const { mlCommand } = await import('../index.js');
  const c = capture();
  assert.equal(await mlCommand.run(['help', 'evaluate'], c.io), 0);
  assert.match(c.out.join('\n'), /--test-seed 42/);
  const t = capture();
  assert.equal(await mlCommand.run(['help', 'train'], t.io), 0);
  assert.match(t.out.join('\n'), /--from-sim/);
  const all = capture();
  assert.equal(await mlCommand.run(['help'], all.io), 0);
  assert.match(all.out.join('\n'), /train .*\n\s+evaluate /);
  // A flag error reaches the evaluate command itself (not the ml dispatcher).
  await assert.rejects(mlCommand.run(['evaluate', '--speed', '2'], all.io), (e) => MlErrors.is(e, 'unknown_flag'));
});
