/**
 * The storage contract: one suite every adapter's test file runs, so the memory, DuckDB and
 * PostgreSQL adapters are interchangeable (CONTRIBUTING §Ports and adapters). Expected values are
 * worked out by hand from the port's rules (port.ts), never read back from an adapter.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { StorageAdapter } from '../port.js';
import { defineBatchTests } from './contract-batches.js';
import { defineListTests } from './contract-listing.js';
import { definePointTests } from './contract-points.js';
import { defineDurabilityTests } from './contract-durability.js';
import { rejectsWith, TRICKY_BODY, largeBody, type ContractTarget, type ContractStore } from './helpers.js';
import { COLLECTIONS } from '../collections.js';
import { defineSeriesTests } from './contract-series.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type { ContractTarget, ContractStore } from './helpers.js';

/** Opens a fresh store for one test and closes it when the test ends. */
export type Fresh = (t: { after(fn: () => Promise<void>): void }) => Promise<ContractStore>;

export function runStorageContract(name: string, target: ContractTarget): void {
  const fresh: Fresh = async (t) => {
    const store = await target.create();
    t.after(() => store.storage.close());
    return store;
  };

  describe(`storage contract: ${name}`, () => {
    const files = mkdtempSync(join(tmpdir(), 'twinworks-contract-files-'));
    let fileCount = 0;
    after(async () => {
      await target.teardown?.();
      rmSync(files, { recursive: true, force: true });
    });

    test('put creates at version 1, later puts increment, get returns the body', async (t) => {
      const { storage: s } = await fresh(t);
      const before = Date.now();
      const [created] = await s.write([{ op: 'put', collection: 'twins', id: 'pump-1', body: { rpm: 1200 } }]);
      assert.deepEqual(created, { collection: 'twins', id: 'pump-1', version: 1, deleted: false });
      const got = await s.get('twins', 'pump-1');
      assert.ok(got);
      assert.equal(got.id, 'pump-1');
      assert.equal(got.version, 1);
      assert.deepEqual(got.body, { rpm: 1200 });
      assert.ok(got.updatedAt instanceof Date);
      // updatedAt is stamped by the write: between the call and now (1 s slack for clock granularity).
      assert.ok(got.updatedAt.getTime() >= before - 1000 && got.updatedAt.getTime() <= Date.now() + 1000);

      const [second] = await s.write([{ op: 'put', collection: 'twins', id: 'pump-1', body: { rpm: 1300 }, expectVersion: 1 }]);
      assert.equal(second?.version, 2);
      const [third] = await s.write([{ op: 'put', collection: 'twins', id: 'pump-1', body: { rpm: 1400 } }]);
      assert.equal(third?.version, 3);
      const now = await s.get('twins', 'pump-1');
      assert.equal(now?.version, 3);
      assert.deepEqual(now?.body, { rpm: 1400 });
      // Same id in another collection is another document.
      assert.equal(await s.get('models', 'pump-1'), undefined);
    });

    test('get of a missing id is undefined; an empty batch writes nothing', async (t) => {
      const { storage: s } = await fresh(t);
      assert.equal(await s.get('devices', 'nope'), undefined);
      assert.deepEqual(await s.write([]), []);
      assert.equal(await s.count('devices'), 0);
    });

    test('every catalogued collection has a table that stores and counts documents', async (t) => {
      const { storage: s } = await fresh(t);
      await s.write(COLLECTIONS.map((c) => ({ op: 'put' as const, collection: c, id: `in-${c}`, body: { c } })));
      for (const c of COLLECTIONS) {
        assert.equal(await s.count(c), 1, c);
        assert.deepEqual((await s.get(c, `in-${c}`))?.body, { c });
      }
    });

    test('bodies round-trip exactly: escapes, unicode, numbers, nesting', async (t) => {
      const { storage: s } = await fresh(t);
      await s.write([{ op: 'put', collection: 'models', id: 'tricky', body: TRICKY_BODY }]);
      const got = await s.get('models', 'tricky');
      assert.deepEqual(got?.body, TRICKY_BODY);
      // Scalars and arrays are JSON too.
      await s.write([
        { op: 'put', collection: 'settings', id: 'n', body: 0.1 },
        { op: 'put', collection: 'settings', id: 's', body: 'just a string' },
        { op: 'put', collection: 'settings', id: 'z', body: null },
        { op: 'put', collection: 'settings', id: 'a', body: [1, 'two', false] },
      ]);
      const many = await s.getMany('settings', ['n', 's', 'z', 'a']);
      assert.deepEqual(
        many.map((d) => [d.id, d.body]),
        [['a', [1, 'two', false]], ['n', 0.1], ['s', 'just a string'], ['z', null]],
      );
    });

    test('a large body (about 1.2 MB) round-trips exactly', async (t) => {
      const { storage: s } = await fresh(t);
      const body = largeBody();
      await s.write([{ op: 'put', collection: 'models', id: 'big', body }]);
      assert.deepEqual((await s.get('models', 'big'))?.body, body);
    });

    test('returned bodies are copies: mutating one does not change the store', async (t) => {
      const { storage: s } = await fresh(t);
      const body = { list: [1, 2] };
      await s.write([{ op: 'put', collection: 'twins', id: 'c', body }]);
      body.list.push(3);
      const got = await s.get('twins', 'c');
      (got?.body as { list: number[] }).list.push(4);
      assert.deepEqual((await s.get('twins', 'c'))?.body, { list: [1, 2] });
    });

    test('invalid ids, bodies and collections are rejected and nothing is written', async (t) => {
      const { storage: s } = await fresh(t);
      const put = (id: string, body: unknown) => s.write([{ op: 'put', collection: 'twins', id: 'ok', body: 1 }, { op: 'put', collection: 'twins', id, body }]);
      await rejectsWith(put('', 1), 'storage.invalid_input');
      await rejectsWith(put('x'.repeat(513), 1), 'storage.invalid_input');
      await rejectsWith(put('nul\u0000id', 1), 'storage.invalid_input');
      await rejectsWith(put('lone\ud800', 1), 'storage.invalid_input');
      await rejectsWith(put('nan', { v: Number.NaN }), 'storage.invalid_input');
      await rejectsWith(put('inf', [Infinity]), 'storage.invalid_input');
      await rejectsWith(put('undef', { a: undefined }), 'storage.invalid_input');
      await rejectsWith(put('date', { at: new Date(0) }), 'storage.invalid_input');
      await rejectsWith(put('bigint', { n: 1n }), 'storage.invalid_input');
      await rejectsWith(put('nulstr', { s: 'a\u0000b' }), 'storage.invalid_input');
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      await rejectsWith(put('circ', circular), 'storage.invalid_input');
      await rejectsWith(put('huge', 'y'.repeat(8 * 1024 * 1024 + 1)), 'storage.too_large');
      const bad = await rejectsWith(s.get('nosuch' as never, 'x'), 'storage.invalid_input');
      assert.equal(bad.details.field, 'collection');
      // A 512-byte id (the limit) is fine: 128 four-byte emoji.
      await s.write([{ op: 'put', collection: 'twins', id: '😀'.repeat(128), body: 1 }]);
      assert.equal(await s.get('twins', 'ok'), undefined);
      assert.equal(await s.count('twins'), 1);
    });

    test('after close(), calls fail with storage.unavailable', async (t) => {
      const { storage: s } = await fresh(t);
      await s.close();
      await rejectsWith(s.get('twins', 'a'), 'storage.unavailable');
      await rejectsWith(s.write([{ op: 'put', collection: 'twins', id: 'a', body: 1 }]), 'storage.unavailable');
    });

    defineBatchTests(fresh);
    defineListTests(fresh);
    definePointTests(fresh);
    defineSeriesTests(fresh, (name) => join(files, `${fileCount++}-${name}`));
    defineDurabilityTests(fresh, target);
  });
}

export type { StorageAdapter };
