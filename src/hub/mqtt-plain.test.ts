/**
 * Plain MQTT clients (the `mqtt` package, MQTT 3.1.1) on generic topics and the rules every client
 * meets: device keys or SAS tokens as passwords, topic authorisation, no QoS 2, the 256 KB limit,
 * malformed JSON, unknown devices, one connection per device, rate limits, WebSocket. Every
 * refusal is checked to leave another device's traffic alone.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mqtt, { type MqttClient, type IClientOptions } from 'mqtt';
import { startTestHub, eventually, type TestHub } from './testing/harness.js';
import { signSasToken } from './identity/sas.js';

let t: TestHub;
const keys: Record<string, string> = {};
const open: MqttClient[] = [];

async function connect(clientId: string, password: string, extra: Partial<IClientOptions> = {}, url?: string): Promise<MqttClient> {
  const c = mqtt.connect(url ?? `mqtt://127.0.0.1:${t.ports.port}`, { clientId, username: clientId, password, reconnectPeriod: 0, protocolVersion: 4, ...extra });
  open.push(c);
  await new Promise<void>((resolve, reject) => {
    c.once('connect', () => resolve());
    c.once('error', reject);
    c.once('close', () => reject(new Error('closed before CONNACK')));
  });
  return c;
}

function closed(c: MqttClient): Promise<void> {
  return new Promise((r) => (c.connected ? c.once('close', () => r()) : r()));
}

/** The QoS the SUBACK granted (128 = refused; mqtt.js reports that as an error carrying the packet). */
async function grantedQos(c: MqttClient, topic: string, qos: 0 | 1 | 2): Promise<number> {
  try {
    return (await c.subscribeAsync(topic, { qos }))[0]!.qos;
  } catch (err) {
    return (err as { packet?: { granted?: number[] } }).packet?.granted?.[0] ?? -1;
  }
}

async function refusedReasons(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const line of (await t.metrics.text()).split('\n')) {
    const m = /^twinworks_hub_refused_total\{kind="(\w+)",reason="(\w+)"[^}]*\} (\d+)/.exec(line);
    if (m) out[`${m[1]}:${m[2]}`] = Number(m[3]);
  }
  return out;
}

async function points(series: string): Promise<number[]> {
  return (await t.store.readPoints({ series, from: new Date(0), to: new Date(Date.now() + 60_000) })).map((p) => p.value);
}

before(async () => {
  t = await startTestHub({ config: { topics: [{ topic: 'factory/{line}/{machine}/telemetry', deviceId: '{line}-{machine}' }] } });
  for (const id of ['LINE2-press7', 'LINE2-press8', 'LINE2-press9']) keys[id] = (await t.hub.operations.createDevice({ deviceId: id })).authentication.symmetricKey!.primaryKey;
});

after(async () => {
  for (const c of open) c.end(true);
  await t?.close();
});

test('a generic topic maps to its device; the device key works as the password', async () => {
  const c = await connect('LINE2-press7', keys['LINE2-press7']!);
  await c.publishAsync('factory/LINE2/press7/telemetry', JSON.stringify({ pressure: 4.2 }), { qos: 1 });
  assert.deepEqual(await points('devices/LINE2-press7/pressure'), [4.2]);
  c.end();
});

test('a SAS token for the configured host name works as the password too', async () => {
  const token = signSasToken('hub.twinworks.test/devices/LINE2-press8', keys['LINE2-press8']!, Date.now() / 1000 + 600);
  const c = await connect('LINE2-press8', token);
  await c.publishAsync('devices/LINE2-press8/messages/events/', JSON.stringify({ pressure: 1.5 }), { qos: 1 });
  assert.deepEqual(await points('devices/LINE2-press8/pressure'), [1.5]);
  c.end();
});

test("publishing on another device's topic closes the connection; the other device carries on", async () => {
  const bystander = await connect('LINE2-press9', keys['LINE2-press9']!);
  const c = await connect('LINE2-press7', keys['LINE2-press7']!);
  const before = await refusedReasons();
  c.publish('factory/LINE2/press8/telemetry', JSON.stringify({ pressure: 9 }), { qos: 1 });
  await closed(c);
  await bystander.publishAsync('factory/LINE2/press9/telemetry', JSON.stringify({ pressure: 2 }), { qos: 1 });
  assert.deepEqual(await points('devices/LINE2-press9/pressure'), [2]);
  assert.deepEqual(await points('devices/LINE2-press8/pressure'), [1.5]); // unchanged
  assert.equal((await refusedReasons())['publish:topic_not_allowed'], (before['publish:topic_not_allowed'] ?? 0) + 1);
  bystander.end();
});

test("subscribing to another device's C2D topic is refused with SUBACK 0x80", async () => {
  const c = await connect('LINE2-press7', keys['LINE2-press7']!);
  assert.equal(await grantedQos(c, 'devices/LINE2-press8/messages/devicebound/#', 1), 128);
  assert.equal(await grantedQos(c, 'devices/LINE2-press7/messages/devicebound/#', 1), 1);
  c.end();
});

test('a QoS 2 subscription still receives C2D messages at QoS 1 (IoT Hub has no QoS 2)', async () => {
  const c = await connect('LINE2-press9', keys['LINE2-press9']!);
  const got = new Promise<{ qos: number; payload: string }>((resolve) => c.once('message', (_topic, payload, packet) => resolve({ qos: packet.qos, payload: payload.toString() })));
  await grantedQos(c, 'devices/LINE2-press9/messages/devicebound/#', 2);
  await t.hub.operations.sendC2d('LINE2-press9', { body: 'hello' });
  assert.deepEqual(await got, { qos: 1, payload: 'hello' });
  c.end();
});

