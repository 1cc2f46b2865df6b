import { test } from 'node:test';
import assert from 'node:assert/strict';
import { field, mean, MINUTE, quietPlant, run } from './testing/fixtures.js';

const ID = 'L-CNC';
const mine = (msgs: ReturnType<ReturnType<typeof run>['advance']>) => msgs.filter((m) => m.deviceId === ID);

test('emergencyStop stops the machine until reset; the stop is labelled with its duration', () => {
  const r = run(quietPlant([{ type: 'cnc' }]), { sampleIntervalMs: 10_000 });
  r.advance(30 * MINUTE);
  const res = r.plant.device(ID).invokeMethod('emergencyStop', {});
  assert.equal(res.status, 200);
  const stopped = mine(r.advance(20 * MINUTE));
  assert.ok(stopped.every((m) => m.body.state === 'down' && m.body.stateReason === 'emergencyStop'));
  assert.equal(new Set(stopped.map((m) => m.body.goodCount)).size, 1, 'no parts while stopped');
  assert.ok(stopped.slice(3).every((m) => m.body.speed === 0), 'the spindle runs down');
  assert.deepEqual(r.plant.device(ID).invokeMethod('reset', {}), { status: 200, payload: { reset: true } });
  const resumed = mine(r.advance(10 * MINUTE));
  assert.ok(resumed.slice(1).every((m) => m.body.state === 'running'));
  assert.ok(resumed.at(-1)!.body.goodCount > stopped.at(-1)!.body.goodCount);
  const label = r.labels.find((l) => l.kind === 'command' && l.mode === 'emergencyStop')!;
  assert.equal(Date.parse(label.end!) - Date.parse(label.time), 20 * MINUTE);
});

test('setSpeed changes the spindle speed and the cycle time; bad values are refused with 400', () => {
  const r = run(quietPlant([{ type: 'cnc' }]), { sampleIntervalMs: 10_000 });
  r.advance(10 * MINUTE);
  assert.deepEqual(r.plant.device(ID).invokeMethod('setSpeed', { speed: 6000 }), { status: 200, payload: { targetSpeed: 6000, unit: 'rpm' } });
  r.advance(5 * MINUTE);
  const slow = mine(r.advance(30 * MINUTE)).filter((m) => m.body.state === 'running');
  assert.ok(Math.abs(mean(slow.map((m) => m.body.speed)) - 6000) < 20);
  // Ideal cycle 40 s at 12,000 rpm → 80 s at 6,000 rpm, plus up to a few % of real-world slack.
  const cycles = slow.map((m) => m.body.cycleTime);
  assert.ok(Math.min(...cycles) >= 78 && Math.max(...cycles) <= 95, `cycle times ${Math.min(...cycles)}–${Math.max(...cycles)}`);
  for (const bad of [{ speed: -1 }, { speed: 20_000 }, { speed: 'fast' }, null]) {
    assert.equal(r.plant.device(ID).invokeMethod('setSpeed', bad).status, 400);
  }
  assert.equal(r.plant.machine(ID).targetSpeed, 6000);
  assert.equal(r.plant.device(ID).invokeMethod('setSpeed', 3000).status, 200); // a bare number is accepted too
});

test('resetCounters zeroes both counters, which then count up again', () => {
  const r = run(quietPlant([{ type: 'cnc', defectRate: 0.2 }]), { sampleIntervalMs: 10_000 });
  const before = mine(r.advance(60 * MINUTE)).at(-1)!.body;
  assert.ok(before.goodCount > 0 && before.rejectCount > 0);
  assert.equal(r.plant.device(ID).invokeMethod('resetCounters', {}).status, 200);
  const after = mine(r.advance(60 * MINUTE));
  assert.ok(after[0]!.body.goodCount <= 1 && after[0]!.body.rejectCount <= 1);
  // ~78 parts an hour at 46 s cycles: far fewer than before the reset plus an hour.
  assert.ok(after.at(-1)!.body.goodCount + after.at(-1)!.body.rejectCount < 100);
  assert.ok(after.at(-1)!.body.goodCount > 20);
});

test('unknown methods answer 404 with the list of methods', () => {
  const r = run(quietPlant([{ type: 'cnc' }]));
  const res = r.plant.device(ID).invokeMethod('selfDestruct', {});
  assert.equal(res.status, 404);
  assert.deepEqual((res.payload as { methods: string[] }).methods, ['emergencyStop', 'reset', 'setSpeed', 'resetCounters', 'performMaintenance']);
});

test('desired targetSpeed is honoured and acknowledged (Plug and Play ac/av), invalid values are refused', () => {
  const r = run(quietPlant([{ type: 'cnc' }]), { sampleIntervalMs: 10_000 });
  const device = r.plant.device(ID);
  assert.deepEqual(device.reportedProperties().targetSpeed, { value: 10_800, ac: 203, av: 0, ad: 'device default' });
  const patch = device.applyDesired({ targetSpeed: 9000, $version: 3 });
  assert.deepEqual(patch, { targetSpeed: { value: 9000, ac: 200, av: 3, ad: 'applied' } });
  r.advance(5 * MINUTE);
  const speeds = field(mine(r.advance(20 * MINUTE)).filter((m) => m.body.state === 'running'), ID, 'speed');
  assert.ok(Math.abs(mean(speeds) - 9000) < 20);
  assert.deepEqual(device.reportedProperties().targetSpeed, { value: 9000, ac: 200, av: 3, ad: 'applied' });

  const refused = device.applyDesired({ targetSpeed: 50_000, $version: 4 });
  assert.equal(refused.targetSpeed!.ac, 400);
  assert.equal(refused.targetSpeed!.value, 9000);
  assert.equal(r.plant.machine(ID).targetSpeed, 9000);
  assert.deepEqual(device.applyDesired({ colour: 'red', $version: 5 }), {}); // not in the model: ignored
});

test('desired idealCycleTime changes the cycle time from the next part', () => {
  const r = run(quietPlant([{ type: 'cnc' }]), { sampleIntervalMs: 10_000 });
  r.advance(10 * MINUTE);
  const patch = r.plant.device(ID).applyDesired({ idealCycleTime: 20, $version: 2 });
  assert.equal(patch.idealCycleTime!.ac, 200);
  r.advance(3 * MINUTE);
  // 20 s at 12,000 rpm → 20 × 12000/10800 = 22.2 s at the default 10,800 rpm, plus slack.
  const cycles = mine(r.advance(20 * MINUTE)).map((m) => m.body.cycleTime);
  assert.ok(Math.min(...cycles) >= 21.7 && Math.max(...cycles) <= 26, `cycle times ${Math.min(...cycles)}–${Math.max(...cycles)}`);
  const label = r.labels.find((l) => l.kind === 'command' && l.mode === 'desiredProperties');
  assert.deepEqual(label?.detail, { idealCycleTime: 20, $version: 2 });
});
