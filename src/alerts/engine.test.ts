/**
 * Every rule kind against hand-worked sample sequences: when it fires, when it clears.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RuleEngine, type Transition } from './engine.js';
import { parseRule } from './rules/schema.js';

const S = 1000;
function rule(condition: unknown, scope: unknown = { all: true }) {
  return parseRule({ id: 'r', name: 'R', severity: 'warning', scope, condition });
}
const brief = (ts: readonly Transition[]) => ts.map((t) => [t.subject, t.firing ? 'fire' : 'clear', t.t / S]);

function feed(engine: RuleEngine, samples: Array<[number, string, number, string?]>): Array<[string, string, number]> {
  const out: Transition[] = [];
  for (const [sec, signal, value, subject] of samples) out.push(...engine.sample(subject ?? 'm1', signal, sec * S, value));
  return brief(out) as Array<[string, string, number]>;
}

test('threshold with hysteresis: raises above 85, clears only at or below 83', () => {
  const e = new RuleEngine();
  e.setRule(rule({ kind: 'threshold', signal: 'temperature', op: '>', value: 85, hysteresis: 2 }), undefined, 0);
  const got = feed(e, [[0, 'temperature', 80], [1, 'temperature', 86], [2, 'temperature', 84], [3, 'temperature', 83], [4, 'temperature', 84], [5, 'temperature', 85], [6, 'temperature', 85.1]]);
  assert.deepEqual(got, [['m1', 'fire', 1], ['m1', 'clear', 3], ['m1', 'fire', 6]]);
});

test('a low threshold (OEE < 70 %) with hysteresis clears at 72 % and above', () => {
  const e = new RuleEngine();
  e.setRule(rule({ kind: 'threshold', signal: 'oee', op: '<', value: 0.7, hysteresis: 0.02 }), undefined, 0);
  assert.deepEqual(feed(e, [[0, 'oee', 0.75], [1, 'oee', 0.69], [2, 'oee', 0.71], [3, 'oee', 0.72]]), [['m1', 'fire', 1], ['m1', 'clear', 3]]);
});

test('for-duration: above 85 °C for 5 minutes fires at exactly 5 minutes, even when the tick is late', () => {
  const e = new RuleEngine();
  e.setRule(rule({ kind: 'threshold', signal: 'temperature', op: '>', value: 85, for: '5m' }), undefined, 0);
  assert.deepEqual(feed(e, [[0, 'temperature', 90], [60, 'temperature', 91]]), []);
  assert.deepEqual(brief(e.tick(299 * S)), []);
  assert.equal(e.nextDeadline(), 300 * S);
  assert.deepEqual(brief(e.tick(450 * S)), [['m1', 'fire', 300]]);
  assert.deepEqual(feed(e, [[460, 'temperature', 80]]), [['m1', 'clear', 460]]);
  // Four minutes above: nothing.
  assert.deepEqual(feed(e, [[500, 'temperature', 90], [740, 'temperature', 80]]), []);
  assert.deepEqual(brief(e.tick(2000 * S)), []);
});

test('rate of change: pressure rising faster than 10 bar/min over a 1-minute window', () => {
  const e = new RuleEngine();
  e.setRule(rule({ kind: 'rateOfChange', signal: 'pressure', op: '>', value: 10, window: '1m', per: '1m' }), undefined, 0);
  // Reference = newest sample at least 60 s older: 60 s → 4/min; 90 s → (110−102)/1 min = 8; 120 s → (125−104) = 21 fire;
  // 150 s → (126−110) = 16; 180 s → (127−125) = 2 clear.
  const got = feed(e, [[0, 'pressure', 100], [30, 'pressure', 102], [60, 'pressure', 104], [90, 'pressure', 110], [120, 'pressure', 125], [150, 'pressure', 126], [180, 'pressure', 127]]);
  assert.deepEqual(got, [['m1', 'fire', 120], ['m1', 'clear', 180]]);
  // absolute: a fall counts too.
  const f = new RuleEngine();
  f.setRule(rule({ kind: 'rateOfChange', signal: 'pressure', op: '>', value: 10, window: 60, absolute: true }), undefined, 0);
  assert.deepEqual(feed(f, [[0, 'pressure', 100], [60, 'pressure', 80]]), [['m1', 'fire', 60]]);
});

test('deviation from a rolling baseline: 3 σ of the previous minute, at least 5 samples', () => {
  const e = new RuleEngine();
  e.setRule(rule({ kind: 'deviation', signal: 'vibration', window: '1m', sigmas: 3, minSamples: 5 }), undefined, 0);
  // Too few samples at 30 s to judge a jump. Baseline at 60 s: 10,12,10,12,10,12 → mean 11, s = √(6/5) ≈ 1.095;
  // |15 − 11| = 4 > 3.29 → fire. At 70 s the baseline is 12,10,12,10,12,15 (mean 11.83, s ≈ 1.83): 11 is normal.
  const got = feed(e, [[0, 'vibration', 10], [10, 'vibration', 12], [20, 'vibration', 10], [30, 'vibration', 40], [40, 'vibration', 12], [50, 'vibration', 10]]);
  assert.deepEqual(got, []);
  const e2 = new RuleEngine();
  e2.setRule(rule({ kind: 'deviation', signal: 'vibration', window: '1m', sigmas: 3, minSamples: 5 }), undefined, 0);
  const got2 = feed(e2, [[0, 'vibration', 10], [10, 'vibration', 12], [20, 'vibration', 10], [30, 'vibration', 12], [40, 'vibration', 10], [50, 'vibration', 12], [60, 'vibration', 15], [70, 'vibration', 11]]);
  assert.deepEqual(got2, [['m1', 'fire', 60], ['m1', 'clear', 70]]);
});

test('no data: a heartbeat fires after the silence and clears with the next sample', () => {
  const e = new RuleEngine();
  e.setRule(rule({ kind: 'noData', signal: 'temperature', after: '2m' }, { twins: ['m1', 'm2'] }), ['m1', 'm2'], 0);
  assert.deepEqual(brief(e.tick(119 * S)), []);
  feed(e, [[100, 'temperature', 50, 'm2']]);
  assert.deepEqual(brief(e.tick(120 * S)), [['m1', 'fire', 120]]);
  assert.deepEqual(feed(e, [[130, 'temperature', 50]]), [['m1', 'clear', 130]]);
  // Other signals do not count as a heartbeat for this rule.
  feed(e, [[200, 'vibration', 1]]);
  const fired = brief(e.tick(300 * S)).sort((a, b) => Number(a[2]) - Number(b[2]));
  assert.deepEqual(fired, [['m2', 'fire', 220], ['m1', 'fire', 250]]);
});

test('AND and OR combinations; a for-duration over a combination counts from when it became true', () => {
  const both = new RuleEngine();
  both.setRule(rule({ kind: 'all', conditions: [{ kind: 'threshold', signal: 'temperature', op: '>', value: 85 }, { kind: 'threshold', signal: 'vibration', op: '>', value: 5 }] }), undefined, 0);
  const either = new RuleEngine();
  either.setRule(rule({ kind: 'any', conditions: [{ kind: 'threshold', signal: 'temperature', op: '>', value: 85 }, { kind: 'threshold', signal: 'vibration', op: '>', value: 5 }] }), undefined, 0);
  const seq: Array<[number, string, number]> = [[1, 'temperature', 90], [2, 'vibration', 6], [3, 'temperature', 80], [4, 'vibration', 4]];
  assert.deepEqual(feed(both, seq), [['m1', 'fire', 2], ['m1', 'clear', 3]]);
  assert.deepEqual(feed(either, seq), [['m1', 'fire', 1], ['m1', 'clear', 4]]);

  const sustained = new RuleEngine();
  sustained.setRule(rule({ kind: 'all', for: '60s', conditions: [{ kind: 'threshold', signal: 'temperature', op: '>', value: 85 }, { kind: 'threshold', signal: 'vibration', op: '>', value: 5 }] }), undefined, 0);
  feed(sustained, [[0, 'temperature', 90], [30, 'vibration', 6]]);
  assert.deepEqual(brief(sustained.tick(89 * S)), []);
  assert.deepEqual(brief(sustained.tick(95 * S)), [['m1', 'fire', 90]]);
});

test('scope: out-of-scope subjects are ignored; leaving the scope ends a firing; `all` watches newcomers', () => {
  const e = new RuleEngine();
  e.setRule(rule({ kind: 'threshold', signal: 'temperature', op: '>', value: 85 }, { twins: ['m1'] }), ['m1'], 0);
  assert.deepEqual(feed(e, [[1, 'temperature', 90, 'm9'], [2, 'temperature', 90, 'm1']]), [['m1', 'fire', 2]]);
  assert.deepEqual(brief(e.setSubjects('r', ['m2'], 10 * S)), [['m1', 'clear', 10]]);
  assert.deepEqual(feed(e, [[11, 'temperature', 90, 'm2']]), [['m2', 'fire', 11]]);
  // Replacing the rule (an edit) ends open firings too.
  assert.deepEqual(brief(e.removeRule('r', 12 * S)), [['m2', 'clear', 12]]);
  const all = new RuleEngine();
  all.setRule(rule({ kind: 'threshold', signal: 'temperature', op: '>', value: 85 }), undefined, 0);
  assert.deepEqual(feed(all, [[1, 'temperature', 90, 'a'], [1, 'temperature', 90, 'b']]), [['a', 'fire', 1], ['b', 'fire', 1]]);
});

test('rule documents are validated with a path to the problem', () => {
  const bad = (doc: unknown, path: RegExp) =>
    assert.throws(() => parseRule(doc), (e: { code?: string; details?: { path?: string } }) => e.code === 'alerts.invalid_rule' && path.test(e.details?.path ?? ''), JSON.stringify(doc));
  const ok = { id: 'x', name: 'X', severity: 'warning', scope: { all: true }, condition: { kind: 'threshold', signal: 't', op: '>', value: 1 } };
  bad({ ...ok, severity: 'loud' }, /^severity$/);
  bad({ ...ok, scope: {} }, /^scope$/);
  bad({ ...ok, condition: { kind: 'threshold', signal: 't', op: '=>', value: 1 } }, /^condition\.op$/);
  bad({ ...ok, condition: { kind: 'all', conditions: [{ kind: 'noData', after: 'soon' }] } }, /condition\.conditions\.0\.after/);
  bad({ ...ok, id: 'has space' }, /^id$/);
  const r = parseRule({ ...ok, condition: { ...ok.condition, for: 'PT5M' }, escalation: { after: '15m' } });
  assert.deepEqual(r.condition, { kind: 'for', seconds: 300, condition: { kind: 'threshold', signal: 't', op: '>', value: 1, hysteresis: 0 } });
  assert.equal(r.escalation?.afterSec, 900);
  assert.deepEqual(r.flapping, { maxRaises: 5, windowSec: 600 });
});
