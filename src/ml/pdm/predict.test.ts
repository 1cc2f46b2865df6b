import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FEATURE_COUNT, FEATURE_NAMES } from './features/catalogue.js';
import { predictMachine } from './predict.js';
import { tinyModel } from './testing.js';

const sigma = (z: number) => 1 / (1 + Math.exp(-z));
const DEV = FEATURE_NAMES.indexOf('vibrationHighBand.dev');
const ANOMALY = FEATURE_NAMES.indexOf('anomaly.max24h');

function features(dev: number): Float64Array {
  const x = new Float64Array(FEATURE_COUNT).fill(Number.NaN);
  x[DEV] = dev;
  return x;
}

test('probabilities, RUL with interval, health index and warning score of the hand-written model', () => {
  const worn = predictMachine(tinyModel(), features(0.9));
  assert.ok(Math.abs(worn.failureProbability7d! - sigma(2)) < 1e-12);
  assert.ok(Math.abs(worn.failureProbability24h! - sigma(2)) < 1e-12);
  assert.equal(worn.rulHours, 48);
  assert.deepEqual(worn.rulInterval, [28, 68]); // bucket ≤ 72 h: ±20 h
  // 100 · min(1 − σ(2), 48 / 336) = 100 · min(0.1192, 0.1429) → 12.
  assert.equal(worn.healthIndex, 12);
  assert.ok(Math.abs(worn.warningScore - sigma(2) / 0.5) < 1e-12);
  assert.equal(worn.warningMode, 'bearingWear');
  assert.equal(worn.drivers[0]!.feature, 'vibrationHighBand.dev');
  assert.equal(worn.rulCensored, false);
  const healthy = predictMachine(tinyModel(), features(0.1));
  assert.equal(healthy.healthIndex, 98); // 100 · min(1 − σ(−4), 336 / 336)
  assert.equal(healthy.rulCensored, true);
  assert.deepEqual(healthy.drivers, [], 'nothing pushed the risk up');
});

test('a model trained without anomaly detectors ignores those features when scoring', () => {
  const model = tinyModel();
  // Point the 7-day classifier's stump at the anomaly feature instead: NaN goes left (−4), 0.9 right (+2).
  const part = model.modes[0]!;
  const tree = part.classifiers[1]!.gbdt.trees[0]!;
  const retargeted = { ...model, modes: [{ ...part, classifiers: [part.classifiers[0]!, { ...part.classifiers[1]!, gbdt: { ...part.classifiers[1]!.gbdt, trees: [{ ...tree, feature: [ANOMALY, -1, -1] }] } }] }] };
  const x = features(0);
  x[ANOMALY] = 0.9;
  assert.ok(Math.abs(predictMachine(retargeted, x).failureProbability7d! - sigma(2)) < 1e-12);
  assert.ok(Math.abs(predictMachine({ ...retargeted, anomalyFeatures: false }, x).failureProbability7d! - sigma(-4)) < 1e-12);
  assert.equal(x[ANOMALY], 0.9, 'the caller’s vector is not modified');
});
