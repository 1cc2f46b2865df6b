import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TwinworksError } from '../shared/errors.js';
import { checkListOptions, checkOps, checkPoints, compareIds, KNOWN_SERIES_MAX, knownSeriesCount, prefixUpperBound, serializeBody } from './validate.js';

function fails(fn: () => unknown, code: string, field?: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof TwinworksError);
    assert.equal(err.code, code);
    if (field !== undefined) assert.equal(err.details.field, field);
    return true;
  });
}

test('compareIds follows code-point (UTF-8 byte) order, not UTF-16 unit order', () => {
  // U+FF01 is one UTF-16 unit (0xFF01); U+1F600 is the pair D83D DE00. JS `<` puts the emoji first,
  // UTF-8 (EF BC 81 vs F0 9F 98 80) puts it last.
  assert.ok('😀' < '！');
  assert.ok(compareIds('！', '😀') < 0);
  assert.ok(compareIds('😀', '！') > 0);
  assert.ok(compareIds('a', 'ab') < 0);
  assert.equal(compareIds('é😀', 'é😀'), 0);
  assert.ok(compareIds('\uD7FF', '😀') < 0); // U+D7FF (ED 9F BF) < U+1F600
  const sorted = ['😀', '！', 'b', 'B', 'a', '\uE000'].sort(compareIds);
  assert.deepEqual(sorted, ['B', 'a', 'b', '\uE000', '！', '😀']);
});

test('prefixUpperBound is the next string after every extension of the prefix', () => {
  assert.equal(prefixUpperBound('abc'), 'abd');
  assert.equal(prefixUpperBound('a/'), 'a0');
  assert.equal(prefixUpperBound('x\u{10FFFF}'), 'y');
  assert.equal(prefixUpperBound('\u{10FFFF}'), undefined);
  assert.equal(prefixUpperBound('a\uD7FF'), 'a\uE000'); // skips the surrogate block
  assert.equal(prefixUpperBound('😀'), '😁');
});

test('bodies: JSON paths in errors point at the offending value', () => {
  fails(() => serializeBody({ a: [1, { b: Number.NaN }] }), 'storage.invalid_input', 'body.a[1].b');
  fails(() => serializeBody({ when: new Date() }), 'storage.invalid_input', 'body.when');
  fails(() => serializeBody(new Map()), 'storage.invalid_input', 'body');
  fails(() => serializeBody([1, , 3]), 'storage.invalid_input', 'body[1]'); // eslint-disable-line no-sparse-arrays
  fails(() => serializeBody({ ['k\u0000']: 1 }), 'storage.invalid_input');
  fails(() => serializeBody(() => 1), 'storage.invalid_input', 'body');
  let deep: unknown = 'leaf';
  for (let i = 0; i < 101; i++) deep = [deep];
  fails(() => serializeBody(deep), 'storage.invalid_input');
  assert.equal(serializeBody(Object.create(null) as object), '{}');
  assert.equal(serializeBody({ a: 'é', b: [true, null] }), '{"a":"é","b":[true,null]}');
});

test('ops: versions, op kinds and batch size are checked', () => {
  fails(() => checkOps([{ op: 'put', collection: 'twins', id: 'a', body: 1, expectVersion: 0 }]), 'storage.invalid_input', 'ops[0].expectVersion');
  fails(() => checkOps([{ op: 'delete', collection: 'twins', id: 'a', expectVersion: 1.5 }]), 'storage.invalid_input', 'ops[0].expectVersion');
  fails(() => checkOps([{ op: 'upsert', collection: 'twins', id: 'a' } as never]), 'storage.invalid_input', 'ops[0].op');
  fails(() => checkOps([{ op: 'put', collection: 'nope' as never, id: 'a', body: 1 }]), 'storage.invalid_input', 'collection');
  const many = Array.from({ length: 10_001 }, () => ({ op: 'delete' as const, collection: 'twins' as const, id: 'a' }));
  fails(() => checkOps(many), 'storage.invalid_input', 'ops');
  const [op] = checkOps([{ op: 'put', collection: 'twins', id: 'a', body: { x: 1 }, expectVersion: 'absent' }]);
  assert.deepEqual(op, { op: 'put', collection: 'twins', id: 'a', bodyText: '{"x":1}', expectVersion: 'absent' });
});

