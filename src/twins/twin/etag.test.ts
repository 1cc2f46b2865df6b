import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ifMatchHolds, ifNoneMatchHolds, makeEtag, nextEtag, parseEtag } from './etag.js';

test('etags: GUID-shaped weak tags carrying the storage version', () => {
  // nonce 0123456789ab, version 255 (0xff): hex = 0123456789ab + 000000000000000000ff
  const tag = makeEtag('0123456789ab', 255);
  assert.equal(tag, 'W/"01234567-89ab-0000-0000-0000000000ff"');
  assert.deepEqual(parseEtag(tag), { nonce: '0123456789ab', version: 255 });
  assert.deepEqual(nextEtag(tag), { etag: 'W/"01234567-89ab-0000-0000-000000000100"', previousVersion: 255 });
  assert.equal(parseEtag('"abc"'), undefined);
  assert.equal(nextEtag('W/"not-ours"').previousVersion, 0);
});

test('If-Match / If-None-Match (RFC 9110 §13.1.1, §13.1.2)', () => {
  const a = makeEtag('aaaaaaaaaaaa', 1);
  const b = makeEtag('bbbbbbbbbbbb', 1);
  assert.equal(ifMatchHolds(undefined, a), true);
  assert.equal(ifMatchHolds('*', a), true);
  assert.equal(ifMatchHolds('*', undefined), false, '* needs the resource to exist');
  assert.equal(ifMatchHolds(a, a), true);
  assert.equal(ifMatchHolds(`${b}, ${a}`, a), true, 'a list matches any member');
  assert.equal(ifMatchHolds(b, a), false);
  assert.equal(ifNoneMatchHolds('*', undefined), true);
  assert.equal(ifNoneMatchHolds('*', a), false);
  assert.equal(ifNoneMatchHolds(b, a), true);
  assert.equal(ifNoneMatchHolds(a, a), false);
});
