import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSimulateArgs, simulateCommand } from './command.js';
import { SimErrors } from './errors.js';

const io = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l), env: {} } };
};

test('dry-run backfill writes every sample with source timestamps, and a labels file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sim-cmd-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const out = join(dir, 'messages.jsonl');
  const labels = join(dir, 'labels.jsonl');
  const { io: cli, out: stdout } = io();
  const code = await simulateCommand.run(
    ['--dry-run', '--out', out, '--labels', labels, '--lines', '2', '--machines-per-line', '3', '--from', '2026-01-07T07:00:00Z', '--to', '2026-01-07T09:00:00Z', '--interval', '60', '--seed', '5'],
    cli,
  );
  assert.equal(code, 0);
  const lines = (await readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { deviceId: string; body: { timestamp: string } });
  // 2 lines × 3 machines, one sample a minute for two hours.
  assert.equal(lines.length, 6 * 120);
  assert.deepEqual([...new Set(lines.map((l) => l.deviceId))].sort(), ['LINE-1-CNC', 'LINE-1-CONVEYOR', 'LINE-1-ROBOT', 'LINE-2-CNC', 'LINE-2-CONVEYOR', 'LINE-2-ROBOT']);
  assert.ok(lines.every((l) => l.body.timestamp >= '2026-01-07T07:00:00' && l.body.timestamp < '2026-01-07T09:00:00'));
  // The 08:00–08:15 break is in every device's labels.
  const labelLines = (await readFile(labels, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { kind: string; mode: string; time: string; end?: string });
  const breaks = labelLines.filter((l) => l.kind === 'plannedStop' && l.mode === 'break');
  assert.equal(breaks.length, 6);
  assert.ok(breaks.every((b) => b.time === '2026-01-07T08:00:00.000Z' && b.end === '2026-01-07T08:15:00.000Z'));
  assert.equal(JSON.parse(stdout.at(-1)!).messages, 720);
});

test('a plant file describes the lines; bad options fail with sim.invalid_option', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sim-cmd-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const plantFile = join(dir, 'plant.yaml');
  await writeFile(plantFile, 'lines:\n  - id: CELL-A\n    machines:\n      - type: cnc\n      - type: cnc\n      - type: quality\n');
  const opts = await parseSimulateArgs(['--dry-run', '--out', join(dir, 'x'), '--plant', plantFile, '--duration', '1'], { stderr: () => {} });
  assert.deepEqual(opts.plant?.lines.map((l) => l.machines.map((m) => m.type)), [['cnc', 'cnc', 'quality']]);
  const bad: string[][] = [
    [],
    ['--dry-run'],
    ['--url', 'mqtt://x', '--dry-run', '--out', 'f'],
    ['--url', 'mqtt://x'], // IoT Hub without DPS or keys
    ['--url', 'mqtt://x', '--protocol', 'amqp'],
    ['--url', 'mqtt://x', '--protocol', 'generic', '--speed', '-3'],
    ['--url', 'mqtt://x', '--protocol', 'generic', '--bogus'],
    ['--dry-run', '--out', 'f', '--plant', plantFile, '--lines', '2'],
    ['--url', 'mqtt://x', '--dps-scope', 'S'],
  ];
  for (const args of bad) {
    await assert.rejects(parseSimulateArgs(args, { stderr: () => {} }), (err) => SimErrors.is(err, 'invalid_option'), args.join(' '));
  }
  await writeFile(plantFile, 'lines:\n  - id: CELL-A\n    machines:\n      - type: lathe\n');
  await assert.rejects(parseSimulateArgs(['--dry-run', '--out', 'f', '--plant', plantFile], { stderr: () => {} }),
    (err) => SimErrors.is(err, 'invalid_plant') && String(err.details.path) === 'lines.0.machines.0.type');
});
