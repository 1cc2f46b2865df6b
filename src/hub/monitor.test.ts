/**
 * Service clients (platform users, API keys) monitoring device telemetry through the embedded
 * broker. The broker skips its routing work for messages nobody can receive, so these check that
 * every way a service client can receive a device message still works: a live subscription, one
 * made after others came and went, a persistent session's offline queue, and retained messages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt, { type MqttClient } from 'mqtt';
import { createInProcessBus } from '../bus/index.js';
import { createMetrics, silentLogger } from '../observability/index.js';
import { createMemoryStorage } from '../storage/index.js';
import { createDeviceHub, parseHubConfig } from './index.js';

async function start() {
  const store = createMemoryStorage();
  await store.open();
  const logger = silentLogger();
  const bus = createInProcessBus({ logger });
  const hub = await createDeviceHub({
    store,
    bus,
    logger,
    metrics: createMetrics(),
    hostName: 'hub.twinworks.test',
    config: parseHubConfig({}),
    principals: async (_clientId, username, password) => (username === 'svc' && password === 'svc-password' ? { subject: 'svc' } : undefined),
  });
  const device = await hub.operations.createDevice({ deviceId: 'press-1' });
  const { port } = await hub.listen({ host: '127.0.0.1', port: 0 });
  const url = `mqtt://127.0.0.1:${port}`;
  return {
    connectDevice: () => mqtt.connectAsync(url, { clientId: 'press-1', username: 'press-1', password: device.authentication.symmetricKey!.primaryKey, reconnectPeriod: 0 }),
    connectService: (clientId: string, clean = true) => mqtt.connectAsync(url, { clientId, username: 'svc', password: 'svc-password', clean, reconnectPeriod: 0 }),
    async close() {
      await hub.close();
      await bus.close();
      await store.close();
    },
  };
}

function nextMessage(c: MqttClient, ms = 3000): Promise<{ topic: string; body: string; retain: boolean }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no message arrived')), ms);
    c.once('message', (topic, payload, packet) => {
      clearTimeout(timer);
      resolve({ topic, body: payload.toString(), retain: packet.retain });
    });
  });
}

const TOPIC = 'devices/press-1/messages/events/';

test('a service client receives telemetry; another one subscribing after the first left does too', async () => {
  const h = await start();
  const device = await h.connectDevice();
  try {
    const a = await h.connectService('svc-a');
    await a.subscribeAsync('devices/+/messages/events/#', { qos: 0 });
    const got = nextMessage(a);
    await device.publishAsync(TOPIC, '{"t":1}', { qos: 1 });
    assert.deepEqual(await got, { topic: TOPIC, body: '{"t":1}', retain: false });
    await a.endAsync();

    // Nobody subscribed now: the message is still accepted (PUBACK arrives).
    await device.publishAsync(TOPIC, '{"t":2}', { qos: 1 });

    const b = await h.connectService('svc-b');
    await b.subscribeAsync('#', { qos: 0 });
    const got2 = nextMessage(b);
    await device.publishAsync(TOPIC, '{"t":3}', { qos: 1 });
    assert.equal((await got2).body, '{"t":3}');
    await b.endAsync();
  } finally {
    await device.endAsync();
    await h.close();
  }
});

test("a persistent service session gets the telemetry sent while it was offline", async () => {
  const h = await start();
  const device = await h.connectDevice();
  try {
    const a = await h.connectService('svc-persistent', false);
    await a.subscribeAsync('devices/+/messages/events/#', { qos: 1 });
    await a.endAsync();
    await device.publishAsync(TOPIC, '{"offline":true}', { qos: 1 });
    const back = mqtt.connect((a.options as { protocol: string; hostname: string; port: number }).protocol + '://127.0.0.1:' + a.options.port, {
      clientId: 'svc-persistent',
      username: 'svc',
      password: 'svc-password',
      clean: false,
      reconnectPeriod: 0,
    });
    const got = nextMessage(back);
    assert.equal((await got).body, '{"offline":true}');
    await back.endAsync();
  } finally {
    await device.endAsync();
    await h.close();
  }
});

test('a retained device message reaches a service client that subscribes later', async () => {
  const h = await start();
  const device = await h.connectDevice();
  try {
    await device.publishAsync(TOPIC, '{"last":42}', { qos: 1, retain: true });
    const a = await h.connectService('svc-late');
    const got = nextMessage(a);
    await a.subscribeAsync(TOPIC, { qos: 0 });
    assert.deepEqual(await got, { topic: TOPIC, body: '{"last":42}', retain: true });
    await a.endAsync();
  } finally {
    await device.endAsync();
    await h.close();
  }
});
