import { test } from 'node:test';
import assert from 'node:assert/strict';
import { converter } from './units.js';
import { BindingSet, compileBinding } from './bindings.js';
import { TwinSink } from './sink.js';
import type { TwinUpdater } from './port.js';
import type { JsonPatchOperation } from '../../bus/index.js';
import type { RouteContext } from '../routing/evaluate.js';
import { Router } from '../routing/router.js';
import { parseHubConfig } from '../config.js';

const ctx = (body: unknown, app: Record<string, string> = {}): RouteContext => ({ body, app, system: {}, twin: () => undefined });
const close = (a: number, b: number) => Math.abs(a - b) < 1e-9;

test('unit conversions through the base unit (hand-computed values)', () => {
  assert.ok(close(converter('degF', 'degC')(212), 100));
  assert.ok(close(converter('degF', 'degC')(32), 0));
  assert.ok(close(converter('degC', 'K')(-273.15), 0));
  assert.ok(close(converter('bar', 'kPa')(2.5), 250));
  assert.ok(close(converter('psi', 'kPa')(1), 6.894757293168361));
  assert.ok(close(converter('rpm', 'Hz')(1500), 25));
  assert.ok(close(converter('kWh', 'J')(1), 3.6e6));
  assert.ok(close(converter('%', 'ratio')(42), 0.42));
  assert.throws(() => converter('degC', 'bar'), /cannot convert/);
  assert.throws(() => converter('furlong', 'm'), /unknown unit/);
});

test('a binding maps fields to twin properties with conversion, scale and expressions', () => {
  const b = compileBinding({
    devices: 'press-*',
    properties: [
      { from: 'temperatureF', to: 'temperature', unit: { from: 'degF', to: 'degC' } },
      { from: '$body.motor.rpm', to: '/motor/speed', unit: { from: 'rpm', to: 'Hz' } },
      { from: '$body.current * 1000', to: 'currentMilliamps' },
      { from: 'line', to: 'line' },
      { from: 'state', to: 'state' },
      { from: 'level', to: 'levelPercent', scale: 100 },
    ],
    telemetry: ['vibration', { from: '$body.motor.rpm', name: 'rpm' }],
  });
  const r = b.evaluate(ctx({ temperatureF: 212, motor: { rpm: 1500 }, current: 0.25, state: 'RUNNING', level: 0.5, vibration: 0.02 }, { line: 'L2' }));
  assert.deepEqual(r.patch, [
    { op: 'add', path: '/temperature', value: 100 },
    { op: 'add', path: '/motor/speed', value: 25 },
    { op: 'add', path: '/currentMilliamps', value: 250 },
    { op: 'add', path: '/state', value: 'RUNNING' },
    { op: 'add', path: '/levelPercent', value: 50 },
  ]); // `line` is a body field here, absent, so not set (the app property is read with `line` in an expression only)
  assert.deepEqual(r.telemetry, { vibration: 0.02, rpm: 1500 });
});

test("properties '*' copies every top-level scalar except timestamp", () => {
  const b = compileBinding({ properties: '*' });
  assert.deepEqual(b.evaluate(ctx({ a: 1, b: 'x', c: { d: 1 }, timestamp: 'T', 'x/y': true })).patch, [
    { op: 'add', path: '/a', value: 1 },
    { op: 'add', path: '/b', value: 'x' },
    { op: 'add', path: '/x~1y', value: true },
  ]);
});

test('the first matching binding applies; the twin defaults to the linked twin, then the device id', () => {
  const set = new BindingSet([{ devices: 'press-*', modelId: 'dtmi:x:Press;1', twin: 'twin-{deviceId}' }, { devices: 'press-*' }]);
  assert.equal(set.for('press-1', 'dtmi:x:Press;1')!.twinId('press-1', 'linked'), 'twin-press-1');
  assert.equal(set.for('press-1', undefined)!.twinId('press-1', 'linked'), 'linked');
  assert.equal(set.for('press-1', undefined)!.twinId('press-1', undefined), 'press-1');
  assert.equal(set.for('oven-1', undefined), undefined);
});

