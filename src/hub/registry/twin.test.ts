import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkTwinPatch, deviceTwinDocument, mergePatch, patchReported, patchTwinFromService, readServiceTwinBody, replaceTwinFromService } from './twin.js';
import { checkDeviceId, newDeviceRecord, resolveAuthentication } from './device.js';

const NOW = '2026-02-01T00:00:00.000Z';

test('merge patch follows RFC 7396 (its Appendix A examples)', () => {
  assert.deepEqual(mergePatch({ a: 'b' }, { a: 'c' }), { a: 'c' });
  assert.deepEqual(mergePatch({ a: 'b' }, { b: 'c' }), { a: 'b', b: 'c' });
  assert.deepEqual(mergePatch({ a: 'b' }, { a: null }), {});
  assert.deepEqual(mergePatch({ a: 'b', b: 'c' }, { a: null }), { b: 'c' });
  assert.deepEqual(mergePatch({ a: ['b'] }, { a: 'c' }), { a: 'c' });
  assert.deepEqual(mergePatch({ a: { b: 'c' } }, { a: { b: 'd', c: null } }), { a: { b: 'd' } });
  assert.deepEqual(mergePatch({ a: [{ b: 'c' }] }, { a: [1] }), { a: [1] });
  assert.deepEqual(mergePatch({}, { a: { bb: { ccc: null } } }), { a: { bb: {} } });
});

test('twin patches: keys with . $ or spaces and nesting deeper than 10 are refused', () => {
  assert.throws(() => checkTwinPatch({ 'a.b': 1 }, 'desired'), /key/);
  assert.throws(() => checkTwinPatch({ $x: 1 }, 'desired'), /key/);
  assert.throws(() => checkTwinPatch({ 'a b': 1 }, 'reported'), /key/);
  let deep: Record<string, unknown> = { v: 1 };
  for (let i = 0; i < 10; i++) deep = { n: deep };
  assert.throws(() => checkTwinPatch(deep, 'tags'), /deeper than 10/);
  assert.throws(() => checkTwinPatch([1], 'tags'), /JSON object/);
});

test('service and device twin changes bump the right versions', () => {
  const d = newDeviceRecord({ deviceId: 'd1' }, NOW, { tags: {}, desired: {} });
  const a = patchTwinFromService(d, { tags: { plant: 'P1' }, desired: { setpoint: 70 } }, NOW);
  assert.equal(a.record.twin.version, 2);
  assert.equal(a.record.twin.desiredVersion, 2);
  assert.deepEqual(a.desiredDelta, { setpoint: 70 });
  const tagsOnly = patchTwinFromService(a.record, { tags: { plant: 'P2' } }, NOW);
  assert.equal(tagsOnly.desiredDelta, undefined);
  assert.equal(tagsOnly.record.twin.desiredVersion, 2);
  const r = patchReported(tagsOnly.record, { rpm: 5 }, NOW);
  assert.equal(r.twin.reportedVersion, 2);
  assert.deepEqual(deviceTwinDocument(r), { desired: { setpoint: 70, $version: 2 }, reported: { rpm: 5, $version: 2 } });
});

test('replacing the desired set tells the device to drop members that disappeared', () => {
  const d = patchTwinFromService(newDeviceRecord({ deviceId: 'd1' }, NOW, { tags: {}, desired: {} }), { desired: { a: 1, b: 2 } }, NOW).record;
  const r = replaceTwinFromService(d, { desired: { b: 3 } }, NOW);
  assert.deepEqual(r.record.twin.desired, { b: 3 });
  assert.deepEqual(r.desiredDelta, { a: null, b: 3 });
});

test('service twin bodies may not set reported properties; $version/$metadata are ignored', () => {
  assert.throws(() => readServiceTwinBody({ properties: { reported: { x: 1 } } }), /device/);
  assert.deepEqual(readServiceTwinBody({ tags: { a: 1 }, properties: { desired: { x: 1, $version: 4, $metadata: {} } } }), { tags: { a: 1 }, desired: { x: 1 } });
});

test('device ids follow IoT Hub rules; MQTT wildcards are not allowed', () => {
  for (const ok of ['press-1', "a.b_c:d=e@f$g'h(i)j,k!l*m?n%o", 'x'.repeat(128)]) assert.equal(checkDeviceId(ok), ok);
  for (const bad of ['', 'a/b', 'a+b', 'a#b', 'a b', 'x'.repeat(129), 'é']) assert.throws(() => checkDeviceId(bad), /device id/, bad);
});

test('authentication: keys are generated when missing, thumbprints normalised, types checked', () => {
  const sas = resolveAuthentication(undefined);
  assert.equal(sas.type, 'sas');
  assert.notEqual(sas.symmetricKey!.primaryKey, sas.symmetricKey!.secondaryKey);
  const x = resolveAuthentication({ x509Thumbprint: { primaryThumbprint: 'ab:cd:'.repeat(6) + 'ab:cd:ef:01:23:45:67:89' } });
  assert.equal(x.type, 'selfSigned');
  assert.equal(x.x509Thumbprint!.primaryThumbprint, 'ABCD'.repeat(6) + 'ABCDEF0123456789');
  assert.throws(() => resolveAuthentication({ type: 'selfSigned' }), /thumbprint/);
  assert.throws(() => resolveAuthentication({ symmetricKey: { primaryKey: 'short' } }), /base64/);
});
