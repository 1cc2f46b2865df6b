/**
 * The platform's TwinUpdater (`twinUpdaterFor`) between the hub and the real twin graph: a device
 * message bound to a twin changes the twin's DTDL property (unit-converted) and the graph emits
 * `twin.updated`.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mqtt, { type MqttClient } from 'mqtt';
import { createTwinGraph, type TwinGraph } from '../twins/index.js';
import type { Envelope } from '../bus/index.js';
import { startTestHub, eventually, type TestHub } from '../hub/testing/harness.js';
import type { TwinUpdater } from '../hub/index.js';
import { hubWalDir, twinUpdaterFor } from './hub.js';
import { parseHubConfig } from '../hub/index.js';
import type { PlatformConfig } from '../config/index.js';
import { createMemoryStorage } from '../storage/index.js';

const MODEL = {
  '@context': 'dtmi:dtdl:context;3',
  '@id': 'dtmi:twinworks:test:Oven;1',
  '@type': 'Interface',
  contents: [
    { '@type': 'Property', name: 'temperature', schema: 'double' },
    { '@type': 'Property', name: 'doorOpen', schema: 'boolean' },
  ],
};

let t: TestHub;
let graph: TwinGraph;
let client: MqttClient;
const updates: Array<Envelope<'twin.updated'>> = [];

before(async () => {
  const store = createMemoryStorage();
  await store.open();
  // The graph and the hub share the store and the bus, as in the platform.
  t = await startTestHub({
    store,
    // The hub is created before the graph (which needs the harness's bus): bind late.
    twins: { patchTwin: (...a) => real!.patchTwin(...a), twinExists: (id) => real!.twinExists(id) },
    config: { bindings: [{ devices: 'oven-*', properties: [{ from: 'tempF', to: 'temperature', unit: { from: 'degF', to: 'degC' } }, { from: 'door', to: 'doorOpen' }] }] },
  });
  graph = createTwinGraph({ store, bus: t.bus });
  await graph.load();
  real = twinUpdaterFor(graph);
  await graph.createModels([MODEL]);
  await graph.upsertTwin('oven-7', { $metadata: { $model: 'dtmi:twinworks:test:Oven;1' }, temperature: 20, doorOpen: false });
  await t.bus.subscribe('twin.updated', (e) => void updates.push(e));
  const d = await t.hub.operations.createDevice({ deviceId: 'oven-7' });
  client = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.ports.port}`, { clientId: 'oven-7', username: 'oven-7', password: d.authentication.symmetricKey!.primaryKey, reconnectPeriod: 0 });
});

let real: TwinUpdater | undefined;

after(async () => {
  await client?.endAsync();
  await graph?.drain();
  await t?.close();
});

test('a bound device message changes the DTDL twin and the graph emits twin.updated', async () => {
  await client.publishAsync('devices/oven-7/messages/events/', JSON.stringify({ tempF: 392, door: true }), { qos: 1 });
  await t.hub.settled();
  const twin = await eventually(() => {
    const tw = graph.getTwin('oven-7') as unknown as { temperature: number; doorOpen: boolean };
    return tw.temperature === 200 ? tw : undefined; // 392 °F = 200 °C
  });
  assert.equal(twin.doorOpen, true);
  const e = await eventually(() => updates.find((u) => u.payload.twinId === 'oven-7'));
  const values = Object.fromEntries(e.payload.patch.filter((op) => 'value' in op).map((op) => [op.path, (op as { value: unknown }).value]));
  assert.equal(values['/temperature'], 200);
  assert.equal(values['/doorOpen'], true);
});

test('a value of the wrong DTDL type is refused by the graph and counted; the twin keeps its value', async () => {
  await client.publishAsync('devices/oven-7/messages/events/', JSON.stringify({ tempF: 212, door: 'wide open' }), { qos: 1 });
  await t.hub.settled();
  assert.match(await t.metrics.text(), /twinworks_hub_twin_updates_total\{outcome="failed"[^}]*\} 1/);
  const tw = graph.getTwin('oven-7') as unknown as { temperature: number; doorOpen: boolean };
  assert.equal(tw.doorOpen, true);
});

test('the write-ahead log: on by default with DuckDB (in the data dir), off with memory and PostgreSQL, the hub file decides when it says', () => {
  const config = { data: '/srv/twinworks' } as PlatformConfig;
  const defaults = parseHubConfig({});
  assert.equal(hubWalDir(config, defaults, 'duckdb'), undefined);
  assert.equal(hubWalDir(config, parseHubConfig({ wal: { enabled: true } }), 'duckdb'), '/srv/twinworks/hub-wal');
  assert.equal(hubWalDir(config, defaults, 'memory'), undefined);
  assert.equal(hubWalDir(config, defaults, 'postgres'), undefined);
  assert.equal(hubWalDir(config, parseHubConfig({ wal: { enabled: false } }), 'duckdb'), undefined);
  assert.equal(hubWalDir(config, parseHubConfig({ wal: { enabled: true } }), 'postgres'), '/srv/twinworks/hub-wal');
});
