/** Contract: list (order, prefix, after, limit), scan, count, getMany. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Fresh } from './contract.js';
import { collect, ids, rejectsWith, seed } from './helpers.js';

// In UTF-8 byte order (worked out by hand from the encodings):
// 'A' 41 < 'a' 61 < 'a/1' 61 2F < 'a0' 61 30 < 'a_b' 61 5F < 'b' 62 < 'x%1' 78 25 < 'x_1' 78 5F
// < 'xa1' 78 61 < 'é' C3 A9 < '！' EF BC 81 < '😀' F0 9F 98 80.
const BYTE_ORDER = ['A', 'a', 'a/1', 'a0', 'a_b', 'b', 'x%1', 'x_1', 'xa1', 'é', '！', '😀'];

function shuffled<T>(xs: readonly T[]): T[] {
  // A fixed permutation (reverse, then swap pairs) so the insert order is not the sorted order.
  const out = [...xs].reverse();
  for (let i = 0; i + 1 < out.length; i += 2) [out[i], out[i + 1]] = [out[i + 1] as T, out[i] as T];
  return out;
}

export function defineListTests(fresh: Fresh): void {
  test('list orders ids by UTF-8 bytes and honours prefix, after and limit', async (t) => {
    const { storage: s } = await fresh(t);
    await seed(s, shuffled(BYTE_ORDER));
    assert.deepEqual(ids(await s.list('twins')), BYTE_ORDER);
    assert.deepEqual(ids(await s.list('twins', { prefix: 'a' })), ['a', 'a/1', 'a0', 'a_b']);
    // LIKE wildcards in a prefix are literal characters.
    assert.deepEqual(ids(await s.list('twins', { prefix: 'x_' })), ['x_1']);
    assert.deepEqual(ids(await s.list('twins', { prefix: 'x%' })), ['x%1']);
    assert.deepEqual(ids(await s.list('twins', { prefix: 'zz' })), []);
    assert.deepEqual(ids(await s.list('twins', { after: 'a0' })), ['a_b', 'b', 'x%1', 'x_1', 'xa1', 'é', '！', '😀']);
    assert.deepEqual(ids(await s.list('twins', { after: 'é', limit: 1 })), ['！']);
    assert.deepEqual(ids(await s.list('twins', { after: 'a', prefix: 'a', limit: 2 })), ['a/1', 'a0']);
    assert.deepEqual(ids(await s.list('twins', { limit: 3 })), ['A', 'a', 'a/1']);
    // `after` need not be an existing id.
    assert.deepEqual(ids(await s.list('twins', { after: 'c' })), ['x%1', 'x_1', 'xa1', 'é', '！', '😀']);
    const page = await s.list('twins', { prefix: 'b' });
    assert.deepEqual(page[0]?.body, { n: shuffled(BYTE_ORDER).indexOf('b') });
    await rejectsWith(s.list('twins', { limit: 0 }), 'storage.invalid_input');
    await rejectsWith(s.list('twins', { limit: 1.5 }), 'storage.invalid_input');
  });

  test('paging with after/limit visits every document once, in order', async (t) => {
    const { storage: s } = await fresh(t);
    const all = Array.from({ length: 25 }, (_, i) => `dev-${String(i).padStart(3, '0')}`);
    await seed(s, shuffled(all));
    const seen: string[] = [];
    let after: string | undefined;
    for (let guard = 0; guard < 20; guard++) {
      const page = await s.list('twins', after === undefined ? { limit: 7 } : { after, limit: 7 });
      seen.push(...ids(page));
      if (page.length < 7) break;
      after = page[page.length - 1]?.id;
    }
    assert.deepEqual(seen, all);
  });

  test('scan streams every document across page boundaries', async (t) => {
    const { storage: s } = await fresh(t);
    const all = Array.from({ length: 23 }, (_, i) => `m-${String(i).padStart(2, '0')}`);
    await seed(s, shuffled(all));
    assert.deepEqual(ids(await collect(s.scan('twins', 5))), all); // 5+5+5+5+3
    assert.deepEqual(ids(await collect(s.scan('twins', 23))), all); // one full page, then an empty one
    assert.deepEqual(ids(await collect(s.scan('twins'))), all);
    assert.deepEqual(await collect(s.scan('models', 5)), []);
  });

  test('count follows creates and deletes', async (t) => {
    const { storage: s } = await fresh(t);
    assert.equal(await s.count('devices'), 0);
    await s.write(['d1', 'd2', 'd3'].map((id) => ({ op: 'put' as const, collection: 'devices' as const, id, body: {} })));
    await s.write([{ op: 'put', collection: 'devices', id: 'd1', body: { again: true } }]);
    assert.equal(await s.count('devices'), 3);
    await s.write([{ op: 'delete', collection: 'devices', id: 'd2' }]);
    assert.equal(await s.count('devices'), 2);
    assert.equal(await s.count('twins'), 0);
  });

  test('getMany returns the existing documents in id order, each once', async (t) => {
    const { storage: s } = await fresh(t);
    await seed(s, ['c', 'a', 'b']);
    const got = await s.getMany('twins', ['c', 'missing', 'a', 'c']);
    assert.deepEqual(
      got.map((d) => [d.id, d.version, d.body]),
      [['a', 1, { n: 1 }], ['c', 1, { n: 0 }]],
    );
    assert.deepEqual(await s.getMany('twins', []), []);
    assert.deepEqual(await s.getMany('models', ['a']), []);
  });
}
