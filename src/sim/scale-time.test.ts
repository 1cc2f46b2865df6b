/**
 * Time and scale: backfill to now and then live with source times that join up; --speed 3600; and
 * 10,000 devices from one process, each at a stable rate, spread evenly over the interval.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSimulateArgs } from './command.js';
import { runSimulator } from './runner.js';
import { createPlant } from './engine/plant.js';
import type { PlantConfig } from './engine/config.js';
import type { TelemetryMessage } from './engine/telemetry.js';

const SMALL: PlantConfig = { lines: [{ id: 'L1', machines: [{ type: 'cnc' }, { type: 'quality' }] }] };
const HOUR = 3_600_000;

test('backfill from two hours ago to now, then live: one continuous series per device with correct source times', async () => {
  const msgs: TelemetryMessage[] = [];
  const from = Date.now() - 2 * HOUR;
  const sim = runSimulator({ plant: SMALL, from, backfillIntervalMs: 60_000, rate: 4, durationS: 1.2, onMessage: (m) => msgs.push(m) });
  const stats = await sim.done;
  const endWall = Date.now();
  assert.equal(stats.phase, 'done');
  for (const id of ['L1-CNC', 'L1-QC']) {
    const mine = msgs.filter((m) => m.deviceId === id);
    const gaps = mine.slice(1).map((m, i) => m.time - mine[i]!.time);
    assert.ok(gaps.every((g) => g > 0), 'source times strictly increase');
    assert.ok(mine.every((m) => Date.parse(m.body.timestamp) === m.time));
    // History: one sample a minute from `from` for two hours (≈ 120), then live samples 250 ms apart
    // (1 s / 4 messages at speed 1); nothing in the future.
    const history = gaps.filter((g) => g === 60_000).length;
    const live = gaps.filter((g) => g === 250).length;
    assert.ok(history >= 118 && history <= 121, `${history} minute steps`);
    assert.ok(live >= 2 && live <= 6, `${live} live steps`);
    assert.ok(gaps.every((g) => g === 60_000 || g === 250 || g < 60_000), `gaps ${[...new Set(gaps)].join(',')}`);
    assert.ok(mine[0]!.time >= from && mine[0]!.time < from + 60_000);
    assert.ok(mine.at(-1)!.time <= endWall + 1000, 'not ahead of the wall clock');
    assert.ok(mine.at(-1)!.time >= endWall - 3000, 'caught up with the wall clock');
  }
});

test('--speed 3600: an hour of plant time per wall second, samples an hour apart at one message a second', async () => {
  const opts = await parseSimulateArgs(['--dry-run', '--out', '/dev/null', '--speed', '3600', '--duration', '2'], { stderr: () => {} });
  assert.equal(opts.speed, 3600);
  const msgs: TelemetryMessage[] = [];
  const sim = runSimulator({ plant: SMALL, speed: 3600, rate: 1, durationS: 2.5, onMessage: (m) => msgs.push(m) });
  const stats = await sim.done;
  const cnc = msgs.filter((m) => m.deviceId === 'L1-CNC');
  assert.ok(cnc.length >= 2 && cnc.length <= 4, `${cnc.length} messages`);
  for (let i = 1; i < cnc.length; i++) assert.equal(cnc[i]!.time - cnc[i - 1]!.time, HOUR);
  // 2.5 wall seconds ran (at most) 2.5 plant hours.
  const simHours = (Date.parse(stats.simTime) - sim.plant.startMs) / HOUR;
  assert.ok(simHours > 1.5 && simHours <= 2.5 + 1 / 3600, `${simHours} h`);
});

test('10,000 devices (--lines 2500 --machines-per-line 4) from one process: each exactly at its rate, load spread evenly', async () => {
  const opts = await parseSimulateArgs(['--dry-run', '--out', '/dev/null', '--lines', '2500', '--machines-per-line', '4', '--duration', '1'], { stderr: () => {} });
  const start = Date.parse('2026-01-07T06:30:00Z');
  const plant = createPlant(opts.plant!, { seed: 1, start, sampleIntervalMs: 1000 });
  assert.equal(plant.machines.length, 10_000);
  assert.equal(new Set(plant.machines.map((m) => m.id)).size, 10_000);
  const perDevice = new Map<string, number[]>();
  const perTenth = new Array<number>(30).fill(0);
  plant.advanceTo(start + 3000 - 1, (m) => {
    let times = perDevice.get(m.deviceId);
    if (!times) perDevice.set(m.deviceId, (times = []));
    times.push(m.time);
    perTenth[Math.floor((m.time - start) / 100)]!++;
  });
  assert.equal(perDevice.size, 10_000);
  for (const [id, times] of perDevice) {
    assert.equal(times.length, 3, id);
    assert.deepEqual([times[1]! - times[0]!, times[2]! - times[1]!], [1000, 1000], id);
  }
  // Phases come from a hash of the id: every 100 ms carries about a tenth of the devices
  // (binomial, σ ≈ 30; 850–1150 is five σ).
  for (const n of perTenth) assert.ok(n >= 850 && n <= 1150, `${n} messages in a 100 ms slot`);
});
