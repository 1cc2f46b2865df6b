/**
 * The write pipeline's promises: a write is in memory (reads, queries) as soon as it is validated,
 * its caller is answered only after the store committed it, and a write the store refuses leaves
 * nothing behind in memory, while the writes validated on top of it are validated again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryStorage, StorageErrors, type StorageAdapter, type WriteOp } from '../../storage/index.js';
import { parseEtag } from '../twin/etag.js';
import { cnc, graphWithModels, M, steppingClock } from '../testing/fixtures.js';
import { TwinGraph } from './twin-graph.js';

/** A memory store whose writes can be held back, and which refuses any batch touching a poisoned id. */
function controllableStore() {
  const inner = createMemoryStorage();
  const poisoned = new Set<string>();
  let gate: Promise<void> = Promise.resolve();
  const batches: number[] = [];
  const write = async (ops: readonly WriteOp[]) => {
    await gate;
    batches.push(ops.length);
    const bad = ops.find((op) => poisoned.has(op.id));
    if (bad) throw StorageErrors.create('unavailable', `test: refusing ${bad.id}`, { adapter: 'test', target: bad.id, reason: 'poisoned' });
    return inner.write(ops);
  };
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'write') return write;
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as StorageAdapter;
  return {
    store,
    poisoned,
    batches,
    hold(): () => void {
      let release!: () => void;
      gate = new Promise((r) => (release = r));
      return release;
    },
  };
}

const settled = async (p: Promise<unknown>): Promise<boolean> => {
  let done = false;
  p.then(() => (done = true), () => (done = true));
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  return done;
};

test('a patch is visible to reads and queries at once, but acknowledged only after its commit', async () => {
  const c = controllableStore();
  await c.store.open();
  const graph = await graphWithModels(c.store);
  await graph.upsertTwin('a', cnc({ speed: 0.1 }));
  const release = c.hold();
  const patch = graph.patchTwin('a', [{ op: 'replace', path: '/speed', value: 0.7 }]);
  assert.equal(await settled(patch), false, 'not acknowledged while the commit is held');
  assert.equal(graph.getTwin('a')['speed'], 0.7);
  const rows = graph.query(`SELECT T.$dtId FROM DIGITALTWINS T WHERE T.speed = 0.7`).value;
  assert.deepEqual(rows, [{ $dtId: 'a' }]);
  // Nothing stored yet: a graph loaded from the store now would still see 0.1.
  assert.equal(((await c.store.get('twins', 'a'))?.body as { speed: number }).speed, 0.1);
  release();
  const doc = await patch;
  assert.equal(doc['speed'], 0.7);
  assert.equal(((await c.store.get('twins', 'a'))?.body as { speed: number }).speed, 0.7);
});

test('writes staged while a commit is in flight form the next batch, in order', async () => {
  const c = controllableStore();
  await c.store.open();
  const graph = await graphWithModels(c.store);
  await graph.upsertTwin('a', cnc({ speed: 0 }));
  const release = c.hold();
  const first = graph.patchTwin('a', [{ op: 'replace', path: '/speed', value: 1 }]);
  await settled(first); // the first batch (one patch) is now waiting at the gate
  const more = Array.from({ length: 5 }, (_, i) => graph.patchTwin('a', [{ op: 'replace', path: '/speed', value: 2 + i }]));
  await settled(Promise.all(more));
  assert.equal(graph.getTwin('a')['speed'], 6, 'all six patches applied in memory, in order');
  const before = c.batches.length;
  release();
  const docs = await Promise.all([first, ...more]);
  assert.deepEqual(c.batches.slice(before), [1, 5]);
  // Each patch built on the previous one: versions 2..7 after the create's 1.
  assert.deepEqual(docs.map((d) => parseEtag(d.$etag as string)?.version), [2, 3, 4, 5, 6, 7]);
});

test('a write the store refuses is undone; writes validated on top of it are validated again', async () => {
  const c = controllableStore();
  await c.store.open();
  const graph = await graphWithModels(c.store);
  await graph.upsertTwin('a', cnc({ speed: 0 }));
  await graph.upsertTwin('crew', { $metadata: { $model: M.crew } });
  c.poisoned.add('new');
  // One batch: a patch that stores, a create the store refuses, a relationship to that new twin,
  // and another patch of 'a'.
  const p1 = graph.patchTwin('a', [{ op: 'replace', path: '/speed', value: 0.1 }]);
  const created = graph.upsertTwin('new', cnc());
  const rel = graph.upsertRelationship('new', 'crew', { $relationshipName: 'servedBy', $targetId: 'crew' });
  const rel2 = graph.upsertRelationship('a', 'feeds', { $relationshipName: 'feeds', $targetId: 'new' });
  const p2 = graph.patchTwin('a', [{ op: 'replace', path: '/speed', value: 0.3 }]);
  const outcomes = await Promise.allSettled([p1, created, rel, rel2, p2]);
  assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'rejected', 'rejected', 'fulfilled']);
  assert.equal((outcomes[1] as PromiseRejectedResult).reason.code, 'storage.unavailable');
  assert.equal((outcomes[2] as PromiseRejectedResult).reason.code, 'twins.twin_not_found');
  assert.equal((outcomes[3] as PromiseRejectedResult).reason.code, 'twins.target_twin_not_found');
  // Memory holds exactly what the store holds.
  assert.throws(() => graph.getTwin('new'), { code: 'twins.twin_not_found' });
  assert.deepEqual([...graph.index.outgoing('a')], []);
  assert.deepEqual([...graph.index.incoming('crew')], []);
  const a = graph.getTwin('a');
  assert.equal(a['speed'], 0.3);
  assert.equal(parseEtag(a.$etag as string)?.version, 3);
  await graph.drain();
  const reloaded = new TwinGraph({ store: c.store, clock: steppingClock() });
  await reloaded.load();
  assert.deepEqual(reloaded.getTwin('a'), a);
  assert.equal(reloaded.index.twinCount(), 2);
  assert.equal(reloaded.index.relationshipCount(), 0);
});
