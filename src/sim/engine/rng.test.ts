import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from './rng.js';

const draw = (r: Rng, n: number) => Array.from({ length: n }, () => r.nextUint32());

test('same seed and key give the same stream; another seed or key gives another', () => {
  assert.deepEqual(draw(new Rng(42, 'LINE-1-CNC'), 100), draw(new Rng(42, 'LINE-1-CNC'), 100));
  assert.notDeepEqual(draw(new Rng(42, 'LINE-1-CNC'), 100), draw(new Rng(43, 'LINE-1-CNC'), 100));
  assert.notDeepEqual(draw(new Rng(42, 'LINE-1-CNC'), 100), draw(new Rng(42, 'LINE-1-ROBOT'), 100));
});

test('a forked stream does not depend on how much its parent was used', () => {
  const fresh = new Rng(7, 'plant');
  const used = new Rng(7, 'plant');
  draw(used, 1000);
  assert.deepEqual(draw(fresh.fork('LINE-2-QC'), 50), draw(used.fork('LINE-2-QC'), 50));
  // fork('a').fork('b') is the stream named a/b
  assert.deepEqual(draw(new Rng(7, 'x').fork('y'), 20), draw(new Rng(7, 'x/y'), 20));
});

test('distributions have the moments they promise', () => {
  const r = new Rng(1, 'moments');
  const n = 100_000;
  let su = 0, sn = 0, sn2 = 0, se = 0, below = 0;
  for (let i = 0; i < n; i++) {
    const u = r.float();
    assert.ok(u >= 0 && u < 1);
    su += u;
    const z = r.normal();
    sn += z;
    sn2 += z * z;
    se += r.exponential(5);
    if (r.chance(0.25)) below++;
  }
  // Standard errors: uniform mean 0.29/√n ≈ 0.0009, normal mean 0.0032, exponential mean 5/√n ≈ 0.016.
  assert.ok(Math.abs(su / n - 0.5) < 0.005);
  assert.ok(Math.abs(sn / n) < 0.015);
  assert.ok(Math.abs(sn2 / n - 1) < 0.03);
  assert.ok(Math.abs(se / n - 5) < 0.08);
  assert.ok(Math.abs(below / n - 0.25) < 0.006);
});

test('int covers both ends of its inclusive range and nothing outside', () => {
  const r = new Rng(3);
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) seen.add(r.int(2, 5));
  assert.deepEqual([...seen].sort(), [2, 3, 4, 5]);
});
