import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FEATURE_NAMES } from './catalogue.js';
import { MachineTracker } from './tracker.js';

const H = 3_600_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (x: Float64Array, name: string) => x[FEATURE_NAMES.indexOf(name)]!;

/**
 * 72 hours, six messages an hour. The high band grows 1 % an hour (log-linear), scrap is a constant
 * 2 rejects per 8 parts, one counter reset, two minor stops and one idle half-hour in the last day,
 * one maintenance sample at hour 40.
 */
function feed(tr: MachineTracker): void {
  let good = 0, reject = 0, k = 0;
  for (let h = 0; h < 72; h++) {
    for (let s = 0; s < 6; s++, k++) {
      let state = 'running', reason: string | undefined;
      if ((h === 55 && (s === 2 || s === 3)) || (h === 56 && s === 5)) [state, reason] = ['down', 'minorStop'];
      if (h === 60 && s < 3) [state, reason] = ['idle', 'stoppedByOperator'];
      if (h === 40 && s === 0) [state, reason] = ['maintenance', 'requested'];
      good = h === 50 && s === 0 ? 1 : good + 1; // resetCounters at hour 50: the counter restarts
      if (k % 3 === 0) reject++;
      tr.add({ time: T0 + h * H + s * 600_000, values: { state, ...(reason ? { stateReason: reason } : {}), vibrationHighBand: 0.2 * Math.exp(0.01 * h), goodCount: good, rejectCount: reject, speed: 10_000 } });
    }
  }
}

test('features of a hand-built 72-hour series', () => {
  const tr = new MachineTracker({ deviceId: 'L1-CNC', type: 'cnc' }, { anomaly: false });
  feed(tr);
  assert.equal(tr.advanceTo(T0 + 72 * H), 1);
  assert.equal(tr.boundary, T0 + 72 * H);
  const x = tr.features();
  // level: mean of the last six hourly medians (hours 66–71).
  let level = 0;
  for (let h = 66; h < 72; h++) level += (0.2 * Math.exp(0.01 * h)) / 6;
  assert.ok(Math.abs(at(x, 'vibrationHighBand.level') - level) < 1e-12);
  // dev: log level against the median of the daily means of log values. The maintenance at hour 40
  // restarts channel history: the day blocks [24, 48) and [48, 72) keep hours 40–47 (mean h = 43.5)
  // and 48–71 (59.5); the first block is empty. Median of the two: h = 51.5.
  const dev = Math.log(level) - (Math.log(0.2) + 0.01 * 51.5);
  assert.ok(Math.abs(at(x, 'vibrationHighBand.dev') - dev) < 1e-12);
  // 1 % an hour in log terms is 0.24 a day over every window (the 7-day one has 32 hours since the repair).
  for (const w of ['slope1d', 'slope3d', 'slope7d']) assert.ok(Math.abs(at(x, `vibrationHighBand.${w}`) - 0.24) < 1e-9, w);
  assert.ok(Math.abs(at(x, 'vibrationHighBand.proj3d') - (dev + 0.72)) < 1e-9);
  // Trend age: the deviation divided by the daily trend, in days.
  assert.ok(dev > 0 && Math.abs(at(x, 'vibrationHighBand.age') - dev / 0.24) < 1e-9);
  assert.ok(Number.isNaN(at(x, 'hoursUntil.plannedMaintenance')), 'no maintenance window seen yet');
  // Scrap: one reject every third message = 2 per hour against 6 good: 2 / 8, the reset notwithstanding.
  assert.ok(Math.abs(at(x, 'scrapRate.24h') - 0.25) < 1e-12);
  assert.ok(Math.abs(at(x, 'scrapRate.6h') - 0.25) < 1e-12);
  // Running share of the last 24 h: 6 of the 144 messages were not running.
  assert.ok(Math.abs(at(x, 'running.share24h') - 23 / 24) < 1e-12);
  assert.equal(at(x, 'minorStops.24h'), 2);
  assert.equal(at(x, 'hoursSince.maintenance'), 32);
  assert.ok(Number.isNaN(at(x, 'hoursSince.plannedMaintenance')), 'never seen');
  assert.ok(Number.isNaN(at(x, 'anomaly.max24h')), 'detectors off');
  assert.equal(at(x, 'type.cnc'), 1);
  assert.equal(at(x, 'type.robot'), 0);
  // Channels never reported (vibration, pressure) stay unknown rather than zero.
  assert.ok(Number.isNaN(at(x, 'vibration.level')));
});

test('features read finished hours only: later messages do not change a boundary snapshot', () => {
  const tr = new MachineTracker({ deviceId: 'L1-CNC', type: 'cnc' }, { anomaly: false });
  feed(tr);
  tr.advanceTo(T0 + 72 * H);
  const before = Array.from(tr.features());
  tr.add({ time: T0 + 72 * H + 1000, values: { state: 'running', vibrationHighBand: 99, goodCount: 1e6, rejectCount: 1e6 } });
  assert.deepEqual(Array.from(tr.features()).map(String), before.map(String));
});

