import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryStorage } from '../../storage/index.js';
import { FEATURE_COUNT, FEATURE_NAMES } from './features/catalogue.js';
import { assertPdmModel } from './model.js';
import { PdmErrors } from './errors.js';
import { predictMachine } from './predict.js';
import { ModelRegistry } from './registry.js';
import { tinyModel } from './testing.js';

async function registry() {
  const store = createMemoryStorage();
  await store.open();
  return new ModelRegistry(store);
}

test('save assigns increasing versions; list is newest first with data window and metrics', async () => {
  const reg = await registry();
  const a = await reg.save(tinyModel(), { trainedBy: 'alice', source: 'history' });
  const b = await reg.save({ ...tinyModel(), createdAt: '2026-02-01T00:00:00.000Z' });
  assert.deepEqual([a.version, b.version], [1, 2]);
  const list = await reg.list();
  assert.deepEqual(list.map((s) => s.version), [2, 1]);
  assert.equal(list[1]!.trainedBy, 'alice');
  assert.deepEqual(list[1]!.dataWindow, { from: '2025-12-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' });
  assert.deepEqual(list[1]!.modes, ['bearingWear']);
  assert.equal(list[0]!.createdAt, '2026-02-01T00:00:00.000Z');
  assert.equal(list.some((s) => s.promoted), false);
});

test('concurrent saves never share a version', async () => {
  const reg = await registry();
  const saved = await Promise.all([reg.save(tinyModel()), reg.save(tinyModel()), reg.save(tinyModel())]);
  assert.deepEqual(saved.map((s) => s.version).sort(), [1, 2, 3]);
});

test('get round-trips the model through storage: the same predictions', async () => {
  const reg = await registry();
  const model = tinyModel();
  await reg.save(model);
  const back = await reg.get(1);
  const x = new Float64Array(FEATURE_COUNT).fill(Number.NaN);
  x[FEATURE_NAMES.indexOf('vibrationHighBand.dev')] = 0.9;
  assert.deepEqual(predictMachine(back, x), predictMachine(model, x));
  await assert.rejects(reg.get(9), (e) => PdmErrors.is(e, 'model_not_found'));
});

test('promote marks one version and promoted() returns it', async () => {
  const reg = await registry();
  assert.equal(await reg.promoted(), undefined);
  await reg.save(tinyModel());
  await reg.save(tinyModel());
  await reg.promote(1, 'bob');
  const s = await reg.promote(2, 'carol');
  assert.equal(s.promoted, true);
  assert.equal(s.promotedBy, 'carol');
  const list = await reg.list();
  assert.deepEqual(list.map((x) => [x.version, x.promoted]), [[2, true], [1, false]]);
  assert.equal((await reg.promoted())!.summary.version, 2);
  await assert.rejects(reg.promote(5), (e) => PdmErrors.is(e, 'model_not_found'));
});

test('models of another feature layout or version are refused', () => {
  assert.throws(() => assertPdmModel({ ...tinyModel(), features: ['a'] }), (e) => PdmErrors.is(e, 'bad_model'));
  assert.throws(() => assertPdmModel({ ...tinyModel(), version: 2 }), (e) => PdmErrors.is(e, 'bad_model'));
  assert.throws(() => assertPdmModel({ kind: 'twinworks.gbdt' }), (e) => PdmErrors.is(e, 'bad_model'));
  assert.equal(assertPdmModel(JSON.parse(JSON.stringify(tinyModel()))).modes.length, 1);
});
