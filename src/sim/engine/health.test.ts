import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Health } from './health.js';
import { Rng } from './rng.js';
import { HOUR, MINUTE, quietPlant, run, START } from './testing/fixtures.js';

const DAY = 86_400_000;

test('a new bearing running at full speed fails after exactly its life, whatever the step size', () => {
  for (const stepMs of [1000, 60_000, 3_600_000]) {
    const h = new Health(['bearingWear'], new Rng(1), START, { bearingWear: { initialHealth: 1, lifeDays: 10 } });
    let t = 0;
    // Bounded: 11 days of steps at most.
    while (h.failedMode() === null && t < 11 * DAY) {
      h.degradeRunning(START + t, stepMs, 1, 1);
      t += stepMs;
    }
    assert.equal(h.failedMode(), 'bearingWear');
    assert.ok(Math.abs(t - 10 * DAY) <= stepMs, `step ${stepMs}: failed after ${t / DAY} days`);
  }
});

test('bearing wear accelerates: the second half of the life goes faster than the first', () => {
  const h = new Health(['bearingWear'], new Rng(1), START, { bearingWear: { initialHealth: 1, lifeDays: 10 } });
  h.degradeRunning(START, 5 * DAY, 1, 1);
  // Analytically w(t) = (e^{2rt} − 1)/2 with 2r·10 d = ln 3: w(5 d) = (√3 − 1)/2 ≈ 0.366 < 0.5.
  assert.ok(Math.abs(h.wear('bearingWear') - (Math.sqrt(3) - 1) / 2) < 1e-9);
  assert.equal(h.degradingSince.bearingWear, undefined);
  h.degradeRunning(START + 5 * DAY, 2 * DAY, 1, 1);
  assert.equal(h.degradingSince.bearingWear, START + 5 * DAY); // crossed 0.5 during this interval
});

test('tool wear is per part: a tool fails on its last planned part', () => {
  const h = new Health(['toolWear'], new Rng(1), START, { toolWear: { initialHealth: 1, lifeParts: 50 } });
  for (let i = 0; i < 49; i++) h.wearTool(START);
  assert.equal(h.failedMode(), null);
  h.wearTool(START);
  assert.equal(h.failedMode(), 'toolWear');
});

test('failure at zero health stops the machine until corrective maintenance, which restores health', () => {
  const r = run(quietPlant([{ type: 'cnc', degradation: { bearingWear: { initialHealth: 0.05, lifeDays: 2 } } }]), { sampleIntervalMs: 10_000 });
  const m = r.plant.machine('L-CNC');
  // The failure label is written when the repair ends; stop right then to look at the new bearing.
  for (let i = 0; i < 72 && !r.labels.some((l) => l.kind === 'failure'); i++) r.advance(10 * MINUTE);
  const failure = r.labels.find((l) => l.kind === 'failure');
  assert.ok(failure, 'the bearing failed');
  // A new bearing (health 0.97–1), at most 10 minutes old (a 2-day life wears ≈ 0.004 in that time).
  assert.ok(m.health.level.bearingWear >= 0.96, `health ${m.health.level.bearingWear}`);
  r.advance(HOUR);
  assert.equal(failure.mode, 'bearingWear');
  const from = Date.parse(failure.time);
  const to = Date.parse(failure.end!);
  const mine = r.messages.filter((x) => x.deviceId === 'L-CNC');
  const before = mine.filter((x) => x.time < from);
  const during = mine.filter((x) => x.time >= from && x.time < to);
  const after = mine.filter((x) => x.time >= to);
  assert.equal(before.at(-1)!.body.state, 'running');
  assert.deepEqual([during[0]!.body.state, during[0]!.body.stateReason], ['down', 'bearingWear']);
  // Down while the technician comes, then in corrective maintenance; never running.
  assert.ok(during.every((x) => (x.body.state === 'down' && x.body.stateReason === 'bearingWear') || (x.body.state === 'maintenance' && x.body.stateReason === 'corrective')));
  assert.ok(during.some((x) => x.body.state === 'maintenance'));
  assert.equal(new Set(during.map((x) => x.body.goodCount)).size, 1);
  const maintenance = r.labels.find((l) => l.kind === 'maintenance' && l.mode === 'corrective');
  assert.equal(maintenance?.end, failure.end);
  // Running again, with vibration back to the healthy level.
  assert.equal(after[0]?.body.state, 'running');
  const vib = (xs: typeof mine) => xs.filter((x) => x.body.state === 'running').map((x) => x.body.vibration!);
  const late = vib(before).slice(-30);
  const fresh = vib(after).slice(5, 35);
  assert.ok(Math.min(...late) > 2 * Math.max(...fresh), 'worn bearing vibrated far more than the new one');
});

test('requested maintenance (performMaintenance) restores worn parts and then the machine runs again', () => {
  const r = run(quietPlant([{ type: 'cnc', degradation: { overheating: { initialHealth: 0.4, lifeDays: 1e6 } } }]));
  r.advance(HOUR);
  const res = r.plant.device('L-CNC').invokeMethod('performMaintenance', { minutes: 30 });
  assert.equal(res.status, 200);
  const during = r.advance(25 * MINUTE).filter((x) => x.deviceId === 'L-CNC');
  assert.ok(during.slice(1).every((x) => x.body.state === 'maintenance' && x.body.stateReason === 'requested'));
  r.advance(10 * MINUTE);
  assert.ok(r.plant.machine('L-CNC').health.level.overheating >= 0.97);
  assert.equal(r.plant.machine('L-CNC').state, 'running');
  assert.deepEqual(r.labels.filter((l) => l.kind === 'maintenance').map((l) => [l.mode, l.detail]), [['requested', { restored: ['overheating'] }]]);
});
