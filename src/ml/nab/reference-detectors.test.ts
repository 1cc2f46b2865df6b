import { test } from 'node:test';
import assert from 'node:assert/strict';
import { erfc, WindowedGaussian } from './reference-detectors.js';

const close = (a: number, e: number, rel = 1e-12) => assert.ok(Math.abs(a - e) <= rel * Math.max(1, Math.abs(e)), `expected ${e}, got ${a}`);

test('erfc matches tabulated values across the series and continued-fraction ranges', () => {
  // Abramowitz & Stegun table 7.1 / any CAS: erfc(0.5), erfc(1), erfc(2.5), erfc(4), erfc(−1) = 2 − erfc(1).
  close(erfc(0.5), 0.4795001221869535);
  close(erfc(1), 0.15729920705028513);
  assert.ok(Math.abs(erfc(2.5) / 0.0004069520174449589 - 1) < 1e-12);
  assert.ok(Math.abs(erfc(4) / 1.541725790028002e-8 - 1) < 1e-12);
  close(erfc(-1), 1.8427007929497148);
});

test('windowedGaussian scores the Gaussian tail of the window so far', () => {
  const d = new WindowedGaussian(6400, 100);
  assert.equal(d.update(0, 0), 0); // empty window
  d.update(0, 1);
  d.update(0, 2);
  // Window {0, 1, 2}: mean 1, population sd √(2/3); value 3 → z = 2.449 → 1 − Q(z) = 0.992847.
  close(d.update(0, 3), 0.9928470607822851, 1e-12);
});

test('windowedGaussian slides its window in steps', () => {
  const d = new WindowedGaussian(4, 2);
  for (const v of [0, 0, 0, 0]) d.update(0, v); // window {0,0,0,0}: sd 0 is replaced by 1e-6
  assert.equal(d.update(0, 10), 1); // z = 1e7: the tail underflows, score exactly 1
  assert.equal(d.update(0, 10), 1); // still judged against the old window; now the step is complete
  // Window slid to {0, 0, 10, 10}: mean 5, sd 5.
  close(d.update(0, 5), 0.5); // z = 0 → 1 − Q(0)
  close(d.update(0, 15), 0.9772498680518208); // z = 2 → 1 − Q(2)
});
