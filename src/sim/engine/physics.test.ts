import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROFILES } from './machine-types.js';
import { ambientTemperature, pressureTarget, relax, steadyTemperature, vibrationHighBand, vibrationRms, powerKw, defectProbability } from './physics.js';
import { field, HOUR, mean, MINUTE, quietPlant, run } from './testing/fixtures.js';

const cnc = PROFILES.cnc;

test('first-order lag: after one time constant 1/e of the gap remains, whatever the step size', () => {
  const tau = 1000;
  assert.ok(Math.abs(relax(100, 0, tau, tau) - 100 / Math.E) < 1e-9);
  let x = 100;
  for (let i = 0; i < 10; i++) x = relax(x, 0, tau / 10, tau);
  assert.ok(Math.abs(x - 100 / Math.E) < 1e-9);
});

test('steady temperature: rises with load, and a clogged cooling circuit raises it by 1/0.45', () => {
  const idle = steadyTemperature(cnc, 20, 0.12, 1, 0, false);
  const loaded = steadyTemperature(cnc, 20, 0.9, 1, 0, true);
  assert.ok(Math.abs(loaded - (20 + 28 * 0.9)) < 1e-9); // healthy rise 28 °C at full load
  assert.ok(loaded > idle);
  const clogged = steadyTemperature(cnc, 20, 0.9, 0, 0, true);
  assert.ok(Math.abs(clogged - 20 - (28 * 0.9) / 0.45) < 1e-9);
});

test('vibration: grows with speed squared and with bearing wear (×4 overall, ×16 high band at failure)', () => {
  const slow = vibrationRms(cnc, true, 0.5, 0, 0);
  const fast = vibrationRms(cnc, true, 1, 0, 0);
  assert.ok(Math.abs(slow - (0.6 + 1.0 * 0.25)) < 1e-9);
  assert.ok(Math.abs(fast - 1.6) < 1e-9);
  let last = 0;
  for (const w of [0, 0.2, 0.4, 0.6, 0.8, 1]) {
    const v = vibrationRms(cnc, true, 0.9, w, 0);
    assert.ok(v > last);
    last = v;
  }
  assert.ok(Math.abs(vibrationRms(cnc, true, 0.9, 1, 0) / vibrationRms(cnc, true, 0.9, 0, 0) - 4) < 1e-9);
  assert.ok(Math.abs(vibrationHighBand(cnc, true, 0.9, 1) / vibrationHighBand(cnc, true, 0.9, 0) - 16) < 1e-9);
  assert.equal(vibrationRms(cnc, false, 0, 1, 0), cnc.vibration.background); // a stopped spindle does not vibrate
});

test('power follows load; pressure falls with a leak (to 65 % at failure); scrap rises with tool wear', () => {
  assert.ok(Math.abs(powerKw(cnc, 'running', 1, 0) - 15) < 1e-9);
  assert.ok(Math.abs(powerKw(cnc, 'running', 0.5, 0) - (2 + 13 * 0.5)) < 1e-9);
  assert.ok(powerKw(cnc, 'powered', 0.12, 0) < powerKw(cnc, 'running', 0.3, 0));
  assert.equal(pressureTarget(cnc, 0, 0, false), 20);
  assert.ok(Math.abs(pressureTarget(cnc, 1, 0, false)! - 13) < 1e-9);
  assert.ok(pressureTarget(cnc, 0.5, 0, false)! < 20);
  assert.equal(pressureTarget(PROFILES.conveyor, 0.5, 0, false), undefined);
  assert.ok(defectProbability(0.008, 0.9) > defectProbability(0.008, 0.3));
  assert.equal(defectProbability(0.008, 0), 0.008);
});

test('ambient air peaks at 15:00 local time', () => {
  const at = (h: number) => ambientTemperature(Date.parse('2026-01-07T00:00:00Z') + h * HOUR, 22, 2);
  assert.equal(at(15), 24);
  assert.equal(at(3), 20);
});

