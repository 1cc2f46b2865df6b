import { test } from 'node:test';
import assert from 'node:assert/strict';
import { predictGbdtRaw, type GbdtModel } from '../core/index.js';
import { contributions, topDrivers } from './explain.js';

// Tree 1: x0 ≤ 1 → −0.3; else (x1 ≤ 0 → 0.2, else 0.9). Internal node values 0.1 (root) and 0.4.
// Tree 2: x1 ≤ 5 → −0.1, else 0.3 (root value 0).
const model: GbdtModel = {
  kind: 'twinworks.gbdt', version: 1, objective: 'logistic', featureCount: 2, baseScore: 0.5,
  trees: [
    { feature: [0, -1, 1, -1, -1], threshold: [1, 0, 0, 0, 0], left: [1, -1, 3, -1, -1], right: [2, -1, 4, -1, -1], value: [0.1, -0.3, 0.4, 0.2, 0.9] },
    { feature: [1, -1, -1], threshold: [5, 0, 0], left: [1, -1, -1], right: [2, -1, -1], value: [0, -0.1, 0.3] },
  ],
};

test('path contributions: worked by hand, and bias + contributions = raw score', () => {
  // x = (2, 6): tree 1 goes right (+0.3 to x0) then right (+0.5 to x1); tree 2 goes right (+0.3 to x1).
  const c = contributions(model, [2, 6]);
  assert.ok(Math.abs(c.bias - 0.6) < 1e-12);
  assert.ok(Math.abs(c.perFeature[0]! - 0.3) < 1e-12);
  assert.ok(Math.abs(c.perFeature[1]! - 0.8) < 1e-12);
  const raw = predictGbdtRaw(model, { rows: 1, cols: 2, data: Float64Array.from([2, 6]) })[0]!;
  assert.ok(Math.abs(raw - 1.7) < 1e-12);
  assert.ok(Math.abs(c.bias + c.perFeature[0]! + c.perFeature[1]! - raw) < 1e-12);
  assert.deepEqual(topDrivers(c, 5), [1, 0]);
  assert.deepEqual(topDrivers(c, 5, (f) => f === 1), [0]);
});

test('missing values follow the left branch, as in prediction', () => {
  // NaN goes left in tree 1 (−0.4 to x0); −1 goes left in tree 2 (−0.1 to x1): raw 0.1, no positive driver.
  const c = contributions(model, [Number.NaN, -1]);
  assert.ok(Math.abs(c.perFeature[0]! + 0.4) < 1e-12);
  assert.ok(Math.abs(c.perFeature[1]! + 0.1) < 1e-12);
  assert.ok(Math.abs(c.bias + c.perFeature[0]! + c.perFeature[1]! - 0.1) < 1e-12);
  assert.deepEqual(topDrivers(c, 3), []);
});