test('repeated or late messages are dropped; failure states are recognised', () => {
  const tr = new MachineTracker({ deviceId: 'L1-ROBOT', type: 'robot' }, { anomaly: false });
  tr.add({ time: T0, values: { state: 'running', vibration: 1, goodCount: 0, rejectCount: 0 } });
  tr.add({ time: T0 + 60_000, values: { state: 'running', vibration: 1, goodCount: 5, rejectCount: 0 } });
  tr.add({ time: T0 + 60_000, values: { state: 'running', vibration: 1, goodCount: 5, rejectCount: 5 } }); // redelivery
  tr.add({ time: T0 + 30_000, values: { state: 'down', stateReason: 'bearingWear', goodCount: 5, rejectCount: 9 } }); // late
  assert.equal(tr.currentState.inFailure, false);
  tr.add({ time: T0 + 120_000, values: { state: 'down', stateReason: 'bearingWear', goodCount: 5, rejectCount: 0 } });
  assert.equal(tr.currentState.inFailure, true);
  tr.advanceTo(T0 + H);
  assert.equal(tr.features()[FEATURE_NAMES.indexOf('scrapRate.6h')], 0, '5 good, no reject: the repeat and the late message were not counted');
});

test('after a repair, channel statistics restart from the new part', () => {
  const tr = new MachineTracker({ deviceId: 'L1-CNC', type: 'cnc' }, { anomaly: false });
  // A worn bearing (high band 1.0 mm/s) for 30 hours, an hour of maintenance, then 0.2 mm/s.
  for (let h = 0; h < 40; h++) {
    for (let s = 0; s < 6; s++) {
      const state = h === 30 ? 'maintenance' : 'running';
      tr.add({ time: T0 + h * H + s * 600_000, values: { state, ...(h === 30 ? { stateReason: 'corrective' } : {}), vibrationHighBand: h < 30 ? 1.0 : 0.2 } });
    }
  }
  tr.advanceTo(T0 + 40 * H);
  const x = tr.features();
  // Only hours 31–39 count: a flat 0.2 with no deviation and no trend, not "80 % below normal".
  assert.ok(Math.abs(at(x, 'vibrationHighBand.level') - 0.2) < 1e-12);
  assert.ok(Math.abs(at(x, 'vibrationHighBand.dev')) < 1e-12);
  assert.ok(Math.abs(at(x, 'vibrationHighBand.slope1d')) < 1e-12);
  assert.ok(Number.isNaN(at(x, 'vibrationHighBand.slope7d')), 'nine hours are too few for a weekly trend');
  assert.ok(Math.abs(at(x, 'hoursSince.maintenance') - (40 - 30 - 5 / 6)) < 1e-9);
});

test('levels carry across a stop: the last known running level, not "no data"', () => {
  const tr = new MachineTracker({ deviceId: 'L1-CNC', type: 'cnc' }, { anomaly: false });
  // Ten running hours at 0.1…1.0 mm/s, then twelve hours of a planned stop (nothing runs).
  for (let h = 0; h < 22; h++) {
    for (let s = 0; s < 6; s++) {
      const running = h < 10;
      tr.add({ time: T0 + h * H + s * 600_000, values: running ? { state: 'running', vibration: 0.1 * (h + 1) } : { state: 'plannedStop', stateReason: 'plannedMaintenance', vibration: 0.05 } });
    }
  }
  tr.advanceTo(T0 + 22 * H);
  // Newest six known running hours are 4–9: 0.5…1.0, mean 0.75; the stop's readings are not "running".
  assert.ok(Math.abs(at(tr.features(), 'vibration.level') - 0.75) < 1e-12);
  assert.ok(Math.abs(at(tr.features(), 'hoursSince.plannedMaintenance') - 1 / 6) < 1e-9, 'last stop message at 21:50');
});

test('hours until the next planned-maintenance window, from the period of the windows seen', () => {
  const tr = new MachineTracker({ deviceId: 'L1-ROBOT', type: 'robot' }, { anomaly: false });
  // Windows on day 0 and day 7, 06:00–14:00; a message every 10 minutes for 8 days.
  for (let m = 0; m < 8 * 24 * 60; m += 10) {
    const h = (m / 60) % 24, day = Math.floor(m / 1440);
    const planned = (day === 0 || day === 7) && h >= 6 && h < 14;
    tr.add({ time: T0 + m * 60_000, values: planned ? { state: 'plannedStop', stateReason: 'plannedMaintenance' } : { state: 'running', pressure: 6 } });
  }
  tr.advanceTo(T0 + 8 * 24 * H);
  // Next window: day 14 06:00, i.e. 6 days and 6 hours after the day-8 boundary.
  assert.equal(at(tr.features(), 'hoursUntil.plannedMaintenance'), 150);
  // A stable signal has no growing trend: age saturates at 30 days.
  assert.equal(at(tr.features(), 'pressure.age'), 30);
});
