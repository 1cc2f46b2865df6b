import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createInProcessBus } from '../bus/index.js';
import { createMemoryStorage, type StorageAdapter, type TimePoint } from '../storage/index.js';
import { SeriesCatalogue } from './catalogue.js';
import { HistoryWriter } from './writer.js';

const T = Date.parse('2024-03-04T06:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test('telemetry and twin changes become points, text points and catalogue entries', async () => {
  const store = createMemoryStorage();
  await store.open();
  const catalogue = new SeriesCatalogue(store);
  const writer = new HistoryWriter({ store, catalogue, maxDelayMs: 20 });
  await Promise.all([
    writer.telemetry({ deviceId: 'dev-1', twinId: 'cnc-1', sourceTime: iso(T), arrivalTime: iso(T + 40), values: { temperature: 71.5, state: 'running', doorOpen: true }, properties: {} }),
    writer.telemetry({ deviceId: 'dev-9', sourceTime: iso(T + 1000), arrivalTime: iso(T + 1050), values: { temperature: 20 }, properties: {} }),
    writer.twinUpdated({ twinId: 'cnc-1', modelId: 'dtmi:x:M;1', etag: 'W/"1"', time: iso(T + 2000), patch: [{ op: 'replace', path: '/oee', value: 0.74 }, { op: 'add', path: '/spindle/max~1min', value: 9000 }, { op: 'remove', path: '/old' }, { op: 'add', path: '/tags', value: { a: 'b' } }] }),
  ]);
  const read = (series: string) => store.readPoints({ series, from: new Date(T - 1), to: new Date(T + 10_000) });
  assert.deepEqual((await read('cnc-1/temperature')).map((p) => [p.value, p.time.getTime() - T, p.arrival.getTime() - T]), [[71.5, 0, 40]]);
  assert.deepEqual((await read('cnc-1/doorOpen')).map((p) => p.value), [1]);
  assert.deepEqual((await read('device:dev-9/temperature')).map((p) => p.value), [20]);
  assert.deepEqual((await read('cnc-1/property:oee')).map((p) => p.value), [0.74]);
  assert.deepEqual((await read('cnc-1/property:spindle/max/min')).map((p) => p.value), [9000]);
  assert.deepEqual((await store.readTextPoints({ series: 'cnc-1/state', from: new Date(T), to: new Date(T + 1) })).map((p) => p.text), ['running']);
  assert.equal(await store.count('series'), 6);
  const fresh = new SeriesCatalogue(store);
  await fresh.load();
  assert.deepEqual(fresh.find({ twins: ['cnc-1'], signals: ['temperature', 'state'] }).map((s) => [s.series, s.kind, s.deviceId]), [['cnc-1/state', 'text', 'dev-1'], ['cnc-1/temperature', 'number', 'dev-1']]);
  assert.deepEqual(fresh.find({ devices: ['dev-9'] }).map((s) => s.series), ['device:dev-9/temperature']);
  assert.equal(writer.stats.batches, 1, 'three calls within the delay share one batch');
});

test('through the bus: events are acknowledged only after the write; a failed write is redelivered, not lost', async () => {
  const inner = createMemoryStorage();
  await inner.open();
  let failures = 1;
  const store: StorageAdapter = Object.create(inner, {
    appendPoints: {
      value: async (points: readonly TimePoint[]) => {
        if (failures-- > 0) throw new Error('disk full');
        return inner.appendPoints(points);
      },
    },
  });
  const bus = createInProcessBus();
  const writer = new HistoryWriter({ store, catalogue: new SeriesCatalogue(store), maxDelayMs: 10 });
  await writer.start(bus);
  for (let i = 0; i < 50; i++) {
    await bus.publish('telemetry.received', { deviceId: 'd', twinId: 'm', sourceTime: iso(T + i * 1000), arrivalTime: iso(T + i * 1000 + 5), values: { speed: i }, properties: {} }, { key: 'd' });
  }
  await until(async () => (await inner.readPoints({ series: 'm/speed', from: new Date(T), to: new Date(T + 60_000) })).length === 50, '50 points');
  const values = (await inner.readPoints({ series: 'm/speed', from: new Date(T), to: new Date(T + 60_000) })).map((p) => p.value);
  assert.deepEqual(values, Array.from({ length: 50 }, (_, i) => i), 'each point once, none lost');
  assert.ok(writer.stats.failedBatches >= 1);
  await writer.stop();
  await bus.close();
});

