/**
 * X.509 over mutual TLS: a self-signed device certificate registered by thumbprint (the device SDK
 * with `x509=true`), a CA-signed certificate whose CN is the device id, refusals for a wrong
 * thumbprint / CN / CA, and DPS provisioning of a CA-signed device through an X.509 enrollment group.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { createRequire } from 'node:module';
import mqtt from 'mqtt';
import { generate } from 'selfsigned';
import { startTestHub, eventually, type TestHub } from './testing/harness.js';

const require = createRequire(import.meta.url);
const deviceSdk = require('azure-iot-device') as typeof import('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt') as typeof import('azure-iot-device-mqtt');

type Pem = { cert: string; key: string };
let t: TestHub;
let ca: Pem;
let otherCa: Pem;

async function certificate(cn: string, signer?: Pem, isCa = false): Promise<Pem> {
  const now = Date.now();
  const r = await generate([{ name: 'commonName', value: cn }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + 86_400_000),
    extensions: isCa ? [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, digitalSignature: true, critical: true }] : [{ name: 'basicConstraints', cA: false }, { name: 'extKeyUsage', clientAuth: true }],
    ...(signer ? { ca: { key: signer.key, cert: signer.cert } } : {}),
  });
  return { cert: r.cert, key: r.private };
}

/** SHA-1 thumbprint as Node prints it (colon-separated hex): an implementation independent of the hub's. */
const sha1 = (pem: string) => new X509Certificate(pem).fingerprint;

function connectTls(clientId: string, pem: Pem, username = clientId) {
  return mqtt.connectAsync(`mqtts://127.0.0.1:${t.ports.tlsPort}`, { clientId, username, cert: pem.cert, key: pem.key, ca: t.ca, reconnectPeriod: 0 });
}

before(async () => {
  ca = await certificate('Twinworks Test Root', undefined, true);
  otherCa = await certificate('Someone Else Root', undefined, true);
  t = await startTestHub({ config: { x509: { caCertificates: [ca.cert] } } });
});

after(async () => {
  await t?.close();
});

test('self-signed certificate registered by thumbprint: the device SDK connects with x509=true', async () => {
  const pem = await certificate('cam-1');
  await t.hub.operations.createDevice({ deviceId: 'cam-1', authentication: { x509Thumbprint: { primaryThumbprint: sha1(pem.cert) } } });
  const device = deviceSdk.Client.fromConnectionString(`HostName=127.0.0.1:${t.ports.tlsPort};DeviceId=cam-1;x509=true`, Mqtt);
  await device.setOptions({ cert: pem.cert, key: pem.key, ca: t.ca });
  await device.open();
  try {
    await device.sendEvent(new deviceSdk.Message(JSON.stringify({ lux: 300 })));
    const pts = await t.store.readPoints({ series: 'devices/cam-1/lux', from: new Date(0), to: new Date(Date.now() + 60_000) });
    assert.deepEqual(pts.map((p) => p.value), [300]);
  } finally {
    await device.close();
  }
  // Another self-signed certificate with the same CN is not the registered one.
  await assert.rejects(connectTls('cam-1', await certificate('cam-1')), /Not authorized/);
});

test('CA-signed certificate: accepted when it chains to a configured CA and its CN is the device id', async () => {
  await t.hub.operations.createDevice({ deviceId: 'cam-2', authentication: { type: 'certificateAuthority' } });
  const good = await connectTls('cam-2', await certificate('cam-2', ca));
  await good.publishAsync('devices/cam-2/messages/events/', JSON.stringify({ lux: 5 }), { qos: 1 });
  await good.endAsync();
  await assert.rejects(connectTls('cam-2', await certificate('cam-3', ca)), /Not authorized/); // CN is another device
  await assert.rejects(connectTls('cam-2', await certificate('cam-2', otherCa)), /Not authorized/); // unknown CA
  const text = await t.metrics.text();
  assert.match(text, /twinworks_hub_refused_total\{kind="connect",reason="bad_certificate"[^}]*\} 3/);
});

test('DPS with an X.509 enrollment group: a CA-signed device provisions and is registered by thumbprint', async () => {
  await t.hub.parts.enrollments.putGroup('cameras', { attestation: { type: 'x509', x509: { signingCertificates: [ca.cert] } }, initialTwin: { tags: { kind: 'camera' } } });
  const pem = await certificate('cam-9', ca);
  const c = await connectTls('cam-9', pem, `${t.hub.config.idScope}/registrations/cam-9/api-version=2019-03-31`);
  const replies: Array<{ topic: string; body: { operationId?: string; status?: string; registrationState?: { deviceId?: string } } }> = [];
  c.on('message', (topic, payload) => replies.push({ topic, body: JSON.parse(payload.toString()) }));
  await c.subscribeAsync('$dps/registrations/res/#', { qos: 1 });
  await c.publishAsync('$dps/registrations/PUT/iotdps-register/?$rid=1', JSON.stringify({ registrationId: 'cam-9' }), { qos: 1 });
  const accepted = await eventually(() => replies.find((r) => r.topic.startsWith('$dps/registrations/res/202/?$rid=1')));
  const operationId = accepted.body.operationId!;
  const assigned = await eventually(async () => {
    await c.publishAsync(`$dps/registrations/GET/iotdps-get-operationstatus/?$rid=2&operationId=${operationId}`, '', { qos: 1 });
    await new Promise((r) => setTimeout(r, 50));
    return replies.find((r) => r.topic.startsWith('$dps/registrations/res/200/'));
  });
  assert.equal(assigned.body.status, 'assigned');
  assert.equal(assigned.body.registrationState?.deviceId, 'cam-9');
  await c.endAsync();
  const d = await t.hub.registry.get('cam-9');
  assert.equal(d.authentication.type, 'selfSigned');
  assert.equal(d.authentication.x509Thumbprint!.primaryThumbprint, sha1(pem.cert).replace(/:/g, ''));
  assert.deepEqual(d.twin.tags, { kind: 'camera' });
  // ...and can now connect to the hub with the same certificate.
  const hubConn = await connectTls('cam-9', pem);
  await hubConn.endAsync();
});
