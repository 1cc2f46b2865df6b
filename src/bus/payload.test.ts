import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BusErrors } from './errors.js';
import { isolatePayload } from './payload.js';

/** The reference: what a JSON round trip gives (ECMA-262 JSON.stringify / JSON.parse). */
const roundTrip = (v: unknown): unknown => JSON.parse(JSON.stringify(v)) as unknown;

function assertDeepFrozen(v: unknown): void {
  if (v === null || typeof v !== 'object') return;
  assert.ok(Object.isFrozen(v), 'every nested object is frozen');
  for (const x of Object.values(v)) assertDeepFrozen(x);
}

class Reading {
  constructor(readonly value: number) {}
}

// Inputs where a naive copy would differ from JSON; each must come out as the round trip does.
const TRICKY: Array<[string, Record<string, unknown>]> = [
  ['plain nesting', { twinId: 't', patch: [{ op: 'replace', path: '/a', value: 1.5 }, { op: 'remove', path: '/b' }], on: true, none: null, s: 'ä€\ud83d\ude00' }],
  ['Date', { at: new Date(Date.UTC(2026, 0, 2)) }],
  ['undefined / function in an object', { a: undefined, f: () => 1, b: 2 }],
  ['undefined in an array', { list: [1, undefined, 3] }],
  ['hole in an array', { list: [1, , 3] }], // eslint-disable-line no-sparse-arrays
  ['NaN and Infinity', { n: Number.NaN, i: Infinity }],
  ['-0', { z: -0 }],
  ['class instance', { r: new Reading(3) }],
  ['toJSON', { t: { toJSON: () => 'custom' } }],
  ['__proto__ key', JSON.parse('{"__proto__": {"x": 1}, "y": 2}') as Record<string, unknown>],
  ['null prototype', Object.assign(Object.create(null) as object, { k: 'v' })],
  ['integer-like keys', { b: 1, 2: 'two', a: 3, 1: 'one' }],
];

for (const transfer of [false, true]) {
  for (const [label, input] of TRICKY) {
    test(`isolatePayload (transfer ${transfer}): ${label} comes out as its JSON round trip, deep-frozen`, () => {
      const expected = roundTrip(input);
      const got = isolatePayload('x', input, transfer);
      assert.deepEqual(got, expected);
      assert.deepEqual(Object.keys(got as object), Object.keys(expected as object), 'key order as JSON gives it');
      assertDeepFrozen(got);
    });
  }
}

test('isolatePayload without transfer copies: the publisher may keep changing its object', () => {
  const mine = { values: { n: 1 }, list: [1] };
  const got = isolatePayload('x', mine, false) as { values: { n: number } };
  assert.notEqual(got, mine);
  mine.values.n = 2;
  mine.list.push(2);
  assert.equal(got.values.n, 1);
  assert.ok(!Object.isFrozen(mine) && !Object.isFrozen(mine.values));
});

test('isolatePayload with transfer freezes the handed-over object in place, so a later write throws', () => {
  const mine = { values: { n: 1 }, list: [{ a: 1 }] };
  const got = isolatePayload('x', mine, true);
  assert.equal(got, mine);
  assert.throws(() => {
    mine.values.n = 2;
  }, TypeError);
  assert.throws(() => {
    mine.list.push({ a: 2 });
  }, TypeError);
  assert.equal(mine.values.n, 1);
});

test('isolatePayload with transfer copies what JSON would change instead of handing it out as it is', () => {
  const mine = { at: new Date(Date.UTC(2026, 0, 2)) };
  const got = isolatePayload('x', mine, true);
  assert.notEqual(got, mine);
  assert.deepEqual(got, { at: '2026-01-02T00:00:00.000Z' });
});

test('isolatePayload refuses what is not a JSON object, in both modes, as bus.invalid_payload', () => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic['self'] = cyclic;
  const deep: Record<string, unknown> = {};
  let at = deep;
  for (let i = 0; i < 200; i++) at = at['n'] = {};
  for (const transfer of [false, true]) {
    for (const bad of [cyclic, [1], null, 'text', { big: 1n }]) {
      assert.throws(() => isolatePayload('x', bad, transfer), (e: unknown) => BusErrors.is(e, 'invalid_payload'));
    }
    // Deeper than the walk goes: still handled (by the round trip), not refused.
    assert.deepEqual(isolatePayload('x', deep, transfer), roundTrip(deep));
  }
});
