import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockMeans, DecimatingBuffer, meanOf, medianOf, Ring, slopeOf } from './rolling.js';

test('medianOf: odd and even counts, NaN skipped, input untouched', () => {
  const v = [5, 1, Number.NaN, 3];
  assert.equal(medianOf(v), 3);
  assert.deepEqual(v, [5, 1, Number.NaN, 3]);
  assert.equal(medianOf([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(medianOf([Number.NaN])));
});

test('slopeOf: least-squares slope per index step, NaN skipped', () => {
  // y = 2 + 0.5 i at i = 0..5 with i = 2 missing: the fit is still exact.
  assert.equal(slopeOf([2, 2.5, Number.NaN, 3.5, 4, 4.5]), 0.5);
  // Hand computation for (0,1), (1,3), (2,2): x̄ = 1, ȳ = 2, Σ(x−x̄)(y−ȳ) = (−1)(−1) + 0 + (1)(0) = 1, Σ(x−x̄)² = 2 → 0.5.
  assert.equal(slopeOf([1, 3, 2]), 0.5);
  assert.ok(Number.isNaN(slopeOf([1, Number.NaN, 2])), 'fewer than 3 points');
});

test('blockMeans: blocks end at the newest entry; meanOf honours minCount', () => {
  // 7 values in blocks of 3: the oldest value is left over; blocks [2,3,4] and [5,6,7].
  assert.deepEqual(Array.from(blockMeans(Float64Array.from([1, 2, 3, 4, 5, 6, 7]), 3)), [3, 6]);
  assert.ok(Number.isNaN(meanOf([1, Number.NaN], 2)));
  assert.equal(meanOf([1, Number.NaN, 3], 2), 2);
});

test('Ring keeps the newest values, NaN beyond what was pushed', () => {
  const r = new Ring(3);
  for (const v of [1, 2, 3, 4]) r.push(v);
  assert.equal(r.back(0), 4);
  assert.equal(r.back(2), 2);
  assert.ok(Number.isNaN(r.back(3)));
  assert.deepEqual(Array.from(r.last(4)).map((x) => (Number.isNaN(x) ? null : x)), [null, 2, 3, 4]);
});

test('DecimatingBuffer: exact median while under capacity, evenly spread sample beyond', () => {
  const b = new DecimatingBuffer(8);
  for (const v of [9, 1, 5, 7, 3]) b.push(v);
  assert.equal(b.median(), 5);
  b.reset();
  // 0..99 through a buffer of 8: it keeps every 16th value (0, 16, …, 96), median of those = 48.
  for (let i = 0; i < 100; i++) b.push(i);
  assert.ok(b.size <= 8);
  assert.equal(b.median(), 48);
  b.push(Number.NaN);
  assert.equal(b.median(), 48, 'non-finite values are ignored');
});
