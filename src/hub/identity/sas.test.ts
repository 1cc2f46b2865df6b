import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { checkSasToken, deriveDeviceKey, generateKey, isValidKey, parseSasToken, signSasToken } from './sas.js';

// Key = the 32 ASCII bytes "0123456789abcdef0123456789abcdef". Expected signatures were computed
// independently with OpenSSL:
//   printf 'myhub.example.com%2Fdevices%2Fpump-7\n1700000000' | openssl dgst -sha256 -mac HMAC -macopt hexkey:<hex of key> -binary | base64
//   printf 'pump-7' | openssl dgst -sha256 -mac HMAC -macopt hexkey:<hex of key> -binary | base64
const KEY = 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=';
const SIG_PUMP7 = 'nuA1lun53BZ27vc5b10gv0WiEhIBoMyYjbmqQhpLnX4=';
const DERIVED_PUMP7 = 'MuO/ud1le0VcbDk1NToeGYp/cTtAHmmkaeb1uTTpH9E=';
const BEFORE_EXPIRY = 1_699_999_000_000;

const require = createRequire(import.meta.url);
// The Azure SDK's own token builder, an implementation independent of ours.
const { SharedAccessSignature } = require('azure-iot-common') as { SharedAccessSignature: { create(sr: string, skn: string | undefined, key: string, se: number): { toString(): string } } };

test('signSasToken produces the signature OpenSSL computes over the encoded resource', () => {
  const token = signSasToken('myhub.example.com/devices/pump-7', KEY, 1_700_000_000);
  assert.equal(token, `SharedAccessSignature sr=myhub.example.com%2Fdevices%2Fpump-7&sig=${encodeURIComponent(SIG_PUMP7)}&se=1700000000`);
});

test('a token signed by the right key for the right resource passes', () => {
  const t = parseSasToken(`SharedAccessSignature sr=myhub.example.com%2Fdevices%2Fpump-7&sig=${encodeURIComponent(SIG_PUMP7)}&se=1700000000`);
  assert.equal(t.resource, 'myhub.example.com/devices/pump-7');
  assert.deepEqual(checkSasToken(t, [KEY], (r) => r === 'myhub.example.com/devices/pump-7', BEFORE_EXPIRY), { ok: true });
});

test('the secondary key is accepted as well', () => {
  const t = parseSasToken(signSasToken('h/devices/d', KEY, 1_700_000_000));
  assert.equal(checkSasToken(t, [generateKey(), KEY], () => true, BEFORE_EXPIRY).ok, true);
});

test('expired, forged and misdirected tokens are refused with a reason', () => {
  const good = signSasToken('h/devices/d', KEY, 1_700_000_000);
  const expired = checkSasToken(parseSasToken(good), [KEY], () => true, 1_700_000_000_000);
  assert.deepEqual([expired.ok, !expired.ok && expired.reason], [false, 'expired']);

  // Flip one character of the signature: base64 'A' <-> 'B' changes one bit of the HMAC.
  const sigAt = good.indexOf('sig=') + 4;
  const forged = good.slice(0, sigAt) + (good[sigAt] === 'A' ? 'B' : 'A') + good.slice(sigAt + 1);
  const f = checkSasToken(parseSasToken(forged), [KEY], () => true, BEFORE_EXPIRY);
  assert.deepEqual([f.ok, !f.ok && f.reason], [false, 'bad_signature']);

  const otherKey = checkSasToken(parseSasToken(good), [generateKey()], () => true, BEFORE_EXPIRY);
  assert.equal(!otherKey.ok && otherKey.reason, 'bad_signature');

  const wrong = checkSasToken(parseSasToken(good), [KEY], (r) => r === 'h/devices/other', BEFORE_EXPIRY);
  assert.equal(!wrong.ok && wrong.reason, 'wrong_resource');
});

test('changing the expiry invalidates the signature', () => {
  const good = signSasToken('h/devices/d', KEY, 1_700_000_000);
  const extended = good.replace('se=1700000000', 'se=1800000000');
  const r = checkSasToken(parseSasToken(extended), [KEY], () => true, BEFORE_EXPIRY);
  assert.equal(!r.ok && r.reason, 'bad_signature');
});

test('tokens from the Azure SDK verify: device (encoded sr) and DPS (raw sr, skn=registration)', () => {
  const device = SharedAccessSignature.create(encodeURIComponent('127.0.0.1:8883/devices/pump-7'), undefined, KEY, 1_700_000_000).toString();
  const d = parseSasToken(device);
  assert.equal(d.resource, '127.0.0.1:8883/devices/pump-7');
  assert.equal(checkSasToken(d, [KEY], () => true, BEFORE_EXPIRY).ok, true);

  const dps = SharedAccessSignature.create('0ne00000001/registrations/pump-7', 'registration', KEY, 1_700_000_000).toString();
  const p = parseSasToken(dps);
  assert.equal(p.resource, '0ne00000001/registrations/pump-7');
  assert.equal(p.keyName, 'registration');
  assert.equal(checkSasToken(p, [KEY], () => true, BEFORE_EXPIRY).ok, true);
});

test('malformed tokens are hub.unauthorized', () => {
  for (const bad of ['', 'Bearer abc', 'SharedAccessSignature sr=a&se=1', 'SharedAccessSignature sr=a&sig=b&se=soon', 'SharedAccessSignature garbage']) {
    assert.throws(() => parseSasToken(bad), (e: { code?: string }) => e.code === 'hub.unauthorized', bad);
  }
});

test('group enrollment device key matches OpenSSL HMAC of the registration id', () => {
  assert.equal(deriveDeviceKey(KEY, 'pump-7'), DERIVED_PUMP7);
});

test('generated keys are 32 bytes and valid; junk is not', () => {
  const k = generateKey();
  assert.equal(Buffer.from(k, 'base64').length, 32);
  assert.equal(isValidKey(k), true);
  assert.equal(isValidKey('not base64!'), false);
  assert.equal(isValidKey(Buffer.alloc(8).toString('base64')), false);
});
