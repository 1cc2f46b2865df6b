/**
 * The demo's bootstrap model, on a tiny simulated history (four CNC lines whose bearings fail
 * within days, as in e2e.test.ts): trained in a worker, saved with a source that says it is
 * simulated, promoted, and scoring in the live scorer; skipped when the registry holds a model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryStorage } from '../../storage/index.js';
import { bootstrapModel, bootstrapSource, demoBootstrap, type BootstrapOptions } from './bootstrap.js';
import { ModelRegistry } from './registry.js';
import { LiveScorer } from './scorer.js';
import { tinyModel } from './testing.js';
import { TrainWorkers } from './train-runner.js';
import { SMALL_SIM, SMALL_TRAIN } from './testing-sim.js';

test('empty registry: a model trained on simulated history is saved, labelled, promoted and scores', async () => {
  const store = createMemoryStorage();
  await store.open();
  const registry = new ModelRegistry(store);
  const scorer = new LiveScorer();
  const workers = new TrainWorkers();
  const options: BootstrapOptions = { sim: SMALL_SIM, warmUpDays: 2, train: SMALL_TRAIN };
  try {
    const summary = await bootstrapModel({ registry, scorer, workers, options });
    assert.ok(summary);
    assert.equal(summary.version, 1);
    assert.equal(summary.promoted, true);
    assert.equal(summary.trainedBy, 'bootstrap');
    assert.match(summary.source ?? '', /^bootstrap: simulated history \(simulator seed 1, a custom plant, 2026-01-05 … 2026-01-15\), not this plant's own data/);
    // The data window is the simulated rows' window, not the platform's clock.
    assert.deepEqual(summary.dataWindow, { from: '2026-01-05T00:00:00.000Z', to: '2026-01-15T00:00:00.000Z' });
    assert.deepEqual(summary.modes, ['bearingWear']);
    assert.ok((summary.metrics.failures['bearingWear'] ?? 0) >= 2);
    assert.equal((await registry.promoted())?.summary.version, 1);
    assert.equal(scorer.currentModel?.version, 1);

    // The scorer scores with it: telemetry crossing hour boundaries gives a prediction of its modes.
    const t0 = Date.parse('2026-03-02T00:00:00Z');
    for (let m = 0; m < 3 * 60; m += 10) {
      scorer.push('L1-CNC', { time: t0 + m * 60_000, values: { state: 'running', vibration: 1.5, vibrationHighBand: 0.2, spindleTemp: 45, goodCount: m, rejectCount: 0 } });
    }
    await scorer.flush();
    const status = scorer.machine('L1-CNC');
    assert.ok(status?.prediction, 'a prediction after two hour boundaries');
    assert.deepEqual(status.prediction.modes.map((p) => p.mode), ['bearingWear']);
    const p7 = status.prediction.failureProbability7d;
    assert.ok(p7 !== undefined && p7 >= 0 && p7 <= 1, `7-day probability ${p7}`);
    assert.ok(status.prediction.healthIndex >= 0 && status.prediction.healthIndex <= 100);
  } finally {
    await workers.close();
    await store.close();
  }
});

test('a registry that holds a model (even unpromoted) is left alone: no training', async () => {
  const store = createMemoryStorage();
  await store.open();
  const registry = new ModelRegistry(store);
  await registry.save(tinyModel(), { trainedBy: 'cli' });
  const scorer = new LiveScorer();
  const workers = new TrainWorkers();
  let started = 0;
  const counting = { run: (...a: Parameters<TrainWorkers['run']>) => (started++, workers.run(...a)) } as unknown as TrainWorkers;
  try {
    assert.equal(await bootstrapModel({ registry, scorer, workers: counting, options: { sim: SMALL_SIM, warmUpDays: 2, train: SMALL_TRAIN } }), undefined);
    assert.equal(started, 0);
    assert.deepEqual((await registry.list()).map((s) => [s.version, s.promoted]), [[1, false]]);
    assert.equal(scorer.currentModel, undefined);
  } finally {
    await workers.close();
    await store.close();
  }
});

test('the demo bootstrap history: seed 11, 10 generated lines, from 2026-01-08, and its label says so', () => {
  const o = demoBootstrap(60);
  assert.deepEqual(o.sim, { seed: 11, lines: 10, from: Date.parse('2026-01-08T00:00:00Z'), to: Date.parse('2026-03-09T00:00:00Z') });
  assert.equal(bootstrapSource(o.sim), "bootstrap: simulated history (simulator seed 11, 10 generated 4-station lines, 2026-01-08 … 2026-03-09), not this plant's own data; train from history to replace it");
});
