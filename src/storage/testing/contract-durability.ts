/** Contract: what durable adapters keep across close/reopen, and their migration bookkeeping. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Fresh } from './contract.js';
import { TRICKY_BODY, type ContractTarget } from './helpers.js';

export function defineDurabilityTests(fresh: Fresh, target: ContractTarget): void {
  test('close and reopen keeps documents, versions and points', async (t) => {
    const store = await fresh(t);
    if (store.reopen === undefined) return t.skip('adapter is not durable');
    const s = store.storage;
    await s.write([{ op: 'put', collection: 'models', id: 'dtmi:x;1', body: TRICKY_BODY }]);
    await s.write([{ op: 'put', collection: 'models', id: 'dtmi:x;1', body: { v: 2 }, expectVersion: 1 }]);
    await s.write([
      { op: 'put', collection: 'devices', id: 'gone', body: 1 },
      { op: 'put', collection: 'twins', id: 'kept', body: TRICKY_BODY },
    ]);
    await s.write([{ op: 'delete', collection: 'devices', id: 'gone' }]);
    const time = new Date(Date.UTC(2024, 0, 1));
    await s.appendPoints([{ series: 's', time, arrival: new Date(time.getTime() + 5), value: 0.1 }]);
    await s.close();

    const again = await store.reopen();
    t.after(() => again.close());
    const model = await again.get('models', 'dtmi:x;1');
    assert.equal(model?.version, 2);
    assert.deepEqual(model?.body, { v: 2 });
    assert.deepEqual((await again.get('twins', 'kept'))?.body, TRICKY_BODY);
    assert.equal(await again.get('devices', 'gone'), undefined);
    const pts = await again.readPoints({ series: 's', from: time, to: new Date(time.getTime() + 1) });
    assert.deepEqual(pts.map((p) => [p.time.getTime(), p.arrival.getTime(), p.value]), [[time.getTime(), time.getTime() + 5, 0.1]]);
    // And it keeps accepting writes with the right next version.
    const [r] = await again.write([{ op: 'put', collection: 'models', id: 'dtmi:x;1', body: 3, expectVersion: 2 }]);
    assert.equal(r?.version, 3);
  });

  test('migrations are recorded once and reopening applies nothing new', async (t) => {
    const store = await fresh(t);
    if (store.reopen === undefined || target.migrations === undefined) return t.skip('adapter has no schema');
    const s = store.storage;
    assert.deepEqual(await s.appliedMigrations(), target.migrations);
    await s.open(); // open() is idempotent on an open adapter
    assert.deepEqual(await s.appliedMigrations(), target.migrations);
    await s.close();
    const again = await store.reopen();
    t.after(() => again.close());
    assert.deepEqual(await again.appliedMigrations(), target.migrations);
  });
}