test('QoS 2, oversized and malformed-JSON messages close the connection with a counted reason', async () => {
  const bystander = await connect('LINE2-press9', keys['LINE2-press9']!);
  const before = await refusedReasons();

  const a = await connect('LINE2-press7', keys['LINE2-press7']!);
  a.publish('factory/LINE2/press7/telemetry', JSON.stringify({ pressure: 1 }), { qos: 2 });
  await closed(a);

  const b = await connect('LINE2-press7', keys['LINE2-press7']!);
  b.publish('factory/LINE2/press7/telemetry', Buffer.alloc(300 * 1024, 0x41), { qos: 1 });
  await closed(b);

  const c = await connect('LINE2-press7', keys['LINE2-press7']!);
  c.publish('factory/LINE2/press7/telemetry', '{"pressure": 1', { qos: 1 }); // the topic declares JSON
  await closed(c);

  const after = await refusedReasons();
  assert.equal(after['publish:qos_not_supported'], (before['publish:qos_not_supported'] ?? 0) + 1);
  assert.equal(after['publish:malformed_message'], (before['publish:malformed_message'] ?? 0) + 1);
  // 300 KB is stopped by the packet guard before the parser buffers it.
  assert.match(await t.metrics.text(), /twinworks_mqtt_rejected_total\{reason="packet_too_large"[^}]*\} 1/);
  assert.deepEqual(await points('devices/LINE2-press7/pressure'), [4.2]); // none of the three was stored

  await bystander.publishAsync('factory/LINE2/press9/telemetry', JSON.stringify({ pressure: 3 }), { qos: 1 });
  assert.deepEqual(await points('devices/LINE2-press9/pressure'), [2, 3]);
  bystander.end();
});

test('an unknown device and a wrong key get CONNACK 5 (not authorized)', async () => {
  await assert.rejects(connect('nobody', 'x'), /Not authorized/);
  await assert.rejects(connect('LINE2-press7', keys['LINE2-press8']!), /Not authorized/);
  const r = await refusedReasons();
  assert.ok((r['connect:unknown_device'] ?? 0) >= 1);
  assert.ok((r['connect:bad_credentials'] ?? 0) >= 1);
});

test('a second connection of the same device drops the first (one connection per device)', async () => {
  const first = await connect('LINE2-press7', keys['LINE2-press7']!);
  const dropped = closed(first);
  const second = await connect('LINE2-press7', keys['LINE2-press7']!);
  await dropped;
  await second.publishAsync('factory/LINE2/press7/telemetry', JSON.stringify({ pressure: 5 }), { qos: 1 });
  assert.deepEqual(await points('devices/LINE2-press7/pressure'), [4.2, 5]);
  const d = await eventually(async () => {
    const r = await t.hub.registry.get('LINE2-press7');
    return r.connectionState === 'Connected' ? r : undefined;
  });
  assert.equal(d.connectionState, 'Connected');
  second.end();
});

test('MQTT over WebSocket carries the same protocol', async () => {
  const c = await connect('LINE2-press8', keys['LINE2-press8']!, {}, `ws://127.0.0.1:${t.ports.wsPort}/mqtt`);
  await c.publishAsync('factory/LINE2/press8/telemetry', JSON.stringify({ pressure: 7 }), { qos: 1 });
  assert.deepEqual(await points('devices/LINE2-press8/pressure'), [1.5, 7]);
  c.end();
});

test('a device over its rate limit is throttled, then refused; another device is not', async () => {
  const limited = await startTestHub({ config: { rateLimit: { ratePerSecond: 1, burst: 2, maxDelayMs: 1500 } } });
  try {
    const ka = (await limited.hub.operations.createDevice({ deviceId: 'fast' })).authentication.symmetricKey!.primaryKey;
    const kb = (await limited.hub.operations.createDevice({ deviceId: 'calm' })).authentication.symmetricKey!.primaryKey;
    const url = `mqtt://127.0.0.1:${limited.ports.port}`;
    const fast = mqtt.connect(url, { clientId: 'fast', username: 'fast', password: ka, reconnectPeriod: 0 });
    const calm = mqtt.connect(url, { clientId: 'calm', username: 'calm', password: kb, reconnectPeriod: 0 });
    open.push(fast, calm);
    await Promise.all([fast, calm].map((c) => new Promise((r) => c.once('connect', r))));
    // Burst 2: messages 1-2 pass, 3 waits ~1 s (throttled), 4 would wait ~2 s > 1.5 s: refused.
    // The refusal waits for 1-3 to be acknowledged before it closes the connection.
    const acked: number[] = [];
    for (const i of [1, 2, 3, 4]) fast.publishAsync('devices/fast/messages/events/', JSON.stringify({ i }), { qos: 1 }).then(() => acked.push(i), () => undefined);
    await closed(fast);
    assert.deepEqual(acked.sort(), [1, 2, 3]);
    await calm.publishAsync('devices/calm/messages/events/', JSON.stringify({ i: 1 }), { qos: 1 });
    const text = await limited.metrics.text();
    assert.match(text, /twinworks_hub_throttled_total\{[^}]*\} 1\b/);
    assert.match(text, /twinworks_hub_refused_total\{kind="publish",reason="rate_limited"[^}]*\} 1\b/);
    calm.end();
  } finally {
    await limited.close();
  }
});
