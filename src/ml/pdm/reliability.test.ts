import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reliability } from './reliability.js';

test('ECE and Brier worked by hand; censored rows skipped; p = 1 in the last bin', () => {
  // Bins of 0.1: {0.05 → 0}, {0.15 → 0, 0.15 → 1}, {0.95 → 1}.
  // ECE = ¼·|0.05 − 0| + ½·|0.15 − 0.5| + ¼·|0.95 − 1| = 0.0125 + 0.175 + 0.0125 = 0.2.
  // Brier = (0.05² + 0.15² + 0.85² + 0.05²) / 4 = 0.75 / 4 = 0.1875.
  const r = reliability([0.05, 0.15, 0.15, 0.95, 0.5], [0, 0, 1, 1, -1]);
  assert.equal(r.count, 4);
  assert.equal(r.positives, 2);
  assert.ok(Math.abs(r.ece - 0.2) < 1e-12);
  assert.ok(Math.abs(r.brier - 0.1875) < 1e-12);
  assert.deepEqual(r.bins.map((b) => b.count), [1, 2, 1]);
  assert.equal(reliability([1], [1]).bins[0]!.lo, 0.9);
  // A perfectly calibrated bin has zero error.
  assert.equal(reliability([0.25, 0.25, 0.25, 0.25], [1, 0, 0, 0]).ece, 0);
});
