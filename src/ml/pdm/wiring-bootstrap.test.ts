/**
 * startLivePdm with a bootstrap: the platform is up (ready, API) while the model trains in a worker;
 * the trained model is then promoted and scoring; stop() during training ends the worker quietly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createInProcessBus } from '../../bus/index.js';
import { createMemoryStorage } from '../../storage/index.js';
import type { PointReader } from './history-adapters.js';
import { SMALL_SIM, SMALL_TRAIN } from './testing-sim.js';
import { startLivePdm } from './wiring.js';

const reader: PointReader = { readPoints: async () => [], readTextPoints: async () => [] };

test('empty registry: ready at once, the bootstrap model arrives later, promoted and in the scorer', async () => {
  const store = createMemoryStorage();
  await store.open();
  const bus = createInProcessBus();
  const errors: unknown[] = [];
  const pdm = await startLivePdm({ store, bus, reader, machines: () => [], warmUpDays: 0, bootstrap: { sim: SMALL_SIM, warmUpDays: 2, train: SMALL_TRAIN }, onError: (e) => errors.push(e) });
  try {
    await pdm.ready;
    // Serving before the model exists (training takes seconds even on this tiny history).
    const current = () => pdm.scorer.currentModel; // a getter: read again after the await below
    assert.equal(current(), undefined);
    const summary = await pdm.bootstrapped;
    assert.equal(summary?.version, 1);
    assert.equal(summary?.trainedBy, 'bootstrap');
    assert.equal(current()?.version, 1);
    assert.equal((await pdm.registry.promoted())?.summary.version, 1);
    assert.deepEqual(errors, []);
  } finally {
    await pdm.stop();
  }
  // Restart on the same store: a model exists, so no bootstrap runs.
  const again = await startLivePdm({ store, bus, reader, machines: () => [], warmUpDays: 0, bootstrap: { sim: SMALL_SIM, warmUpDays: 2, train: SMALL_TRAIN } });
  try {
    assert.equal(await again.bootstrapped, undefined);
    assert.equal(again.scorer.currentModel?.version, 1);
    assert.deepEqual((await again.registry.list()).map((s) => s.version), [1]);
  } finally {
    await again.stop();
    await bus.close();
    await store.close();
  }
});

test('stop() while the bootstrap trains: the worker ends, nothing is saved, no error reported', async () => {
  const store = createMemoryStorage();
  await store.open();
  const bus = createInProcessBus();
  const errors: unknown[] = [];
  const pdm = await startLivePdm({ store, bus, reader, machines: () => [], warmUpDays: 0, bootstrap: { sim: SMALL_SIM, warmUpDays: 2, train: SMALL_TRAIN }, onError: (e) => errors.push(e) });
  await pdm.ready;
  await pdm.stop();
  assert.equal(await pdm.bootstrapped, undefined);
  assert.deepEqual(await pdm.registry.list(), []);
  assert.deepEqual(errors, []);
  await bus.close();
  await store.close();
});
