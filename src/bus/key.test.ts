import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BusErrors } from './errors.js';
import { checkKey, decodeKeyToken, encodeKeyToken } from './key.js';

test('keys become one subject token: plain, base64url-encoded, or the no-key marker', () => {
  // Expected encodings worked out by hand from RFC 4648 §5 (e.g. 'a.b' = 61 2e 62 → YS5i).
  assert.equal(encodeKeyToken(undefined), '-');
  assert.equal(encodeKeyToken('pump-7'), 'pump-7');
  assert.equal(encodeKeyToken('Line_2'), 'Line_2');
  assert.equal(encodeKeyToken('a.b'), '_YS5i');
  assert.equal(encodeKeyToken(''), '_');
  assert.equal(encodeKeyToken('-'), '_LQ');
  assert.equal(encodeKeyToken('_x'), '_X3g');
  assert.equal(encodeKeyToken('x'.repeat(128)), 'x'.repeat(128));
  assert.equal(encodeKeyToken('x'.repeat(129)).startsWith('_'), true);
});

test('the encoding is reversible, injective and always a valid NATS token', () => {
  const keys = [undefined, '', '-', '_', '_x', 'a', 'a.b', 'a b', '*', '>', 'a.*.>', 'ünï/ключ', 'tab\there', 'x'.repeat(200), 'pump-7', '9'];
  const tokens = keys.map(encodeKeyToken);
  assert.equal(new Set(tokens).size, keys.length);
  for (const [i, t] of tokens.entries()) {
    assert.match(t, /^[A-Za-z0-9_-]+$/);
    assert.equal(decodeKeyToken(t), keys[i]);
  }
});

test('checkKey refuses non-strings and keys over 256 UTF-8 bytes', () => {
  assert.equal(checkKey('k'.repeat(256)), 'k'.repeat(256));
  assert.throws(() => checkKey('k'.repeat(257)), (e: unknown) => BusErrors.is(e, 'invalid_subject'));
  assert.throws(() => checkKey('é'.repeat(129)), (e: unknown) => BusErrors.is(e, 'invalid_subject')); // 258 bytes
  assert.throws(() => checkKey(42), (e: unknown) => BusErrors.is(e, 'invalid_subject'));
  assert.equal(checkKey(undefined), undefined);
});