test('batches are bounded in size (maxBatchPoints) and in delay (maxDelayMs: written without anyone flushing)', async () => {
  const store = createMemoryStorage();
  await store.open();
  const writer = new HistoryWriter({ store, catalogue: new SeriesCatalogue(store), maxBatchPoints: 2, maxDelayMs: 10 });
  // Five one-value events: the 2nd and 4th fill a batch (written at once), the 5th waits for the delay.
  const sends = [0, 1, 2, 3, 4].map((i) => writer.telemetry({ deviceId: 'dev-1', twinId: 'cnc-1', sourceTime: iso(T + i * 1000), arrivalTime: iso(T + i * 1000 + 5), values: { speed: i }, properties: {} }));
  await Promise.all(sends);
  assert.deepEqual(writer.stats, { points: 5, textPoints: 0, batches: 3, failedBatches: 0 });
  assert.deepEqual((await store.readPoints({ series: 'cnc-1/speed', from: new Date(T), to: new Date(T + 10_000) })).map((p) => p.value), [0, 1, 2, 3, 4]);
});

test('derived values (the ML scorer’s anomaly series) are stored and catalogued under their twin or device', async () => {
  const store = createMemoryStorage();
  await store.open();
  const catalogue = new SeriesCatalogue(store);
  const writer = new HistoryWriter({ store, catalogue, maxDelayMs: 5 });
  const arrival = new Date(T + 70_000);
  await writer.derived([
    { series: 'L1-CNC/anomaly:vibration', time: T, value: 0.25 },
    { series: 'L1-CNC/anomaly:vibration', time: T + 60_000, value: 0.97 },
    { series: 'device:dev-9/anomaly:power', time: T, value: 0.1 },
    { series: 'no-twin-part', time: T, value: 1 },
    { series: 'L1-CNC/anomaly:power', time: T, value: Number.NaN },
  ], arrival);
  const points = await store.readPoints({ series: 'L1-CNC/anomaly:vibration', from: new Date(T), to: new Date(T + 120_000) });
  assert.deepEqual(points.map((p) => [p.time.getTime() - T, p.value, p.arrival.getTime()]), [[0, 0.25, arrival.getTime()], [60_000, 0.97, arrival.getTime()]]);
  assert.deepEqual(catalogue.find({ twins: ['L1-CNC'] }).map((s) => [s.series, s.signal, s.source, s.kind]), [['L1-CNC/anomaly:vibration', 'anomaly:vibration', 'derived', 'number']]);
  assert.deepEqual(catalogue.find({ devices: ['dev-9'] }).map((s) => s.series), ['device:dev-9/anomaly:power']);
  assert.equal(await store.count('series'), 2, 'the bad name and the NaN are not catalogued');
});

test('a batch handed over by the hub is written at once, as one batch, without waiting for the delay', async () => {
  const store = createMemoryStorage();
  await store.open();
  const writer = new HistoryWriter({ store, catalogue: new SeriesCatalogue(store), maxDelayMs: 60_000 });
  // With a one-minute delay, only the immediate write lets this resolve within the test's lifetime.
  await writer.telemetryBatch([
    { deviceId: 'd1', twinId: 'cnc-1', sourceTime: iso(T), arrivalTime: iso(T + 5), values: { temperature: 70, state: 'down' }, properties: {} },
    { deviceId: 'd2', twinId: 'cnc-2', sourceTime: iso(T + 1000), arrivalTime: iso(T + 1005), values: { temperature: 65 }, properties: {} },
    { deviceId: 'd3', sourceTime: 'not a time', arrivalTime: iso(T), values: { temperature: 1 }, properties: {} },
  ]);
  assert.equal(writer.stats.batches, 1);
  const read = (series: string) => store.readPoints({ series, from: new Date(T - 1), to: new Date(T + 10_000) });
  assert.deepEqual((await read('cnc-1/temperature')).map((p) => p.value), [70]);
  assert.deepEqual((await read('cnc-2/temperature')).map((p) => p.value), [65]);
  assert.deepEqual((await store.readTextPoints({ series: 'cnc-1/state', from: new Date(T), to: new Date(T + 1) })).map((p) => p.text), ['down']);
  assert.deepEqual(await read('device:d3/temperature'), [], 'a message without a valid source time stores nothing');
  await writer.stop();
});
