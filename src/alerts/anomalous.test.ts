/**
 * The `anomalous` rule kind (issue 7): the machine's anomaly score above a threshold (default 0.9),
 * optionally for a duration, read from the twin property `anomalyScore` or from the series
 * `<twinId>/anomaly:<signal>`; scoped by a twin-graph query like any rule.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryGraph } from '../query/index.js';
import { createMemoryStorage } from '../storage/index.js';
import { twinScopeFromReader } from '../timeseries/index.js';
import { RuleEngine, type Transition } from './engine.js';
import { parseRule, ruleToDocument } from './rules/schema.js';
import { AlertService } from './service.js';

const S = 1000;
const rule = (condition: unknown, scope: unknown = { all: true }) => parseRule({ id: 'anomaly', name: 'Anomalous', severity: 'warning', scope, condition });
const brief = (ts: readonly Transition[]) => ts.map((t) => [t.subject, t.firing ? 'fire' : 'clear', t.t / S]);

function feed(engine: RuleEngine, samples: Array<[number, string, number]>): unknown[] {
  return brief(samples.flatMap(([sec, signal, value]) => engine.sample('m1', signal, sec * S, value)));
}

test('anomalous, defaults: anomalyScore above 0.9 fires (0.9 itself does not), at or below clears; other signals are ignored', () => {
  const e = new RuleEngine();
  e.setRule(rule({ kind: 'anomalous' }), undefined, 0);
  const got = feed(e, [[0, 'anomalyScore', 0.5], [1, 'anomalyScore', 0.9], [2, 'anomalyScore', 0.95], [3, 'anomalyScore', 0.91], [4, 'temperature', 0.1], [5, 'anomalyScore', 0.9], [6, 'anomaly:pressure', 0.99]]);
  assert.deepEqual(got, [['m1', 'fire', 2], ['m1', 'clear', 5]]);
});

test('anomalous with hysteresis and a duration: above 0.9 held above 0.8 for 5 minutes fires at exactly 5 minutes', () => {
  const e = new RuleEngine();
  e.setRule(rule({ kind: 'anomalous', hysteresis: 0.1, for: '5m' }), undefined, 0);
  // 0.85 at 60 s is below the threshold but above 0.9 − 0.1, so the score still counts as anomalous.
  assert.deepEqual(feed(e, [[0, 'anomalyScore', 0.95], [60, 'anomalyScore', 0.85]]), []);
  assert.deepEqual(brief(e.tick(299 * S)), []);
  assert.deepEqual(brief(e.tick(300 * S)), [['m1', 'fire', 300]]);
  assert.deepEqual(feed(e, [[400, 'anomalyScore', 0.8]]), [['m1', 'clear', 400]]);
  // Three minutes anomalous is not enough.
  assert.deepEqual(feed(e, [[500, 'anomalyScore', 0.97], [680, 'anomalyScore', 0.3]]), []);
  assert.deepEqual(brief(e.tick(2000 * S)), []);
});

test('anomalous on one series: `signal` reads anomaly:<signal>, not the twin-wide score', () => {
  const e = new RuleEngine();
  e.setRule(rule({ kind: 'anomalous', signal: 'pressure', threshold: 0.5 }), undefined, 0);
  assert.deepEqual(feed(e, [[0, 'anomalyScore', 0.99], [1, 'anomaly:vibration', 0.99], [2, 'anomaly:pressure', 0.6], [3, 'anomaly:pressure', 0.4]]), [['m1', 'fire', 2], ['m1', 'clear', 3]]);
});

test('anomalous rule documents: defaults filled in, round trip, thresholds outside (0, 1) and hysteresis ≥ threshold refused', () => {
  const r = rule({ kind: 'anomalous', for: '10m' });
  assert.deepEqual(r.condition, { kind: 'for', seconds: 600, condition: { kind: 'anomalous', signal: undefined, threshold: 0.9, hysteresis: 0 } });
  assert.deepEqual(parseRule(ruleToDocument(r)).condition, r.condition);
  const bad = (condition: unknown, path: RegExp) =>
    assert.throws(() => rule(condition), (e: { code?: string; details?: { path?: string } }) => e.code === 'alerts.invalid_rule' && path.test(e.details?.path ?? ''), JSON.stringify(condition));
  bad({ kind: 'anomalous', threshold: 1.5 }, /^condition\.threshold$/);
  bad({ kind: 'anomalous', threshold: 0 }, /^condition\.threshold$/);
  bad({ kind: 'anomalous', threshold: 0.5, hysteresis: 0.5 }, /^condition\.hysteresis$/);
  bad({ kind: 'anomalous', op: '>' }, /^condition$/);
});

test('the service: anomalyScore patches and anomaly series points raise alerts for the machines a twin-graph query selects', async () => {
  const graph = new MemoryGraph({ models: [{ id: 'dtmi:twinworks:plant:Machine;1' }, { id: 'dtmi:twinworks:plant:ProductionLine;1' }] });
  for (const id of ['L1-CNC', 'L2-CNC', 'L2-ROBOT']) graph.upsertTwin({ $dtId: id, $metadata: { $model: 'dtmi:twinworks:plant:Machine;1' } });
  for (const id of ['LINE-1', 'LINE-2']) graph.upsertTwin({ $dtId: id, $metadata: { $model: 'dtmi:twinworks:plant:ProductionLine;1' } });
  for (const m of ['L1-CNC', 'L2-CNC', 'L2-ROBOT']) graph.upsertRelationship({ $relationshipId: `c-${m}`, $sourceId: m.startsWith('L1') ? 'LINE-1' : 'LINE-2', $targetId: m, $relationshipName: 'contains' });
  const store = createMemoryStorage();
  await store.open();
  let now = Date.parse('2026-03-04T06:00:00Z');
  const service = new AlertService({ store, scope: twinScopeFromReader(graph), seedDefaults: false, tickMs: 0, scopeRefreshMs: 0, clock: () => now });
  await service.start();
  const query = "SELECT M FROM DIGITALTWINS L JOIN M RELATED L.contains WHERE L.$dtId = 'LINE-2'";
  await service.saveRule({ id: 'line2-anomalous', name: 'Anomalous machine on LINE-2', severity: 'warning', scope: { query }, condition: { kind: 'anomalous', for: '2m' } }, 'create');
  await service.saveRule({ id: 'pressure-anomalous', name: 'Pressure anomalous', severity: 'info', scope: { models: ['dtmi:twinworks:plant:Machine;1'] }, condition: { kind: 'anomalous', signal: 'pressure', threshold: 0.7 } }, 'create');
  const patch = (twinId: string, score: number) => service.twinUpdated({ twinId, modelId: 'dtmi:twinworks:plant:Machine;1', patch: [{ op: 'replace', path: '/anomalyScore', value: score }], etag: 'W/"1"', time: new Date(now).toISOString() });
  await patch('L1-CNC', 0.99); // LINE-1: out of the query's scope
  await patch('L2-CNC', 0.95);
  now += 60 * S;
  await service.tick();
  assert.deepEqual(await service.query({ ruleId: 'line2-anomalous' }), [], 'one minute is not two');
  now += 60 * S;
  await service.tick();
  const open = await service.query({ ruleId: 'line2-anomalous', state: 'open' });
  assert.deepEqual(open.map((a) => [a.twinId, a.raisedAt]), [['L2-CNC', '2026-03-04T06:02:00.000Z']]);
  // The live scorer's per-minute anomaly series, fed as the platform's PointWriter would.
  await service.observePoints([
    { series: 'L2-ROBOT/anomaly:pressure', time: now - 60 * S, value: 0.75 },
    { series: 'L2-ROBOT/anomaly:vibration', time: now - 60 * S, value: 0.99 },
    { series: 'L2-ROBOT/property:anomalyScore', time: now, value: 0.99 },
  ]);
  const pressure = await service.query({ ruleId: 'pressure-anomalous', state: 'open' });
  assert.deepEqual(pressure.map((a) => [a.twinId, a.signal, a.value]), [['L2-ROBOT', 'anomaly:pressure', 0.75]]);
  await patch('L2-CNC', 0.4);
  assert.equal((await service.query({ ruleId: 'line2-anomalous', state: 'resolved' })).length, 1);
  await service.stop();
});
