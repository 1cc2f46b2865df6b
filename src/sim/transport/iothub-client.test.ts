import { test } from 'node:test';
import assert from 'node:assert/strict';
import { provisionDevice } from './dps-client.js';
import { IotHubDeviceClient } from './iothub-client.js';
import { FakeHub } from './testing/fake-hub.js';
import { SimErrors } from '../errors.js';

test('DPS: a device registers with a key derived from the group key and is assigned to the hub', async (t) => {
  const hub = await new FakeHub().start();
  t.after(() => hub.close());
  const a = await provisionDevice({ url: hub.url, idScope: hub.idScope, registrationId: 'LINE-1-CNC', groupKey: hub.groupKey });
  assert.equal(a.assignedHub, 'hub.twinworks.test');
  assert.equal(a.deviceId, 'LINE-1-CNC');
  assert.equal(hub.deviceKeys.get('LINE-1-CNC'), a.deviceKey);
  await assert.rejects(
    provisionDevice({ url: hub.url, idScope: hub.idScope, registrationId: 'LINE-1-ROBOT', groupKey: Buffer.from('wrong').toString('base64') }),
    (err) => SimErrors.is(err, 'connection_failed'),
  );
  assert.deepEqual(hub.refused, ['LINE-1-ROBOT']);
});

test('IoT Hub device: telemetry with its property bag, twin, desired patches and direct methods', async (t) => {
  const hub = await new FakeHub({ deviceKeys: { 'LINE-1-QC': Buffer.from('qc-key').toString('base64') } }).start();
  t.after(() => hub.close());
  hub.desired.set('LINE-1-QC', { targetSpeed: 2, $version: 4 });
  const client = new IotHubDeviceClient({ url: hub.url, hostName: hub.hostName, deviceId: 'LINE-1-QC', deviceKey: hub.deviceKeys.get('LINE-1-QC')! });
  t.after(() => client.close());
  const patches: Array<[Record<string, unknown>, number | undefined]> = [];
  client.onDesired((patch, version) => patches.push([patch, version]));
  client.onMethod((name, payload) => ({ status: name === 'setSpeed' ? 200 : 404, payload: { name, got: payload } }));
  await client.open();

  await client.sendTelemetry({ temperature: 25.5 }, '2026-01-07T06:00:00.000Z');
  await hub.waitFor(() => hub.telemetry.length === 1, 2000, 'telemetry');
  assert.deepEqual(hub.telemetry[0], {
    deviceId: 'LINE-1-QC',
    properties: { '$.ct': 'application/json', '$.ce': 'utf-8', 'iothub-creation-time-utc': '2026-01-07T06:00:00.000Z' },
    body: { temperature: 25.5 },
  });

  const twin = await client.getTwin();
  assert.deepEqual(twin.desired, { targetSpeed: 2, $version: 4 });
  assert.equal(await client.patchReported({ targetSpeed: { value: 2, ac: 200, av: 4 } }), 2);
  assert.deepEqual(hub.reported.get('LINE-1-QC'), { targetSpeed: { value: 2, ac: 200, av: 4 }, $version: 2 });

  hub.patchDesired('LINE-1-QC', { targetSpeed: 2.5 });
  await hub.waitFor(() => patches.length === 1, 2000, 'desired patch');
  assert.deepEqual(patches[0], [{ targetSpeed: 2.5, $version: 5 }, 5]);

  assert.deepEqual(await hub.invokeMethod('LINE-1-QC', 'setSpeed', { speed: 1 }), { status: 200, payload: { name: 'setSpeed', got: { speed: 1 } } });
  assert.equal((await hub.invokeMethod('LINE-1-QC', 'nope', null)).status, 404);
});

test('IoT Hub device: a wrong key is refused, not retried forever', async (t) => {
  const hub = await new FakeHub({ deviceKeys: { D: Buffer.from('right').toString('base64') } }).start();
  t.after(() => hub.close());
  const client = new IotHubDeviceClient({ url: hub.url, hostName: hub.hostName, deviceId: 'D', deviceKey: Buffer.from('wrong').toString('base64') });
  await assert.rejects(client.open(), (err) => SimErrors.is(err, 'connection_failed') && err.details.returnCode === 5);
  await client.close();
});

test('IoT Hub device: reconnects with a fresh token after the connection drops', async (t) => {
  const hub = await new FakeHub({ deviceKeys: { D: Buffer.from('k').toString('base64') } }).start();
  t.after(() => hub.close());
  const client = new IotHubDeviceClient({ url: hub.url, hostName: hub.hostName, deviceId: 'D', deviceKey: hub.deviceKeys.get('D')!, backoffMinMs: 20, backoffMaxMs: 100 });
  t.after(() => client.close());
  await client.open();
  hub.kickAll();
  await hub.waitFor(() => client.session.reconnects >= 1 && client.session.connected, 3000, 'reconnect');
  await client.sendTelemetry({ n: 1 });
  await hub.waitFor(() => hub.telemetry.length === 1, 2000, 'telemetry after reconnect');
  // Subscriptions survive the reconnect: methods still reach the device.
  client.onMethod(() => ({ status: 200, payload: 'pong' }));
  assert.deepEqual(await hub.invokeMethod('D', 'ping', null), { status: 200, payload: 'pong' });
});
