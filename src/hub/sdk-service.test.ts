/**
 * The official service SDK (`azure-iothub`: Registry, Twin, Client.invokeDeviceMethod), unchanged,
 * against the hub's IoT Hub REST surface on the platform's HTTPS port; HTTP device telemetry; and
 * the platform's own /api/hub routes with their permissions.
 *
 * The SDK always dials port 443 of the connection string's HostName. The test gives it an
 * https.Agent that opens the TLS connection to the ephemeral port instead (and trusts the
 * platform certificate); everything above the socket is the SDK's own code.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'node:https';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { createRequire } from 'node:module';
import type { Registry as RegistryType } from 'azure-iothub';
import { startTestHub, eventually, type TestHub } from './testing/harness.js';
import { signSasToken } from './identity/sas.js';

const require = createRequire(import.meta.url);
const { Registry, Client } = require('azure-iothub') as typeof import('azure-iothub');
const deviceSdk = require('azure-iot-device') as typeof import('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt') as typeof import('azure-iot-device-mqtt');

let t: TestHub;
let agent: Agent;

/** Sends the SDK's requests for `localhost:443` to the test's HTTPS port. */
function portAgent(port: number, ca: string): Agent {
  const a = new Agent({ keepAlive: true, ca });
  // Same TLS options the SDK asked for, another port: only where the socket goes changes.
  (a as unknown as { createConnection: (o: ConnectionOptions, cb?: () => void) => unknown }).createConnection = (o, cb) =>
    tlsConnect({ ...o, host: '127.0.0.1', port, servername: 'localhost' }, cb);
  return a;
}

function useAgent(sdkObject: unknown): void {
  (sdkObject as { _restApiClient: { setOptions(o: object): void } })._restApiClient.setOptions({ http: { agent } });
}

function registryFor(policy: string, key?: string): RegistryType {
  const cs = key ? `HostName=localhost;SharedAccessKeyName=${policy};SharedAccessKey=${key}` : t.hub.connectionString(policy, 'localhost');
  const r = Registry.fromConnectionString(cs);
  useAgent(r);
  return r;
}

before(async () => {
  t = await startTestHub({ api: true });
  agent = portAgent(t.api!.httpsPort, t.ca);
});

after(async () => {
  agent?.destroy();
  await t?.close();
});

test('Registry: create (keys generated), get, list, update, delete', async () => {
  const registry = registryFor('iothubowner');
  const created = (await registry.create({ deviceId: 'svc-1' })).responseBody;
  assert.equal(created.deviceId, 'svc-1');
  assert.equal(created.status, 'enabled');
  const keys = created.authentication!.symmetricKey!;
  assert.equal(Buffer.from(keys.primaryKey!, 'base64').length, 32);
  assert.notEqual(keys.primaryKey, keys.secondaryKey);
  // What the SDK read back is what the hub stored.
  assert.equal((await t.hub.registry.get('svc-1')).authentication.symmetricKey!.primaryKey, keys.primaryKey);

  const got = (await registry.get('svc-1')).responseBody;
  assert.equal(got.connectionState, 'Disconnected');
  const list = (await registry.list()).responseBody;
  assert.deepEqual(list.map((d) => d.deviceId), ['svc-1']);

  const updated = (await registry.update({ deviceId: 'svc-1', status: 'disabled', statusReason: 'maintenance' })).responseBody;
  assert.equal(updated.status, 'disabled');
  assert.equal(updated.authentication!.symmetricKey!.primaryKey, keys.primaryKey, 'keys survive an update that does not name them');

  await assert.rejects(registry.create({ deviceId: 'svc-1' }), (e: Error) => e.constructor.name === 'DeviceAlreadyExistsError');
  await registry.delete('svc-1');
  await assert.rejects(registry.get('svc-1'), (e: Error) => e.constructor.name === 'DeviceNotFoundError');
});

test('Twin: tags and desired properties through getTwin / twin.update (with its etag)', async () => {
  const registry = registryFor('iothubowner');
  await registry.create({ deviceId: 'svc-2' });
  const twin = (await registry.getTwin('svc-2')).responseBody;
  assert.equal(twin.deviceId, 'svc-2');
  const staleEtag = twin.etag; // twin.update replaces twin.etag with the new one
  const patched = (await twin.update({ tags: { plant: 'P1' }, properties: { desired: { setpoint: 5 } } })).result;
  assert.deepEqual(patched.tags, { plant: 'P1' });
  assert.equal((patched.properties.desired as Record<string, unknown>)['setpoint'], 5);
  assert.equal((patched.properties.desired as Record<string, unknown>)['$version'], 2);
  const stored = await t.hub.registry.get('svc-2');
  assert.deepEqual(stored.twin.desired, { setpoint: 5 });
  // A stale etag is refused (412).
  await assert.rejects(registry.updateTwin('svc-2', { tags: { plant: 'P2' } }, staleEtag), (e: Error) => e.constructor.name === 'InvalidEtagError');
});