function fakeUpdater(delayMs = 0) {
  const calls: Array<{ twinId: string; patch: readonly JsonPatchOperation[]; sourceTime: string }> = [];
  const updater: TwinUpdater = {
    async patchTwin(twinId, patch, { sourceTime }) {
      calls.push({ twinId, patch, sourceTime });
      await new Promise((r) => setTimeout(r, delayMs));
    },
    async twinExists() {
      return true;
    },
  };
  return { updater, calls };
}

test('twin sink: updates that arrive while one is running are merged; newest source time wins', async () => {
  const { updater, calls } = fakeUpdater(20);
  const sink = new TwinSink(updater);
  sink.enqueue('t1', [{ op: 'add', path: '/temp', value: 1 }], 1000);
  await new Promise((r) => setImmediate(r)); // the first update is now running (20 ms)
  sink.enqueue('t1', [{ op: 'add', path: '/temp', value: 3 }], 3000);
  sink.enqueue('t1', [{ op: 'add', path: '/temp', value: 2 }], 2000); // older than 3: loses
  sink.enqueue('t1', [{ op: 'add', path: '/rpm', value: 9 }], 2500);
  await sink.idle();
  assert.deepEqual(
    calls.map((c) => [c.patch.map((p) => [p.path, (p as { value: unknown }).value]), c.sourceTime]),
    [
      [[['/temp', 1]], new Date(1000).toISOString()],
      [
        [
          ['/temp', 3],
          ['/rpm', 9],
        ],
        new Date(3000).toISOString(),
      ],
    ],
  );
  // A value older than what the twin already shows is dropped.
  sink.enqueue('t1', [{ op: 'add', path: '/temp', value: 0 }], 500);
  await sink.idle();
  assert.equal(calls.length, 2);
  assert.equal(sink.snapshot.updates, 2);
});

test('twin sink: each merged property keeps its own source time; replace leaves as add', async () => {
  const { updater, calls } = fakeUpdater();
  const sink = new TwinSink(updater);
  sink.enqueue('t3', [{ op: 'add', path: '/temp', value: 30 }], 3000);
  sink.enqueue('t3', [{ op: 'replace', path: '/rpm', value: 25 }], 2500);
  await sink.idle();
  assert.deepEqual(calls[0]!.patch, [
    { op: 'add', path: '/temp', value: 30 },
    { op: 'add', path: '/rpm', value: 25 },
  ]);
  // The twin now shows /temp as of 3000 and /rpm as of 2500: a 2600 value is newer only for /rpm.
  sink.enqueue('t3', [
    { op: 'add', path: '/temp', value: 26 },
    { op: 'add', path: '/rpm', value: 26 },
  ], 2600);
  await sink.idle();
  assert.deepEqual(calls[1]!.patch, [{ op: 'add', path: '/rpm', value: 26 }]);
  assert.equal(calls.length, 2);
});

test('twin sink: values enqueued in the same turn leave as one update', async () => {
  const { updater, calls } = fakeUpdater();
  const sink = new TwinSink(updater);
  sink.enqueue('t2', [{ op: 'add', path: '/a', value: 1 }], 1);
  sink.enqueue('t2', [{ op: 'add', path: '/b', value: 2 }], 2);
  await sink.idle();
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0]!.patch.map((p) => p.path), ['/a', '/b']);
});

test('twin sink: failures are counted and reported, other twins carry on', async () => {
  const errors: string[] = [];
  const updater: TwinUpdater = {
    async patchTwin(twinId) {
      if (twinId === 'bad') throw new Error('no such twin');
    },
    async twinExists() {
      return true;
    },
  };
  const sink = new TwinSink(updater, { onError: (id) => errors.push(id) });
  sink.enqueue('bad', [{ op: 'add', path: '/x', value: 1 }], 1);
  sink.enqueue('good', [{ op: 'add', path: '/x', value: 1 }], 1);
  await sink.idle();
  assert.deepEqual(errors, ['bad']);
  assert.deepEqual(sink.snapshot, { updates: 1, failures: 1, merged: 0 });
});

