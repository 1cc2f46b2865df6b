import { test } from 'node:test';
import assert from 'node:assert/strict';
import { episodesOf, scoreWarnings, WarningState, type Episode, type FailureEvent } from './warnings.js';

const H = 3_600_000;
const D = 24 * H;

test('policy: raise after `confirm` scorings above, clear after `clearAfter` below, close on failure', () => {
  const policy = { raise: 0.5, clear: 0.25, confirm: 2, clearAfter: 2 };
  const probs = [0.6, 0.4, 0.6, 0.7, 0.3, 0.2, 0.1, 0.6, 0.6];
  const points = probs.map((p, h) => ({ time: h * H, probability: p, inFailure: h === 8 }));
  // 0.6 then 0.4 resets the count; 0.6, 0.7 raise at hour 3; 0.3 is above `clear`; 0.2 and 0.1 clear at hour 6.
  assert.deepEqual(episodesOf('A', points, policy), [{ deviceId: 'A', start: 3 * H, end: 6 * H, peak: 0.7 }]);

  const s = new WarningState('B', policy);
  s.update({ time: 0, probability: 0.9, inFailure: false, mode: 'bearingWear' });
  assert.equal(s.update({ time: H, probability: 0.9, inFailure: false, mode: 'bearingWear' }).raised, true);
  assert.equal(s.since, H);
  // The machine fails: the warning has done its job and closes at the failure scoring.
  assert.deepEqual(s.update({ time: 5 * H, probability: 0.9, inFailure: true }).closed, { deviceId: 'B', start: H, end: 5 * H, peak: 0.9, mode: 'bearingWear' });
  assert.equal(s.active, false);
});

test('scoring: true and false positives, recall, lead times and the previous-failure rule', () => {
  const ep = (deviceId: string, start: number, end: number): Episode => ({ deviceId, start: start * D, end: end * D, peak: 1 });
  const episodes = [ep('A', 1, 1.5), ep('A', 4, 9), ep('A', 11, 12), ep('C', 15, 21), ep('C', 24, 25)];
  const failures: FailureEvent[] = [
    { deviceId: 'A', time: 10 * D, mode: 'bearingWear' },
    { deviceId: 'B', time: 5 * D, mode: 'pressureLeak' },
    { deviceId: 'C', time: 20 * D, mode: 'pressureLeak' },
    { deviceId: 'C', time: 26 * D, mode: 'pressureLeak' },
  ];
  const s = scoreWarnings(episodes, failures, 7 * D);
  // A[1, 1.5] ends 8.5 days before its failure: more than the horizon, a false alarm. A[11, 12] warns
  // after the failure with none to follow. C[15, 21] precedes the day-20 failure; C[24, 25] the day-26 one.
  assert.equal(s.episodes, 5);
  assert.equal(s.truePositives, 3);
  assert.equal(s.falsePositives, 2);
  assert.equal(s.precision, 3 / 5);
  // A: 10 − 4 = 6 days; C day 20: 20 − 15 = 5 days; C day 26: C[15, 21] began before the day-20
  // failure so it belongs to that one; C[24, 25] gives 2 days. B was never warned.
  assert.equal(s.detected, 3);
  assert.equal(s.recall, 3 / 4);
  assert.deepEqual([...s.leadTimesHours].sort((a, b) => a - b), [48, 120, 144]);
  assert.equal(s.medianLeadHours, 120);
  assert.deepEqual(s.perFailure.map((f) => f.detected), [false, true, true, true]);
});

test('scoring: a warning at the window end is judged by a failure just after it, without counting that failure', () => {
  const episodes: Episode[] = [{ deviceId: 'A', start: 29 * D, end: 30 * D, peak: 1 }];
  const after: FailureEvent = { deviceId: 'A', time: 32 * D, mode: 'bearingWear' };
  const blind = scoreWarnings(episodes, [], 7 * D);
  assert.equal(blind.precision, 0);
  const judged = scoreWarnings(episodes, [], 7 * D, [after]);
  assert.equal(judged.precision, 1);
  assert.equal(judged.failures, 0);
});

test('per-mode persistence: each mode needs its own number of consecutive scorings', () => {
  const policy = { raise: 1, clear: 0.5, confirm: { bearingWear: 2, pressureLeak: 4 }, clearAfter: 2 };
  const s = new WarningState('A', policy);
  // A leak-like score above 1 for three hours, then gone (a sensor drift): no warning.
  for (let h = 0; h < 3; h++) assert.equal(s.update({ time: h * H, probability: 1.5, perMode: { pressureLeak: 1.5, bearingWear: 0.2 }, inFailure: false }).raised, false);
  assert.equal(s.update({ time: 3 * H, probability: 0.3, perMode: { pressureLeak: 0.3, bearingWear: 0.3 }, inFailure: false }).raised, false);
  // The bearing mode needs only two.
  s.update({ time: 4 * H, probability: 1.2, perMode: { pressureLeak: 0.1, bearingWear: 1.2 }, inFailure: false });
  assert.equal(s.update({ time: 5 * H, probability: 1.3, perMode: { pressureLeak: 0.1, bearingWear: 1.3 }, inFailure: false }).raised, true);
  assert.equal(s.mode, 'bearingWear');
  // A mode without a persistence setting never raises.
  const t = new WarningState('B', policy);
  for (let h = 0; h < 10; h++) assert.equal(t.update({ time: h * H, probability: 9, perMode: { toolWear: 9 }, inFailure: false }).raised, false);
});
