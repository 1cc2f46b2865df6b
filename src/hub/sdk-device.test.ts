/**
 * The official Azure IoT device SDK (azure-iot-device + azure-iot-device-mqtt), unchanged, against
 * the embedded hub over MQTT/TLS: telemetry, reported properties, desired-property updates, a
 * direct method, C2D with completion, and refused credentials. The connection string's HostName is
 * `127.0.0.1:{port}`, so the SDK signs its token for that address (which the hub accepts).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { Client as DeviceClient, Message as DeviceMessage, Twin } from 'azure-iot-device';
import { startTestHub, eventually, type TestHub } from './testing/harness.js';
import type { Envelope } from '../bus/index.js';
import { signSasToken } from './identity/sas.js';

const require = createRequire(import.meta.url);
const { Client, Message } = require('azure-iot-device') as typeof import('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt') as typeof import('azure-iot-device-mqtt');

let t: TestHub;
let key: string;
let client: DeviceClient;
const feedback: Array<Envelope<'device.message_feedback'>> = [];

function connectionString(deviceId: string, k: string): string {
  return `HostName=127.0.0.1:${t.ports.tlsPort};DeviceId=${deviceId};SharedAccessKey=${k}`;
}

async function open(deviceId: string, k: string): Promise<DeviceClient> {
  const c = Client.fromConnectionString(connectionString(deviceId, k), Mqtt);
  await c.setOptions({ ca: t.ca });
  return c;
}

before(async () => {
  t = await startTestHub();
  const device = await t.hub.operations.createDevice({ deviceId: 'press-1' });
  key = device.authentication.symmetricKey!.primaryKey;
  await t.bus.subscribe('device.message_feedback', (e) => void feedback.push(e));
  client = await open('press-1', key);
  await client.open();
});

after(async () => {
  await client?.close().catch(() => undefined);
  await t?.close();
});

test('the registry generated two distinct 32-byte keys', async () => {
  const d = await t.hub.registry.get('press-1');
  const k = d.authentication.symmetricKey!;
  assert.notEqual(k.primaryKey, k.secondaryKey);
  assert.equal(Buffer.from(k.primaryKey, 'base64').length, 32);
});

test('telemetry is in the store when sendEvent resolves (the PUBACK waits for the commit)', async () => {
  const m = new Message(JSON.stringify({ temperature: 21.5, running: true, timestamp: '2026-01-31T12:00:00.000Z' }));
  m.properties.add('line', 'LINE-2');
  await client.sendEvent(m);
  // No waiting: the ack itself means durable.
  const points = await t.store.readPoints({ series: 'devices/press-1/temperature', from: new Date('2026-01-01'), to: new Date('2027-01-01') });
  assert.equal(points.length, 1);
  assert.equal(points[0]!.value, 21.5);
  assert.equal(points[0]!.time.toISOString(), '2026-01-31T12:00:00.000Z'); // source time from the body
  assert.ok(points[0]!.arrival.getTime() > Date.parse('2026-01-31T12:00:00.000Z')); // arrival time kept apart
  const running = await t.store.readPoints({ series: 'devices/press-1/running', from: new Date('2026-01-01'), to: new Date('2027-01-01') });
  assert.equal(running[0]!.value, 1);
});

test('reported properties reach the registry and bump the reported $version', async () => {
  const twin: Twin = await client.getTwin();
  await new Promise<void>((resolve, reject) => twin.properties.reported.update({ firmware: '1.2.0', motor: { rpm: 1500 } }, (err?: Error) => (err ? reject(err) : resolve())));
  const d = await t.hub.registry.get('press-1');
  assert.deepEqual(d.twin.reported, { firmware: '1.2.0', motor: { rpm: 1500 } });
  assert.equal(d.twin.reportedVersion, 2);
  // A second patch merges (RFC 7396): null removes a member.
  await new Promise<void>((resolve, reject) => twin.properties.reported.update({ motor: { rpm: null, temp: 40 } }, (err?: Error) => (err ? reject(err) : resolve())));
  const d2 = await t.hub.registry.get('press-1');
  assert.deepEqual(d2.twin.reported, { firmware: '1.2.0', motor: { temp: 40 } });
  assert.equal(d2.twin.reportedVersion, 3);
});

test('a desired-property change from the service reaches the device with its $version', async () => {
  const twin: Twin = await client.getTwin();
  const received: unknown[] = [];
  twin.on('properties.desired', (delta: unknown) => received.push(delta));
  // The SDK emits the full desired set once after subscribing; wait for it, then change.
  await eventually(() => (received.length >= 1 ? true : undefined), 5000, 'initial desired snapshot');
  await t.hub.operations.updateTwin('press-1', { desired: { setpoint: 70 } });
  const delta = await eventually(() => received.find((r) => (r as { setpoint?: number }).setpoint === 70), 5000, 'desired patch');
  assert.deepEqual(delta, { setpoint: 70, $version: 2 });
  assert.equal((twin.properties.desired as { setpoint?: number }).setpoint, 70);
});

test('a direct method round trip returns the device status and payload', async () => {
  client.onDeviceMethod('reboot', (req, res) => {
    void res.send(200, { ok: true, echo: req.payload });
  });
  await eventually(() => (t.hub.parts.sessions.device('press-1')?.subscribed.methods ? true : undefined), 5000, 'methods subscription');
  const r = await t.hub.operations.invokeMethod('press-1', { methodName: 'reboot', payload: { delayS: 3 } });
  assert.deepEqual(r, { status: 200, payload: { ok: true, echo: { delayS: 3 } } });
});

test('a method on a device that does not handle it times out; an offline device is not online', async () => {
  await assert.rejects(t.hub.operations.invokeMethod('press-1', { methodName: 'nobodyHome', responseTimeoutInSeconds: 5 }), (e: { code?: string }) => e.code === 'hub.method_timeout');
  await t.hub.operations.createDevice({ deviceId: 'offline-1' });
  await assert.rejects(t.hub.operations.invokeMethod('offline-1', { methodName: 'reboot' }), (e: { code?: string }) => e.code === 'hub.device_not_online');
});

test('a C2D message is delivered with its properties and completed on PUBACK (feedback event)', async () => {
  const got: DeviceMessage[] = [];
  client.on('message', (msg: DeviceMessage) => {
    got.push(msg);
    void client.complete(msg);
  });
  const sent = await t.hub.operations.sendC2d('press-1', { body: 'stop', properties: { cmd: 'halt' }, correlationId: 'c-1' });
  const msg = await eventually(() => got[0], 5000, 'C2D delivery');
  assert.equal(msg.data.toString(), 'stop');
  assert.equal(msg.messageId, sent.messageId);
  assert.equal(msg.correlationId, 'c-1');
  assert.equal(msg.properties.getValue('cmd'), 'halt');
  const fb = await eventually(() => feedback.find((f) => f.payload.messageId === sent.messageId), 5000, 'feedback');
  assert.equal(fb.payload.status, 'completed');
  assert.equal(fb.payload.deliveryCount, 1);
  assert.deepEqual(await t.hub.operations.listC2d('press-1'), []);
});

test('C2D messages queued while the device is offline are delivered when it connects', async () => {
  const d = await t.hub.operations.createDevice({ deviceId: 'late-1' });
  await t.hub.operations.sendC2d('late-1', { body: 'first' });
  await t.hub.operations.sendC2d('late-1', { body: 'second' });
  assert.equal((await t.hub.registry.get('late-1')).cloudToDeviceMessageCount, 2);
  const late = await open('late-1', d.authentication.symmetricKey!.primaryKey);
  const got: string[] = [];
  late.on('message', (msg: DeviceMessage) => {
    got.push(msg.data.toString());
    void late.complete(msg);
  });
  await late.open();
  try {
    await eventually(() => (got.length === 2 ? true : undefined), 5000, 'two queued messages');
    assert.deepEqual(got, ['first', 'second']);
    await eventually(async () => ((await t.hub.operations.listC2d('late-1')).length === 0 ? true : undefined), 5000, 'queue drained');
  } finally {
    await late.close();
  }
});

test('the C2D queue is bounded per device', async () => {
  await t.hub.operations.createDevice({ deviceId: 'full-1' });
  const limit = t.hub.config.c2d.maxQueuePerDevice;
  for (let i = 0; i < limit; i++) await t.hub.operations.sendC2d('full-1', { body: `m${i}` });
  await assert.rejects(t.hub.operations.sendC2d('full-1', { body: 'one too many' }), (e: { code?: string }) => e.code === 'hub.c2d_queue_full');
});

test('a wrong key and an expired token are refused; the connected device is unaffected', async () => {
  const wrong = await open('press-1', Buffer.alloc(32, 7).toString('base64'));
  await assert.rejects(wrong.open());
  await wrong.close().catch(() => undefined);

  const expired = signSasToken(`127.0.0.1:${t.ports.tlsPort}/devices/press-1`, key, Date.now() / 1000 - 60);
  const c2 = Client.fromSharedAccessSignature(`${expired}`, Mqtt);
  await c2.setOptions({ ca: t.ca });
  await assert.rejects(c2.open());
  await c2.close().catch(() => undefined);

  await client.sendEvent(new Message(JSON.stringify({ temperature: 22 })));
  const text = (await t.metrics.text()).split('\n').filter((l) => l.startsWith('twinworks_hub_refused')).join('\n');
  assert.match(text, /twinworks_hub_refused_total\{kind="connect",reason="bad_credentials"[^}]*\} 1/);
  assert.match(text, /twinworks_hub_refused_total\{kind="connect",reason="expired"[^}]*\} 1/);
});

test('the registry shows the device connected with recent activity', async () => {
  const d = await eventually(async () => {
    const r = await t.hub.registry.get('press-1');
    return r.connectionState === 'Connected' ? r : undefined;
  });
  assert.ok(Date.parse(d.lastActivityTime) > Date.now() - 60_000);
});
