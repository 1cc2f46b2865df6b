/** Contract: optimistic concurrency, deletes, and all-or-nothing batches (port.ts `write`). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WriteOp } from '../port.js';
import type { Fresh } from './contract.js';
import { rejectsWith } from './helpers.js';

export function defineBatchTests(fresh: Fresh): void {
  test('expectVersion mismatch → version_conflict with details; the whole batch is rolled back', async (t) => {
    const { storage: s } = await fresh(t);
    await s.write([{ op: 'put', collection: 'twins', id: 'a', body: { v: 1 } }]);
    await s.write([{ op: 'put', collection: 'twins', id: 'a', body: { v: 2 } }]); // now at version 2
    await s.write([{ op: 'put', collection: 'twins', id: 'gone', body: { keep: true } }]);
    const batch: WriteOp[] = [
      { op: 'put', collection: 'twins', id: 'b', body: { new: true }, expectVersion: 'absent' },
      { op: 'delete', collection: 'twins', id: 'gone' },
      { op: 'put', collection: 'relationships', id: 'a/rel', body: { target: 'b' } },
      { op: 'put', collection: 'twins', id: 'a', body: { v: 'stale' }, expectVersion: 1 },
    ];
    await rejectsWith(s.write(batch), 'storage.version_conflict', { collection: 'twins', id: 'a', expected: 1, actual: 2 });
    assert.equal(await s.get('twins', 'b'), undefined);
    assert.deepEqual((await s.get('twins', 'gone'))?.body, { keep: true });
    assert.equal(await s.get('relationships', 'a/rel'), undefined);
    const a = await s.get('twins', 'a');
    assert.equal(a?.version, 2);
    assert.deepEqual(a?.body, { v: 2 });
    assert.equal(await s.count('twins'), 2);
  });

  test("'absent' on an existing document → version_conflict; a number on a missing one → conflict", async (t) => {
    const { storage: s } = await fresh(t);
    await s.write([{ op: 'put', collection: 'devices', id: 'd1', body: 1, expectVersion: 'absent' }]);
    await rejectsWith(
      s.write([
        { op: 'put', collection: 'devices', id: 'd2', body: 2 },
        { op: 'put', collection: 'devices', id: 'd1', body: 'again', expectVersion: 'absent' },
      ]),
      'storage.version_conflict',
      { collection: 'devices', id: 'd1', expected: 'absent', actual: 1 },
    );
    assert.equal(await s.get('devices', 'd2'), undefined);
    assert.deepEqual((await s.get('devices', 'd1'))?.body, 1);
    await rejectsWith(s.write([{ op: 'put', collection: 'devices', id: 'd9', body: 9, expectVersion: 3 }]), 'storage.version_conflict', {
      collection: 'devices',
      id: 'd9',
      expected: 3,
      actual: 'absent',
    });
    assert.equal(await s.get('devices', 'd9'), undefined);
  });

  test('delete with and without expected version', async (t) => {
    const { storage: s } = await fresh(t);
    await s.write([
      { op: 'put', collection: 'users', id: 'u1', body: 1 },
      { op: 'put', collection: 'users', id: 'u2', body: 2 },
    ]);
    await s.write([{ op: 'put', collection: 'users', id: 'u2', body: 22 }]); // u2 at version 2
    assert.deepEqual(await s.write([{ op: 'delete', collection: 'users', id: 'u1' }]), [{ collection: 'users', id: 'u1', version: 1, deleted: true }]);
    assert.equal(await s.get('users', 'u1'), undefined);
    assert.deepEqual(await s.write([{ op: 'delete', collection: 'users', id: 'never' }]), [{ collection: 'users', id: 'never', version: 0, deleted: false }]);
    await rejectsWith(s.write([{ op: 'delete', collection: 'users', id: 'u2', expectVersion: 1 }]), 'storage.version_conflict', {
      collection: 'users',
      id: 'u2',
      expected: 1,
      actual: 2,
    });
    await rejectsWith(s.write([{ op: 'delete', collection: 'users', id: 'never', expectVersion: 1 }]), 'storage.version_conflict', {
      collection: 'users',
      id: 'never',
      expected: 1,
      actual: 'absent',
    });
    assert.equal((await s.get('users', 'u2'))?.version, 2);
    assert.deepEqual(await s.write([{ op: 'delete', collection: 'users', id: 'u2', expectVersion: 2 }]), [{ collection: 'users', id: 'u2', version: 2, deleted: true }]);
    assert.equal(await s.count('users'), 0);
  });

  test('later ops in a batch see earlier ones; delete then re-create starts again at version 1', async (t) => {
    const { storage: s } = await fresh(t);
    const r1 = await s.write([
      { op: 'put', collection: 'twins', id: 'x', body: 'first', expectVersion: 'absent' },
      { op: 'put', collection: 'twins', id: 'x', body: 'second', expectVersion: 1 },
      { op: 'put', collection: 'relationships', id: 'x/r', body: { to: 'y' } },
    ]);
    assert.deepEqual(
      r1.map((r) => [r.collection, r.id, r.version, r.deleted]),
      [['twins', 'x', 1, false], ['twins', 'x', 2, false], ['relationships', 'x/r', 1, false]],
    );
    const r2 = await s.write([
      { op: 'delete', collection: 'twins', id: 'x', expectVersion: 2 },
      { op: 'put', collection: 'twins', id: 'x', body: 'reborn', expectVersion: 'absent' },
    ]);
    assert.deepEqual(r2.map((r) => [r.version, r.deleted]), [[2, true], [1, false]]);
    const x = await s.get('twins', 'x');
    assert.equal(x?.version, 1);
    assert.equal(x?.body, 'reborn');
  });

  test('one batch can update, delete and create many documents across collections', async (t) => {
    const { storage: s } = await fresh(t);
    await s.write(['a', 'b', 'c', 'd'].map((id) => ({ op: 'put' as const, collection: 'twins' as const, id, body: `${id}1` })));
    await s.write([{ op: 'put', collection: 'twins', id: 'b', body: 'b2' }]); // b at version 2
    const results = await s.write([
      { op: 'put', collection: 'twins', id: 'a', body: 'a2', expectVersion: 1 },
      { op: 'put', collection: 'twins', id: 'b', body: 'b3', expectVersion: 2 },
      { op: 'put', collection: 'twins', id: 'c', body: 'c2' },
      { op: 'delete', collection: 'twins', id: 'd', expectVersion: 1 },
      { op: 'delete', collection: 'twins', id: 'a' },
      { op: 'put', collection: 'twins', id: 'a', body: 'a-again' },
      { op: 'put', collection: 'twins', id: 'e', body: 'e1' },
      { op: 'put', collection: 'twins', id: 'f', body: 'f1' },
      { op: 'put', collection: 'devices', id: 'a', body: 'dev' },
      { op: 'put', collection: 'devices', id: 'tmp', body: 'x' },
      { op: 'delete', collection: 'devices', id: 'tmp' },
    ]);
    assert.deepEqual(
      results.map((r) => `${r.collection}/${r.id}:${r.version}${r.deleted ? ' deleted' : ''}`),
      ['twins/a:2', 'twins/b:3', 'twins/c:2', 'twins/d:1 deleted', 'twins/a:2 deleted', 'twins/a:1', 'twins/e:1', 'twins/f:1', 'devices/a:1', 'devices/tmp:1', 'devices/tmp:1 deleted'],
    );
    const twins = await s.list('twins');
    assert.deepEqual(
      twins.map((d) => [d.id, d.version, d.body]),
      [['a', 1, 'a-again'], ['b', 3, 'b3'], ['c', 2, 'c2'], ['e', 1, 'e1'], ['f', 1, 'f1']],
    );
    assert.deepEqual((await s.list('devices')).map((d) => [d.id, d.version]), [['a', 1]]);
  });

  test('concurrent writers with the same expected version: exactly one wins', async (t) => {
    const { storage: s } = await fresh(t);
    await s.write([{ op: 'put', collection: 'twins', id: 'hot', body: { writer: -1 } }]);
    const writers = Array.from({ length: 8 }, (_, i) => s.write([{ op: 'put', collection: 'twins', id: 'hot', body: { writer: i }, expectVersion: 1 }]));
    const settled = await Promise.allSettled(writers);
    const winners = settled.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    assert.equal(winners.length, 1);
    for (const r of settled) {
      if (r.status === 'rejected') assert.equal((r.reason as { code?: string }).code, 'storage.version_conflict');
    }
    const hot = await s.get('twins', 'hot');
    assert.equal(hot?.version, 2);
    assert.deepEqual(hot?.body, { writer: winners[0] });

    // Same for create-only writes racing on a new id.
    const creators = Array.from({ length: 8 }, (_, i) => s.write([{ op: 'put', collection: 'twins', id: 'fresh', body: i, expectVersion: 'absent' }]));
    const created = await Promise.allSettled(creators);
    assert.equal(created.filter((r) => r.status === 'fulfilled').length, 1);
    assert.equal((await s.get('twins', 'fresh'))?.version, 1);
  });

  test('concurrent batches: a rejected one leaves the others intact', async (t) => {
    const { storage: s } = await fresh(t);
    // Outcomes do not depend on the order the adapter runs them in: `loser` always fails on z.
    const first = s.write([{ op: 'put', collection: 'twins', id: 'a', body: 'first', expectVersion: 'absent' }]);
    const loser = s.write([
      { op: 'put', collection: 'twins', id: 'b', body: 'from loser', expectVersion: 'absent' },
      { op: 'put', collection: 'twins', id: 'a', body: 'loser' },
      { op: 'put', collection: 'twins', id: 'z', body: 'loser', expectVersion: 5 },
    ]);
    const third = s.write([{ op: 'put', collection: 'twins', id: 'c', body: 'third' }]);
    const [r1, r2, r3] = await Promise.allSettled([first, loser, third]);
    assert.equal(r1?.status, 'fulfilled');
    assert.equal(r3?.status, 'fulfilled');
    assert.equal(r2?.status, 'rejected');
    assert.equal(await s.get('twins', 'b'), undefined);
    const a = await s.get('twins', 'a');
    assert.deepEqual([a?.version, a?.body], [1, 'first']);
    assert.equal((await s.get('twins', 'c'))?.body, 'third');
  });

  test('unconditional concurrent puts all land: the version counts every one', async (t) => {
    const { storage: s } = await fresh(t);
    await Promise.all(Array.from({ length: 10 }, (_, i) => s.write([{ op: 'put', collection: 'settings', id: 'counter', body: i }])));
    assert.equal((await s.get('settings', 'counter'))?.version, 10);
  });
}