test('a running machine is hotter than an idle one, and cools exponentially toward ambient when stopped', () => {
  const r = run(quietPlant([{ type: 'cnc' }]));
  const id = 'L-CNC';
  r.advance(4 * HOUR); // well past 5 thermal time constants (25 min): steady state
  const running = field(r.advance(HOUR), id, 'temperature');
  r.plant.device(id).invokeMethod('setSpeed', { speed: 0 });
  r.advance(4 * HOUR);
  const idle = field(r.advance(HOUR), id, 'temperature');
  assert.ok(mean(running) > mean(idle) + 15, `running ${mean(running)} vs idle ${mean(idle)}`);

  r.plant.device(id).invokeMethod('setSpeed', { speed: 10_800 });
  r.advance(4 * HOUR);
  const before = r.messages.filter((m) => m.deviceId === id).at(-1)!;
  r.plant.device(id).invokeMethod('emergencyStop', {});
  const after = r.advance(60 * MINUTE).filter((m) => m.deviceId === id);
  const t0 = before.time;
  const gap0 = before.body.temperature! - 22;
  for (const m of after.filter((_, i) => i % 10 === 5)) {
    const expected = Math.exp(-(m.time - t0) / (25 * MINUTE)); // CNC thermal time constant
    const ratio = (m.body.temperature! - 22) / gap0;
    assert.ok(Math.abs(ratio - expected) < 0.02, `at +${(m.time - t0) / MINUTE} min: ${ratio} vs ${expected}`);
  }
});

test('vibration rises with bearing wear and with speed, power with load, in the message stream', () => {
  const worn = run(quietPlant([{ type: 'cnc', degradation: { bearingWear: { initialHealth: 0.3, lifeDays: 1e6 } } }]));
  const fresh = run(quietPlant([{ type: 'cnc' }]));
  const vWorn = mean(field(worn.advance(HOUR), 'L-CNC', 'vibration'));
  const vFresh = mean(field(fresh.advance(HOUR), 'L-CNC', 'vibration'));
  // Wear 0.7: ×(1 + 3·0.49) = ×2.47 over the healthy level.
  assert.ok(Math.abs(vWorn / vFresh - 2.47) < 0.1, `ratio ${vWorn / vFresh}`);

  const pFast = mean(field(fresh.messages, 'L-CNC', 'power'));
  fresh.plant.device('L-CNC').invokeMethod('setSpeed', { speed: 5400 }); // 0.45 of max instead of 0.9
  fresh.advance(5 * MINUTE);
  const slowMsgs = fresh.advance(HOUR);
  const vSlow = mean(field(slowMsgs, 'L-CNC', 'vibration'));
  // (0.6 + 1.0·0.45²) / (0.6 + 1.0·0.9²) = 0.8025 / 1.41 = 0.569
  assert.ok(Math.abs(vSlow / vFresh - 0.569) < 0.03, `ratio ${vSlow / vFresh}`);
  // Power: 2 + 13·0.9 = 13.7 kW at 0.9 of max, 2 + 13·0.45 = 7.85 kW at 0.45.
  assert.ok(Math.abs(pFast - 13.7) < 0.2, `fast ${pFast}`);
  assert.ok(Math.abs(mean(field(slowMsgs, 'L-CNC', 'power')) - 7.85) < 0.2);
});

test('a growing leak lowers the supply pressure day by day', () => {
  const r = run(quietPlant([{ type: 'robot', degradation: { pressureLeak: { onsetAfterDays: 0, growthDays: 2 } } }]));
  const id = 'L-ROBOT';
  const first = mean(field(r.advance(HOUR), id, 'pressure'));
  r.advance(23 * HOUR);
  const day1 = mean(field(r.advance(HOUR), id, 'pressure'));
  // Wear ≈ 0.5 after a day of a 2-day leak: 6 bar × (1 − 0.35·0.5^1.5) ≈ 5.26 bar, minus the running dip.
  assert.ok(first > 5.6, `start ${first}`);
  assert.ok(day1 < first - 0.5, `after a day ${day1}`);
  assert.ok(Math.abs(day1 - (5.258 - 0.3 * 0.9)) < 0.1, `after a day ${day1}`);
});