test('Client.invokeDeviceMethod reaches a device connected with the device SDK', async () => {
  const registry = registryFor('iothubowner');
  const d = (await registry.create({ deviceId: 'svc-3' })).responseBody;
  const device = deviceSdk.Client.fromConnectionString(`HostName=127.0.0.1:${t.ports.tlsPort};DeviceId=svc-3;SharedAccessKey=${d.authentication!.symmetricKey!.primaryKey}`, Mqtt);
  await device.setOptions({ ca: t.ca });
  await device.open();
  try {
    device.onDeviceMethod('setSpeed', (req, res) => void res.send(200, { speed: (req.payload as { rpm: number }).rpm }));
    await eventually(() => (t.hub.parts.sessions.device('svc-3')?.subscribed.methods ? true : undefined));
    const client = Client.fromConnectionString(t.hub.connectionString('service', 'localhost'));
    useAgent(client);
    const r = await client.invokeDeviceMethod('svc-3', { methodName: 'setSpeed', payload: { rpm: 1200 }, responseTimeoutInSeconds: 10 });
    assert.deepEqual(r.result, { status: 200, payload: { speed: 1200 } });
    await assert.rejects(client.invokeDeviceMethod('svc-1-missing', { methodName: 'x' }), /not connected|DeviceNotOnline|Not found/);
  } finally {
    await device.close();
  }
});

test('policies are enforced: registryRead cannot write, service cannot read the registry, a wrong key is refused', async () => {
  await assert.rejects(registryFor('registryRead').create({ deviceId: 'nope' }), (e: Error) => e.constructor.name === 'UnauthorizedError');
  await registryFor('registryRead').list();
  await assert.rejects(registryFor('service').list(), (e: Error) => e.constructor.name === 'UnauthorizedError');
  await assert.rejects(registryFor('iothubowner', Buffer.alloc(32, 1).toString('base64')).list(), (e: Error) => e.constructor.name === 'UnauthorizedError');
  await assert.rejects(registryFor('nosuchpolicy', Buffer.alloc(32, 1).toString('base64')).list(), (e: Error) => e.constructor.name === 'UnauthorizedError');
});

test('HTTP telemetry: POST /devices/{id}/messages/events with a device token → 204, stored with app properties', async () => {
  const d = await t.hub.operations.createDevice({ deviceId: 'http-1' });
  const key = d.authentication.symmetricKey!.primaryKey;
  const url = `http://127.0.0.1:${t.api!.httpPort}/devices/http-1/messages/events?api-version=2021-04-12`;
  const token = signSasToken(`127.0.0.1:${t.api!.httpPort}/devices/http-1`, key, Date.now() / 1000 + 600);
  const ok = await fetch(url, { method: 'POST', headers: { authorization: token, 'content-type': 'application/json', 'iothub-app-line': 'L1' }, body: JSON.stringify({ flow: 3.5 }) });
  assert.equal(ok.status, 204);
  const pts = await t.store.readPoints({ series: 'devices/http-1/flow', from: new Date(0), to: new Date(Date.now() + 60_000) });
  assert.deepEqual(pts.map((p) => p.value), [3.5]);

  const forged = await fetch(url, { method: 'POST', headers: { authorization: token.replace(/sig=./, 'sig=A'), 'content-type': 'application/json' }, body: '{}' });
  assert.equal(forged.status, 401);
  const bad = await fetch(url, { method: 'POST', headers: { authorization: token, 'content-type': 'application/json' }, body: '{"flow":' });
  assert.equal(bad.status, 400);
  assert.match(((await bad.json()) as { Message: string }).Message, /^ErrorCode:ArgumentInvalid;/);
  const other = await fetch(url.replace('http-1/messages', 'http-2/messages'), { method: 'POST', headers: { authorization: token }, body: '{}' });
  assert.equal(other.status, 401);
});

test('/api/hub: platform users need the right permission; readers never see keys', async () => {
  const { auth } = t.api!;
  await auth.users.create({ username: 'viewer1', password: 'viewer-password-1', roles: ['viewer'] });
  await auth.users.create({ username: 'operator1', password: 'operator-password-1', roles: ['operator'] });
  const tokenOf = async (u: string, p: string) => (await auth.login(u, p)).access_token;
  const admin = await tokenOf('admin', 'admin-password-123');
  const viewer = await tokenOf('viewer1', 'viewer-password-1');
  const operator = await tokenOf('operator1', 'operator-password-1');
  const call = (method: string, path: string, token: string, body?: unknown) =>
    t.api!.server.app.inject({ method: method as 'GET', url: path, headers: { authorization: `Bearer ${token}` }, ...(body !== undefined ? { payload: body as object } : {}) });

  assert.equal((await call('POST', '/api/hub/devices', viewer, { deviceId: 'p-1' })).statusCode, 403);
  const created = await call('POST', '/api/hub/devices', admin, { deviceId: 'p-1' });
  assert.equal(created.statusCode, 201);
  assert.ok(created.json().authentication.symmetricKey.primaryKey);
  const seen = await call('GET', '/api/hub/devices/p-1', viewer);
  assert.equal(seen.statusCode, 200);
  assert.equal(seen.json().authentication.symmetricKey.primaryKey, null);
  assert.equal((await call('GET', '/api/hub/devices/p-1/keys', viewer)).statusCode, 403);
  // Operators may send commands but not manage the registry.
  assert.equal((await call('POST', '/api/hub/devices/p-1/messages', operator, { body: { cmd: 'stop' } })).statusCode, 202);
  assert.equal((await call('DELETE', '/api/hub/devices/p-1', operator)).statusCode, 403);
  assert.equal((await call('GET', '/api/hub/devices/p-1/messages', viewer)).json().value.length, 1);
  const cs = (await call('GET', '/api/hub/connection-string?policy=service', admin)).json().connectionString as string;
  assert.match(cs, /^HostName=hub\.twinworks\.test;SharedAccessKeyName=service;SharedAccessKey=.+=$/);
  assert.equal((await call('POST', '/api/hub/devices/p-1/status', admin, { status: 'disabled' })).json().status, 'disabled');
});
