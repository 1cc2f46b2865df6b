/**
 * From message to twin, through the whole hub: routes with IoT Hub queries pick endpoints (store,
 * per-message bus events, a webhook with enrichments, the batched event), bindings turn values into
 * twin property patches with unit conversion, and the twin updater receives them after the message
 * was acknowledged. The twin updater here is a fake that records patches and publishes
 * `twin.updated`, as the twin graph does.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import { startTestHub, eventually, type TestHub } from './testing/harness.js';
import type { Envelope, JsonObject, JsonPatchOperation } from '../bus/index.js';
import type { TwinUpdater } from './twins/port.js';

let t: TestHub;
let webhook: Server;
const hooked: JsonObject[] = [];
const patches: Array<{ twinId: string; patch: readonly JsonPatchOperation[]; sourceTime: string }> = [];
const telemetry: Array<{ twinId: string; values: JsonObject }> = [];
const received: Array<Envelope<'telemetry.received'>> = [];
const batches: Array<Envelope<'telemetry.batch'>> = [];
let client: MqttClient;

const updater: TwinUpdater = {
  async patchTwin(twinId, patch, { sourceTime }) {
    patches.push({ twinId, patch, sourceTime });
  },
  async twinExists() {
    return true;
  },
  async publishTelemetry(twinId, values) {
    telemetry.push({ twinId, values });
  },
};

before(async () => {
  webhook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hooked.push(...(JSON.parse(body) as JsonObject[]));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
  const port = (webhook.address() as AddressInfo).port;
  t = await startTestHub({
    twins: updater,
    config: {
      routes: [
        { name: 'hot', condition: "$body.temperature > 85 AND line = 'LINE-2'", endpoints: ['bus', 'webhook:alarms'] },
        { name: 'everything', condition: 'true', endpoints: ['store', 'twins', 'events'] },
      ],
      enrichments: [{ key: 'plant', value: '$twin.tags.plant', endpoints: ['webhook:alarms'] }],
      webhooks: { alarms: { url: `http://127.0.0.1:${port}/alarms` } },
      bindings: [
        {
          devices: 'oven-*',
          twin: 'twin-{deviceId}',
          properties: [
            { from: 'temperature', to: 'temperature', unit: { from: 'degF', to: 'degC' } },
            { from: 'door', to: '/door/open' },
          ],
          telemetry: ['vibration'],
        },
      ],
    },
  });
  await t.bus.subscribe('telemetry.received', (e) => void received.push(e));
  await t.bus.subscribe('telemetry.batch', (e) => void batches.push(e));
  const d = await t.hub.operations.createDevice({ deviceId: 'oven-1', tags: { plant: 'Plant-East' } });
  client = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.ports.port}`, { clientId: 'oven-1', username: 'oven-1', password: d.authentication.symmetricKey!.primaryKey, reconnectPeriod: 0 });
});

after(async () => {
  await client?.endAsync();
  await t?.close();
  await new Promise((r) => webhook.close(r));
});

const publish = (body: object, props = '') => client.publishAsync(`devices/oven-1/messages/events/${props}`, JSON.stringify(body), { qos: 1 });

test('a hot message on LINE-2 reaches the bus, the webhook (enriched from the twin tags), the store and the twin', async () => {
  await publish({ temperature: 212, door: false, vibration: 0.3, timestamp: '2026-03-01T08:00:00.000Z' }, 'line=LINE-2');
  await t.hub.settled();
  // Bus: one per-message event with the source time and application properties.
  const e = await eventually(() => received[0]);
  assert.equal(e.key, 'oven-1');
  assert.equal(e.payload.sourceTime, '2026-03-01T08:00:00.000Z');
  assert.deepEqual(e.payload.values, { temperature: 212, door: false, vibration: 0.3 });
  assert.deepEqual(e.payload.properties, { line: 'LINE-2' });
  // Webhook: the enrichment read the device twin's tag.
  const w = await eventually(() => hooked[0]);
  assert.deepEqual(w['properties'], { line: 'LINE-2', plant: 'Plant-East' });
  assert.deepEqual(w['body'], { temperature: 212, door: false, vibration: 0.3, timestamp: '2026-03-01T08:00:00.000Z' });
  // Twin: 212 °F = 100 °C, the door flag, at the message's source time; vibration as twin telemetry.
  const p = await eventually(() => patches[0]);
  assert.equal(p.twinId, 'twin-oven-1');
  assert.deepEqual(p.patch, [
    { op: 'add', path: '/temperature', value: 100 },
    { op: 'add', path: '/door/open', value: false },
  ]);
  assert.equal(p.sourceTime, '2026-03-01T08:00:00.000Z');
  assert.deepEqual(await eventually(() => telemetry[0]), { twinId: 'twin-oven-1', values: { vibration: 0.3 } });
  // The batched event carries it too.
  const b = await eventually(() => batches.find((x) => x.payload.messages.some((m) => m.deviceId === 'oven-1')));
  assert.equal(b.payload.messages[0]!.values['temperature'], 212);
});

test('a normal message skips the hot route: store and twin only, no bus event, no webhook', async () => {
  const before = { received: received.length, hooked: hooked.length, patches: patches.length };
  await publish({ temperature: 68, door: true }, 'line=LINE-2'); // 68 is not > 85: the hot route does not match
  await t.hub.settled();
  const p = await eventually(() => patches[before.patches]);
  assert.deepEqual(p.patch, [
    { op: 'add', path: '/temperature', value: 20 },
    { op: 'add', path: '/door/open', value: true },
  ]);
  assert.equal(received.length, before.received);
  assert.equal(hooked.length, before.hooked);
  const pts = await t.store.readPoints({ series: 'devices/oven-1/temperature', from: new Date(0), to: new Date(Date.now() + 60_000) });
  assert.deepEqual(pts.map((x) => x.value), [212, 68]); // the store keeps the device's own unit
});