test('router: matching routes union their endpoints; no match falls back; enrichments per endpoint', () => {
  const config = parseHubConfig({
    routes: [
      { name: 'hot', condition: "$body.temperature > 85 AND line = 'LINE-2'", endpoints: ['bus', 'webhook:alarms'] },
      { name: 'all-store', condition: '$body.temperature > 0', endpoints: ['store'] },
      { name: 'off', condition: 'true', endpoints: ['events'], enabled: false },
    ],
    fallback: { endpoints: ['store', 'events'] },
    enrichments: [
      { key: 'site', value: 'plant-a' },
      { key: 'floor', value: '$twin.tags.floor', endpoints: ['webhook:alarms'] },
    ],
    webhooks: { alarms: { url: 'http://127.0.0.1:9/x' } },
  });
  const r = new Router(config);
  const twin = { tags: { floor: 2 }, properties: { desired: {}, reported: {} } };
  const c = (t: number, line: string): RouteContext => ({ body: { temperature: t }, app: { line }, system: {}, twin: () => twin });
  assert.deepEqual([...r.route(c(90, 'LINE-2')).endpoints].sort(), ['bus', 'store', 'webhook:alarms']);
  assert.deepEqual(r.route(c(90, 'LINE-2')).routes, ['hot', 'all-store']);
  assert.deepEqual([...r.route(c(50, 'LINE-2')).endpoints], ['store']);
  assert.deepEqual(r.route(c(-5, 'LINE-2')), { endpoints: new Set(['store', 'events']), routes: ['$fallback'] });
  assert.deepEqual(r.enrich(c(90, 'LINE-2'), 'webhook:alarms'), { site: 'plant-a', floor: '2' });
  assert.deepEqual(r.enrich(c(90, 'LINE-2'), 'bus'), { site: 'plant-a' });
  assert.equal(r.usesTwin, true);
});

test('router: unknown endpoints, duplicate names and bad queries are configuration errors', () => {
  assert.throws(() => new Router(parseHubConfig({ routes: [{ name: 'a', endpoints: ['nowhere'] }] })), /unknown endpoint/);
  assert.throws(() => new Router(parseHubConfig({ routes: [{ name: 'a', endpoints: ['webhook:x'] }] })), /unknown endpoint/);
  assert.throws(
    () => new Router(parseHubConfig({ routes: [{ name: 'a', endpoints: ['store'] }, { name: 'a', endpoints: ['store'] }] })),
    /two routes/,
  );
  assert.throws(
    () => new Router(parseHubConfig({ routes: [{ name: 'broken', condition: '$body.t >', endpoints: ['store'] }] })),
    (e: { code?: string; message: string }) => e.code === 'hub.invalid_route_query' && e.message.includes("route 'broken'"),
  );
  assert.throws(() => parseHubConfig({ routes: 'nope' }), (e: { code?: string }) => e.code === 'hub.invalid_config');
  assert.throws(() => parseHubConfig({ unknownKey: 1 }), (e: { code?: string }) => e.code === 'hub.invalid_config');
});

test('twin sink: with patchTwins, ready twins go in one call; per-twin failures are counted alone', async () => {
  const calls: string[][] = [];
  const updater: TwinUpdater = {
    async patchTwin() {
      throw new Error('the batch form should be used');
    },
    async patchTwins(updates) {
      calls.push(updates.map((u) => u.twinId));
      return updates.map((u) => (u.twinId === 'b' ? new Error('model says no') : undefined));
    },
    async twinExists() {
      return true;
    },
  };
  const errors: string[] = [];
  const sink = new TwinSink(updater, { onError: (id) => errors.push(id) });
  for (const id of ['a', 'b', 'c']) sink.enqueue(id, [{ op: 'add', path: '/x', value: 1 }], 1);
  await sink.idle();
  assert.deepEqual(calls, [['a', 'b', 'c']]);
  assert.deepEqual(errors, ['b']);
  assert.deepEqual(sink.snapshot, { updates: 2, failures: 1, merged: 0 });
});
