/**
 * Training in a worker thread: the same model as in-process, catalogued errors across the thread,
 * stop, and — the point of it — an HTTP training run during which the event loop keeps serving.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApiServer } from '../../api/index.js';
import { createAuthService } from '../../auth/index.js';
import { createMetrics, silentLogger } from '../../observability/index.js';
import { createMemoryStorage } from '../../storage/index.js';
import { createPdmApiModule } from './api.js';
import type { Dataset } from './dataset.js';
import { buildSimDataset } from './evaluate.js';
import { simulateHistory } from './sim-data.js';
import type { HistorySource, LabelSource, MachineSample } from './types.js';
import { PdmErrors } from './errors.js';
import { ModelRegistry } from './registry.js';
import { LiveScorer } from './scorer.js';
import { trainPdm } from './train.js';
import { TrainWorkers, trainFromHistoryInWorker } from './train-runner.js';
import { SMALL_SIM, SMALL_TRAIN } from './testing-sim.js';

const DAY = 86_400_000;
const FROM = Date.parse('2026-01-05T00:00:00Z');

const dataset = (): Dataset => buildSimDataset(SMALL_SIM, 2, 7 * DAY);

/** The model without what differs between two runs of the same training (when, and how long). */
const comparable = (m: ReturnType<typeof trainPdm>) => ({ ...m, createdAt: '', metrics: { ...m.metrics, trainingSeconds: 0 } });

test('a dataset job trains in the worker the same model as in-process, and transfers the rows', async () => {
  const workers = new TrainWorkers();
  const inProcess = trainPdm(dataset(), SMALL_TRAIN);
  const ds = dataset();
  const progress: string[] = [];
  const model = await workers.run({ kind: 'dataset', dataset: ds, options: SMALL_TRAIN }, { onProgress: (m) => progress.push(m) });
  assert.deepEqual(comparable(model), comparable(inProcess));
  // Transferred, not copied: the posted buffers are detached on this side.
  assert.equal(ds.x.length, 0);
  assert.ok(progress.some((m) => m.startsWith('bearingWear: classifier')), progress.join(' | '));
  assert.equal(workers.active, 0);
});

test('an error in the worker comes back as the catalogued error', async () => {
  const workers = new TrainWorkers();
  const ds = dataset();
  // No mode has 1000 failures: trainPdm throws ml.pdm.too_few_failures, an `invalid` (400) error.
  await assert.rejects(workers.run({ kind: 'dataset', dataset: ds, options: { ...SMALL_TRAIN, minFailures: 1000 } }), (err: unknown) => {
    assert.ok(PdmErrors.is(err, 'too_few_failures'), String(err));
    assert.equal(err.kind, 'invalid');
    assert.equal(err.details['minFailures'], 1000);
    return true;
  });
});

test('close() stops a running job and refuses new ones', async () => {
  const workers = new TrainWorkers();
  const running = workers.run({ kind: 'sim', sim: SMALL_SIM, warmUpDays: 2, options: SMALL_TRAIN });
  const outcome = assert.rejects(running, (err: unknown) => PdmErrors.is(err, 'training_stopped'));
  assert.equal(workers.active, 1);
  await workers.close();
  await outcome;
  assert.equal(workers.active, 0);
  await assert.rejects(workers.run({ kind: 'sim', sim: SMALL_SIM, warmUpDays: 2 }), (err: unknown) => PdmErrors.is(err, 'training_stopped'));
});

test('POST /api/ml/train: the event loop keeps serving timers while the model trains', async () => {
  const store = createMemoryStorage();
  await store.open();
  const auth = await createAuthService(store);
  await auth.ensureFirstAdmin('admin-password');
  const registry = new ModelRegistry(store);
  const scorer = new LiveScorer();
  const workers = new TrainWorkers();
  const ds = dataset();
  // Ticks of a 1 ms timer counted while `train` is pending. In-process training is one synchronous
  // call after the awaits: no timer could run inside it, the count would be 0.
  let ticks = 0, during = -1;
  const timer = setInterval(() => ticks++, 1);
  const train = async () => {
    const before = ticks;
    const model = await workers.run({ kind: 'dataset', dataset: ds, options: SMALL_TRAIN });
    during = ticks - before;
    return model;
  };
  const api = await createApiServer({ logger: silentLogger(), metrics: createMetrics(), auth, readinessChecks: [] }, { modules: [createPdmApiModule({ scorer, registry, train })] });
  try {
    const token = (await auth.login('admin', 'admin-password')).access_token;
    const res = await api.app.inject({
      method: 'POST', url: '/api/ml/train?wait=true', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ from: new Date(FROM).toISOString(), to: new Date(FROM + 10 * DAY).toISOString(), promote: true }),
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.ok(during >= 3, `timer ticks while training: ${during}`);
    assert.equal((await registry.promoted())?.summary.version, 1);
    assert.deepEqual(scorer.currentModel?.model.modes.map((m) => m.mode), ['bearingWear']);
  } finally {
    clearInterval(timer);
    await workers.close();
    await api.close();
    await store.close();
  }
});

test('trainFromHistoryInWorker: rows from the history ports on this thread, the model from the worker', async () => {
  const samples = new Map<string, MachineSample[]>();
  const sim = simulateHistory({ ...SMALL_SIM, from: SMALL_SIM.from - 2 * DAY, to: SMALL_SIM.to + 7 * DAY }, () => (d, s) => void (samples.get(d) ?? samples.set(d, []).get(d)!).push(s));
  const history: HistorySource = {
    machines: async () => sim.machines,
    readSeries: async (d, _signals, from, to) => (samples.get(d) ?? []).filter((s) => s.time >= from && s.time < to),
  };
  const labels: LabelSource = { failures: async (from, to) => sim.failures.filter((f) => f.time >= from && f.time < to) };
  const workers = new TrainWorkers();
  try {
    const model = await trainFromHistoryInWorker(workers, history, labels, { from: SMALL_SIM.from, to: SMALL_SIM.to, warmUpDays: 2, train: SMALL_TRAIN });
    assert.deepEqual(model.dataWindow, { from: '2026-01-05T00:00:00.000Z', to: '2026-01-15T00:00:00.000Z' });
    // Every bearing failure of the simulated window is counted, as the simulator labelled them.
    const inWindow = sim.failures.filter((f) => f.mode === 'bearingWear' && f.time >= SMALL_SIM.from && f.time < SMALL_SIM.to).length;
    assert.ok(inWindow >= 2);
    assert.deepEqual(model.metrics.failures, { bearingWear: inWindow });
    // Four machines × 240 hour boundaries of [from, to).
    assert.equal(model.metrics.rows, 4 * 240);
  } finally {
    await workers.close();
  }
});
