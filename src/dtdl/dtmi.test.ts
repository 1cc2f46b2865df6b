import { test } from 'node:test';
import assert from 'node:assert/strict';
import { childId, parseDtmi } from './dtmi.js';

// Expectations from the DTMI spec (spec/DTMI/README.md): labels, optional major[.minor] version,
// minor as 6-digit fraction, system segments start with an underscore.
test('parses versions, fragments and system segments', () => {
  const d = parseDtmi('dtmi:foo:bar;3.14');
  assert.ok(d);
  assert.deepEqual(d.labels, ['foo', 'bar']);
  assert.equal(d.majorVersion, 3);
  assert.equal(d.minorVersion, 14);
  assert.equal(d.completeVersion, 3.000014);
  assert.equal(d.versionless, 'dtmi:foo:bar');
  assert.equal(d.isReserved, false);

  const f = parseDtmi('dtmi:foo:bar;1#frag');
  assert.equal(f?.fragment, '#frag');
  assert.equal(f?.versionless, 'dtmi:foo:bar#frag');

  assert.equal(parseDtmi('dtmi:foo:_sys;1')?.isReserved, true);
  assert.equal(parseDtmi('dtmi:foo:bar')?.majorVersion, 0);
});

test('rejects malformed identifiers', () => {
  for (const bad of [
    'dtmi:;1',
    'dtmi:foo::bar;1',
    'dtmi:foo:bar.baz;1',
    'dtmi:test:1seg;1',
    'dtmi:test:trailing_;1',
    'dtmi:foo:bar;',
    'dtmi:foo:bar;01',
    'dtmi:foo:bar;0',
    'dtmi:foo:bar;3.0',
    'dtmi:foo:bar;6.02',
    'dtmi:foo:bar;1234567890',
    'dtmi:foo:bar;3.1415926',
    'urn:foo:bar:1',
    'http://foo/bar',
  ]) {
    assert.equal(parseDtmi(bad), undefined, bad);
  }
});

test('automatic identifiers insert the member segment before the version', () => {
  // DTDL v3 "Automatic Identifier Assignment" examples.
  assert.equal(childId('dtmi:test:anInterface;1', 'contents', ':__expectedDistance'), 'dtmi:test:anInterface:_contents:__expectedDistance;1');
  assert.equal(childId('dtmi:test:anInterface:_contents:__myProp;1', 'schema', ''), 'dtmi:test:anInterface:_contents:__myProp:_schema;1');
  assert.equal(childId('dtmi:test:noVersion', 'request', ''), 'dtmi:test:noVersion:_request');
});
