/**
 * External-broker mode against a real Mosquitto (TWINWORKS_TEST_MQTT_URL): the hub consumes IoT Hub
 * telemetry topics and generic topics through a shared subscription, and what is published while
 * the hub is down arrives after it comes back (persistent session, QoS 1, ack after the commit).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import { startTestHub, eventually } from './testing/harness.js';
import { createMemoryStorage } from '../storage/index.js';

const URL = process.env['TWINWORKS_TEST_MQTT_URL'];

test('external broker: shared subscription, generic topics, nothing lost while the hub is down', { skip: URL ? false : 'set TWINWORKS_TEST_MQTT_URL to run' }, async () => {
  const r = randomBytes(4).toString('hex');
  const store = createMemoryStorage();
  const config = {
    topics: [{ topic: `plant${r}/{line}/{machine}/telemetry`, deviceId: '{line}-{machine}' }],
    externalBroker: { url: URL!, group: `tw${r}`, clientId: `twinworks-test-${r}` },
  };
  const read = async (series: string) => (await store.readPoints({ series, from: new Date(0), to: new Date(Date.now() + 60_000) })).map((p) => p.value);
  const publisher = await mqtt.connectAsync(URL!, { clientId: `pub-${r}`, reconnectPeriod: 0 });
  try {
    let hub = await startTestHub({ config, store });
    await publisher.publishAsync(`devices/ext-${r}/messages/events/%24.ct=application%2Fjson`, JSON.stringify({ v: 1 }), { qos: 1 });
    await publisher.publishAsync(`plant${r}/L1/m1/telemetry`, JSON.stringify({ v: 10 }), { qos: 1 });
    assert.deepEqual(await eventually(async () => ((await read(`devices/ext-${r}/v`)).length === 1 ? read(`devices/ext-${r}/v`) : undefined)), [1]);
    assert.deepEqual(await eventually(async () => ((await read('devices/L1-m1/v')).length === 1 ? read('devices/L1-m1/v') : undefined)), [10]);

    await hub.close(); // the session stays on the broker
    await publisher.publishAsync(`devices/ext-${r}/messages/events/`, JSON.stringify({ v: 2 }), { qos: 1 });
    hub = await startTestHub({ config, store });
    try {
      assert.deepEqual(await eventually(async () => ((await read(`devices/ext-${r}/v`)).length === 2 ? read(`devices/ext-${r}/v`) : undefined), 10_000, 'the message published while down'), [1, 2]);
    } finally {
      await hub.close();
    }
  } finally {
    // Remove the persistent session from the broker.
    const cleaner = await mqtt.connectAsync(URL!, { clientId: `twinworks-test-${r}`, clean: true, protocolVersion: 5, reconnectPeriod: 0 }).catch(() => undefined);
    await cleaner?.endAsync();
    await publisher.endAsync();
  }
});
