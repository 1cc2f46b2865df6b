/**
 * The official provisioning SDK (azure-iot-provisioning-device + -mqtt + azure-iot-security-symmetric-key)
 * provisions a device through a symmetric-key enrollment group (the device holds only its derived key),
 * then the device SDK connects with the assignment and sends telemetry. The provisioning host is
 * `127.0.0.1:{port}`: the SDK dials `mqtts://{provisioningHost}`, so the same embedded broker serves
 * DPS. To trust the platform certificate the test hands the transport an MqttBase with `ca` set (the
 * transport's constructor takes one; the SDK has no other way to pass `ca`).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startTestHub, type TestHub } from './testing/harness.js';
import { deriveDeviceKey } from './identity/sas.js';
import type { JsonObject, JsonPatchOperation } from '../bus/index.js';
import type { TwinUpdater } from './twins/port.js';

const require = createRequire(import.meta.url);
const { ProvisioningDeviceClient } = require('azure-iot-provisioning-device') as typeof import('azure-iot-provisioning-device');
const { Mqtt: ProvisioningMqtt } = require('azure-iot-provisioning-device-mqtt') as typeof import('azure-iot-provisioning-device-mqtt');
const { SymmetricKeySecurityClient } = require('azure-iot-security-symmetric-key') as typeof import('azure-iot-security-symmetric-key');
const { MqttBase } = require('azure-iot-mqtt-base') as { MqttBase: new () => { setOptions(o: object): void } };
const deviceSdk = require('azure-iot-device') as typeof import('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt') as typeof import('azure-iot-device-mqtt');

let t: TestHub;
const created: Array<{ twinId: string; modelId: string }> = [];
const twins = new Set<string>(['existing-twin']);

const updater: TwinUpdater = {
  async patchTwin(_id: string, _p: readonly JsonPatchOperation[]) {},
  async twinExists(id) {
    return twins.has(id);
  },
  async createTwin(twinId: string, modelId: string, _props: JsonObject) {
    created.push({ twinId, modelId });
    twins.add(twinId);
  },
};

interface Registration {
  deviceId: string;
  assignedHub: string;
  status?: string;
}

function provision(registrationId: string, key: string, idScope = t.hub.config.idScope): Promise<Registration> {
  const base = new MqttBase();
  base.setOptions({ ca: t.ca });
  const transport = new (ProvisioningMqtt as unknown as new (b: unknown) => InstanceType<typeof ProvisioningMqtt>)(base);
  // `as never`: the security-client type comes from a nested copy of the package the compiler sees as distinct.
  const client = ProvisioningDeviceClient.create(`127.0.0.1:${t.ports.tlsPort}`, idScope, transport, new SymmetricKeySecurityClient(registrationId, key) as never);
  return client.register() as Promise<Registration>;
}

before(async () => {
  t = await startTestHub({ twins: updater });
});

after(async () => {
  await t?.close();
});

test('group enrollment with a derived key: provisioned, initial twin applied, linked twin created, then connected', async () => {
  const group = await t.hub.parts.enrollments.putGroup('presses', {
    initialTwin: { tags: { plant: 'P1' }, properties: { desired: { interval: 10 } } },
    twinId: 'twin-{registrationId}',
    modelId: 'dtmi:twinworks:Press;1',
  });
  assert.equal(group.attestation.type, 'symmetricKey');
  const groupKey = group.attestation.type === 'symmetricKey' ? group.attestation.symmetricKey.primaryKey : '';
  const deviceKey = deriveDeviceKey(groupKey, 'press-42');

  const result = await provision('press-42', deviceKey);
  assert.equal(result.deviceId, 'press-42');
  assert.equal(result.assignedHub, `127.0.0.1:${t.ports.tlsPort}`); // where the device dialled
  assert.equal(result.status, 'assigned');

  const d = await t.hub.registry.get('press-42');
  assert.equal(d.authentication.symmetricKey!.primaryKey, deviceKey);
  assert.deepEqual(d.twin.tags, { plant: 'P1' });
  assert.deepEqual(d.twin.desired, { interval: 10 });
  assert.equal(d.twinId, 'twin-press-42');
  assert.deepEqual(created, [{ twinId: 'twin-press-42', modelId: 'dtmi:twinworks:Press;1' }]);

  // The device connects to the hub it was assigned with the derived key, unchanged SDK code.
  const device = deviceSdk.Client.fromConnectionString(`HostName=${result.assignedHub};DeviceId=${result.deviceId};SharedAccessKey=${deviceKey}`, Mqtt);
  await device.setOptions({ ca: t.ca });
  await device.open();
  try {
    await device.sendEvent(new deviceSdk.Message(JSON.stringify({ force: 12.5 })));
    const pts = await t.store.readPoints({ series: 'devices/press-42/force', from: new Date(0), to: new Date(Date.now() + 60_000) });
    assert.deepEqual(pts.map((p) => p.value), [12.5]);
    const twin = await device.getTwin();
    assert.equal((twin.properties.desired as { interval?: number }).interval, 10);
  } finally {
    await device.close();
  }
});

test('re-provisioning keeps the twin; an existing twin is linked, not created again', async () => {
  await t.hub.parts.enrollments.putIndividual('oven-1', { twinId: 'existing-twin', modelId: 'dtmi:twinworks:Oven;1', initialTwin: { tags: { line: 'A' } } });
  const e = await t.hub.parts.enrollments.individual('oven-1');
  const key = e!.attestation.type === 'symmetricKey' ? e!.attestation.symmetricKey.secondaryKey : '';
  const first = await provision('oven-1', key);
  assert.equal(first.deviceId, 'oven-1');
  await t.hub.operations.updateTwin('oven-1', { tags: { line: 'B' } });
  await provision('oven-1', key);
  const d = await t.hub.registry.get('oven-1');
  assert.deepEqual(d.twin.tags, { line: 'B' });
  assert.equal(d.twinId, 'existing-twin');
  assert.equal(created.some((c) => c.twinId === 'existing-twin'), false);
  assert.equal((await t.hub.parts.enrollments.registration('oven-1'))!.substatus, 'reprovisionedToInitialAssignment');
});

test('a wrong derived key, an unknown scope and a disabled group are refused', async () => {
  await assert.rejects(provision('press-43', deriveDeviceKey(Buffer.alloc(32, 9).toString('base64'), 'press-43')));
  const g = await t.hub.parts.enrollments.group('presses');
  const groupKey = g!.attestation.type === 'symmetricKey' ? g!.attestation.symmetricKey.primaryKey : '';
  await assert.rejects(provision('press-44', deriveDeviceKey(groupKey, 'press-44'), '0neOTHER'));
  await t.hub.parts.enrollments.putGroup('presses', { provisioningStatus: 'disabled', attestation: { symmetricKey: { primaryKey: groupKey } } });
  await assert.rejects(provision('press-45', deriveDeviceKey(groupKey, 'press-45')));
  assert.equal(await t.hub.registry.read('press-43'), undefined);
  assert.equal(await t.hub.registry.read('press-45'), undefined);
  const text = await t.metrics.text();
  assert.match(text, /twinworks_hub_refused_total\{kind="connect",reason="not_enrolled"[^}]*\} [1-9]/);
  assert.match(text, /twinworks_hub_refused_total\{kind="connect",reason="unknown_scope"[^}]*\} 1/);
});
