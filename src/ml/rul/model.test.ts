import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MlErrors, rmse } from '../core/index.js';
import { conditionOf, fitConditions } from './conditions.js';
import { assertRulModel } from './document.js';
import { predictRul, trainRul, type RulTrainOptions } from './model.js';
import { fitNormaliser, standardiseHistory } from './normalise.js';
import { syntheticFleet } from './synthetic.js';

const FAST: RulTrainOptions = {
  cap: 80,
  folds: 3,
  gbdt: { rounds: 80, learningRate: 0.15, earlyStoppingRounds: 15, maxBins: 64 },
  mlp: { hidden: [16, 8], epochs: 8, batchSize: 64, learningRate: 4e-3 },
};

test('condition clustering finds 3 regimes when they exist and 1 when settings are noise', () => {
  const multi = syntheticFleet(6, 1, { regimes: true });
  const m = fitConditions(multi.flatMap((h) => h.settings));
  assert.equal(m.centers.length, 3);
  const single = syntheticFleet(6, 2);
  assert.equal(fitConditions(single.flatMap((h) => h.settings)).centers.length, 1);
  // Rows of one regime share a condition; the three regimes get three different conditions.
  assert.notEqual(conditionOf(m, [0, 0]), conditionOf(m, [10, 0.5]));
  assert.notEqual(conditionOf(m, [20, 0.9]), conditionOf(m, [10, 0.5]));
});

test('per-condition standardisation removes regime shifts and drops the constant sensor', () => {
  const fleet = syntheticFleet(10, 3, { regimes: true });
  const cond = fitConditions(fleet.flatMap((h) => h.settings));
  const norm = fitNormaliser(fleet, cond);
  assert.deepEqual(norm.used, [0, 1, 3, 4], 'sensor 2 is constant within every regime');
  // Sensor 0 is shifted by 0, 3, 6 across regimes; after standardising, early-life means per regime ≈ 0.
  const sums = [0, 0, 0], counts = [0, 0, 0];
  for (const h of fleet) {
    const z = standardiseHistory(h, cond, norm);
    for (let t = 0; t < 60; t++) {
      const c = conditionOf(cond, h.settings[t]!);
      sums[c]! += z[t * 4]!;
      counts[c]!++;
    }
  }
  // Early in life d ≈ 0 while the fleet mean includes late-life values, so early means sit slightly below 0.
  for (let c = 0; c < 3; c++) assert.ok(Math.abs(sums[c]! / counts[c]!) < 0.6, `regime ${c} mean ${sums[c]! / counts[c]!}`);
});

test('end to end on a synthetic fleet: low RMSE at the last cycle, far below a constant guess; JSON round trip identical', () => {
  const train = syntheticFleet(36, 10, { regimes: true });
  const held = syntheticFleet(30, 11, { regimes: true, truncate: true });
  const model = trainRul(train, FAST);
  const pred = predictRul(model, held);
  // The true value the model can learn is min(RUL, cap).
  const truth = held.map((h) => Math.min(h.rul, 80));
  const mean = truth.reduce((a, b) => a + b, 0) / truth.length;
  const err = rmse(pred, truth);
  const baseline = rmse(truth.map(() => mean), truth);
  assert.ok(err < 6, `RMSE ${err.toFixed(2)} should be under 6 cycles (cap 80)`);
  assert.ok(err < 0.4 * baseline, `RMSE ${err.toFixed(2)} vs constant-guess RMSE ${baseline.toFixed(2)}`);
  assert.ok(pred.every((p) => p >= 0 && p <= 80), 'predictions clipped to [0, cap]');
  const copy = assertRulModel(JSON.parse(JSON.stringify(model)));
  assert.deepEqual(predictRul(copy, held), pred);
});

test('model documents of another kind or version are rejected with ml.bad_model', () => {
  assert.throws(() => assertRulModel({ kind: 'twinworks.gbdt' }), (e: unknown) => MlErrors.is(e, 'bad_model'));
  assert.throws(() => assertRulModel({ kind: 'twinworks.rul', version: 99 }), (e: unknown) => MlErrors.is(e, 'bad_model') && /version 99/.test((e as Error).message));
});
