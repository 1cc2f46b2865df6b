/** Checks on the real C-MAPSS files; skipped unless TWINWORKS_DATASETS points at ../shared/datasets. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { phm08Score, rmse } from '../core/index.js';
import { parseCmapss, parseRulTruth } from './cmapss.js';
import { fitConditions } from './conditions.js';
import { predictRul, trainRul } from './model.js';
import { fitNormaliser } from './normalise.js';

const root = process.env.TWINWORKS_DATASETS;
const skip = root === undefined ? 'set TWINWORKS_DATASETS to run' : false;
const read = (name: string) => readFileSync(join(root!, 'cmapss', name), 'utf8');

test('C-MAPSS files: unit counts and row counts from the dataset README', { skip }, () => {
  const expected: Record<string, [number, number, number]> = { FD001: [100, 20631, 100], FD002: [260, 53759, 259], FD003: [100, 24720, 100], FD004: [249, 61249, 248] };
  for (const [s, [units, rows, testUnits]] of Object.entries(expected)) {
    const train = parseCmapss(read(`train_${s}.txt`));
    assert.equal(train.length, units, s);
    assert.equal(train.reduce((a, h) => a + h.sensors.length, 0), rows, s);
    assert.equal(parseCmapss(read(`test_${s}.txt`)).length, testUnits, s);
    assert.equal(parseRulTruth(read(`RUL_${s}.txt`)).length, testUnits, s);
  }
});

test('conditions: 1 regime in FD001, 6 in FD002; FD001 keeps the 14 informative sensors', { skip }, () => {
  const fd001 = parseCmapss(read('train_FD001.txt'));
  const c1 = fitConditions(fd001.flatMap((h) => h.settings));
  assert.equal(c1.centers.length, 1);
  // README §1: constant in FD001 are s1, s5, s6, s10, s16, s18, s19 → 0-based 0, 4, 5, 9, 15, 17, 18 dropped.
  assert.deepEqual(fitNormaliser(fd001, c1).used, [1, 2, 3, 6, 7, 8, 10, 11, 12, 13, 14, 16, 19, 20]);
  const fd002 = parseCmapss(read('train_FD002.txt'));
  assert.equal(fitConditions(fd002.flatMap((h) => h.settings)).centers.length, 6);
});

test('FD001 with a reduced GBDT-only model beats the published plain-LSTM RMSE (16.1)', { skip }, () => {
  const model = trainRul(parseCmapss(read('train_FD001.txt')), { folds: 2, mlp: false, gbdt: { rounds: 300, learningRate: 0.08 } });
  const truth = parseRulTruth(read('RUL_FD001.txt'));
  const pred = predictRul(model, parseCmapss(read('test_FD001.txt')));
  assert.ok(rmse(pred, truth) < 16.1, `RMSE ${rmse(pred, truth).toFixed(2)}`);
  assert.ok(phm08Score(pred, truth) < 338, `score ${phm08Score(pred, truth).toFixed(0)} (LSTM: 338)`);
});