test('list options and points: defaults and bounds', () => {
  assert.deepEqual(checkListOptions(undefined), { after: undefined, prefix: undefined, limit: 1000 });
  assert.deepEqual(checkListOptions({ prefix: '' }), { after: undefined, prefix: undefined, limit: 1000 });
  fails(() => checkListOptions({ limit: 100_001 }), 'storage.invalid_input', 'limit');
  const ok = { series: 's', time: new Date(0), arrival: new Date(0), value: 1 };
  checkPoints([ok]);
  fails(() => checkPoints([ok, { ...ok, value: Infinity }]), 'storage.invalid_input', 'points[1].value');
  // Year 10000 does not fit both databases' timestamp ranges.
  fails(() => checkPoints([{ ...ok, time: new Date(Date.UTC(10000, 0, 1)) }]), 'storage.invalid_input', 'points[0].time');
  const year1 = new Date(0);
  year1.setUTCFullYear(1, 0, 1);
  checkPoints([{ ...ok, time: year1 }]);
});

test('series names: a bad name is refused after good ones were cached, and the cache stays bounded', () => {
  const point = (series: string) => ({ series, time: new Date(0), arrival: new Date(0), value: 1 });
  checkPoints([point('line1/temp'), point('line1/rpm'), point('line1/temp')]);
  checkPoints([point('line1/temp')]);
  // Each rule of checkText still applies to names never seen, at the right index.
  fails(() => checkPoints([point('line1/temp'), point('')]), 'storage.invalid_input', 'points[1].series');
  fails(() => checkPoints([point('line1/temp'), point('a\u0000b')]), 'storage.invalid_input', 'points[1].series');
  fails(() => checkPoints([point('line1/rpm'), point('line1/temp'), point('x\ud800')]), 'storage.invalid_input', 'points[2].series');
  // 171 three-byte characters = 513 UTF-8 bytes, one over the 512-byte limit; 170 (510 bytes) pass.
  checkPoints([point('€'.repeat(170))]);
  fails(() => checkPoints([point('line1/temp'), point('€'.repeat(171))]), 'storage.invalid_input', 'points[1].series');
  fails(() => checkPoints([point('line1/temp'), { ...point('x'), series: 7 as unknown as string }]), 'storage.invalid_input', 'points[1].series');
  // A refused name is not remembered: it fails again.
  fails(() => checkPoints([point('')]), 'storage.invalid_input', 'points[0].series');
  // Filling the cache clears it rather than growing past the bound.
  for (let i = 0; i <= KNOWN_SERIES_MAX; i++) checkPoints([point(`fill-${i}`)]);
  assert.ok(knownSeriesCount() <= KNOWN_SERIES_MAX);
  assert.ok(knownSeriesCount() >= 1);
  // A time out of range is still refused for a known name.
  fails(() => checkPoints([{ ...point('line1/temp'), arrival: new Date(Number.NaN) }]), 'storage.invalid_input', 'points[0].arrival');
});

test('serializeBody: the fast path returns the same text, and every bad body still fails with its path', () => {
  const good = { a: [1, 'x', true, null, { b: 2.5 }], 'k\\u0000': 'a backslash-u in text is fine' };
  assert.equal(serializeBody(good), JSON.stringify(good));
  const bad: Array<[unknown, RegExp]> = [
    [{ deep: { list: ['ok', 'nul\u0000'] } }, /body\.deep\.list\[1\].*U\+0000/],
    [{ deep: { ['key\uD800']: 1 } }, /key must not contain U\+0000 or lone surrogates/],
    [{ s: 'half \uDC00 pair' }, /body\.s.*lone UTF-16 surrogate/],
    [{ n: Number.NaN }, /body\.n.*NaN is not a JSON number/],
    [{ u: undefined }, /body\.u.*undefined is not JSON/],
    [{ d: new Date(0) }, /body\.d.*Date is not a plain JSON object/],
    [[1, , 3], /body\[1\].*sparse arrays/],
  ];
  for (const [body, message] of bad) assert.throws(() => serializeBody(body), (err: Error) => message.test(err.message), String(message));
});
