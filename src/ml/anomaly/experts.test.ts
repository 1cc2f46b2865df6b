/** Each expert's maths on small cases worked out by hand. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LevelRecord } from './level-record.js';
import { LevelOccupancy } from './level-occupancy.js';
import { PatternNovelty } from './pattern-novelty.js';
import { RefractoryMax } from './refractory.js';
import { SeasonalResidual } from './seasonal-residual.js';

const close = (a: number, e: number, eps = 1e-9) => assert.ok(Math.abs(a - e) <= eps, `expected ${e}, got ${a}`);

test('level record: exceedance beyond the earlier range, in units of that range', () => {
  const r = new LevelRecord();
  assert.equal(r.update(0), 0); // no range yet
  assert.equal(r.update(10), 0); // range was 0
  close(r.update(12), 0.2); // (12 − 10)/10
  close(r.update(-6), 0.5); // range now 12: (0 − (−6))/12
  assert.equal(r.update(5), 0); // inside [−6, 12]
});

test('pattern novelty: distance to the nearest remembered trajectory over its record', () => {
  const p = new PatternNovelty({
    blockSize: 1,
    windowBlocks: 2,
    prototypes: 10,
    newPrototypeDistance: 0.1,
    learningRate: 0,
    recordDecay: 1,
    recordAfterPoints: 4,
  });
  // Points 1–5 (0, 10, 0, 10, 0) teach [0,10] and [10,0]; the record starts at point 4 with d = 0.
  for (const v of [0, 10, 0, 10, 0]) assert.equal(p.update(v), 0);
  // [0,5]: nearest [0,10] at RMS √12.5 = 3.5355, range 10 → d = 0.35355 > record 0: sets the record only.
  assert.equal(p.update(5), 0);
  // [5,5]: nearest [0,5] at 3.5355 → d = 0.35355, ratio exactly 1: not novel.
  assert.equal(p.update(5), 0);
  // [5,25]: range 25; nearest [0,10] at √125 = 11.1803 → d = 0.44721; ratio 0.44721/0.35355 = 1.26491.
  close(p.update(25), 0.2649110640673518, 1e-12);
});

test('pattern novelty only reports at block ends', () => {
  const p = new PatternNovelty({ blockSize: 3, windowBlocks: 2, prototypes: 4, newPrototypeDistance: 0.1, learningRate: 0.5, recordDecay: 1, recordAfterPoints: 0 });
  const out = [1, 1, 1, 2, 2, 2, 9, 9].map((v) => p.update(v));
  assert.deepEqual(out.slice(0, 2), [0, 0]);
  assert.equal(out[6], 0);
  assert.equal(out[7], 0);
});

test('level occupancy: rarity of the block mean among earlier block means', () => {
  const o = new LevelOccupancy({ blockSize: 1, warmupBlocks: 4, binsPerWarmupRange: 4, bins: 64, minRarity: 0.3, sustainBlocks: 1 });
  // Warm-up 0..3: width 3/4 = 0.75, centred on 1.5 → bins 30, 31, 32, 34 hold one block each.
  for (const v of [0, 1, 2, 3]) assert.equal(o.update(v), 0);
  // 1 → bin 31: 1 + ½(1 + 1) = 2 nearby of 4 → rarity −log10(3/4) = 0.125 < 0.3 needed.
  assert.equal(o.update(1), 0);
  // 10 → bin 43, empty, 5 blocks so far → rarity −log10(1/5) = 0.69897; needed min(0.3, log10 2.5) = 0.3.
  close(o.update(10), 0.39897000433601875, 1e-12);
});

test('level occupancy: with a short history only never-visited levels count as rare', () => {
  const o = new LevelOccupancy({ blockSize: 1, warmupBlocks: 4, binsPerWarmupRange: 4, bins: 64, minRarity: 0.5, sustainBlocks: 1 });
  for (const v of [0, 1, 2, 3, 1]) o.update(v);
  // Needed rarity is min(0.5, log10(5/2)) = 0.39794: the empty bin beats it by exactly log10 2.
  close(o.update(10), 0.3010299956639812, 1e-12);
  // 10.8 → bin 44, next to the block just seen: near = ½ → −log10(1.5/6) = 0.60206 − log10 3 = 0.12494.
  close(o.update(10.8), 0.12493873660829996, 1e-12);
  // 10 again → bin 43: near = 1 + ½ = 1.5 of 7 → 0.44716, below min(0.5, log10 3.5) = 0.5: not rare.
  assert.equal(o.update(10), 0);
});

test('level occupancy: a single rare block is not enough when dwelling is required', () => {
  const o = new LevelOccupancy({ blockSize: 1, warmupBlocks: 4, binsPerWarmupRange: 4, bins: 64, minRarity: 0.5, sustainBlocks: 2 });
  for (const v of [0, 1, 2, 3, 1]) o.update(v);
  assert.equal(o.update(10), 0); // rare (0.69897 > 0.39794) but alone
  // 20 → bin 56, empty, 6 blocks → 0.77815 > min(0.5, log10 3); both rare → min(0.69897, 0.77815) − log10 3.
  close(o.update(20), 0.22184874961635637, 1e-12);
});

test('refractory: maximum over exactly the previous span points', () => {
  const r = new RefractoryMax(3);
  const seen = [1, 5, 2, 3, 0, 0, 0, 0].map((v) => r.push(v));
  assert.deepEqual(seen, [0, 1, 5, 5, 5, 3, 3, 0]);
});

test('seasonal residual: per-bucket baseline, smoothed residual over its usual size, record ratio', () => {
  const s = new SeasonalResidual({ bucketsPerDay: 2, baselineRate: 0.5, smoothing: 1, recordDecay: 1, minStrength: -Infinity, spreadHorizon: 1000, reportAfterPoints: 0 });
  const at = (day: number, hour: number) => Date.UTC(2024, 0, 1 + day, hour);
  assert.equal(s.update(at(0, 0), 0), 0); // bucket 0 first seen: baseline 0
  assert.equal(s.update(at(0, 12), 10), 0); // bucket 1 first seen: baseline 10
  assert.equal(s.update(at(1, 0), 2), 0); // residual 2; no usual size yet. Mean |r| = 2, baseline 0 → 1
  assert.equal(s.update(at(1, 12), 10), 0); // residual 0 → z 0; mean |r| = (2 + 0)/2 = 1
  assert.equal(s.update(at(2, 0), 3), 0); // residual 3 − 1 = 2 → z = 2/1 sets the record; mean |r| = 4/3
  // Residual 16 − 10 = 6 → z = 6/(4/3) = 4.5 → ratio 4.5/2 = 2.25 → reports 1.25.
  close(s.update(at(2, 12), 16), 1.25, 1e-12);
});

test('seasonal residual stays silent on a signal without a daily rhythm', () => {
  const s = new SeasonalResidual({ bucketsPerDay: 96, baselineRate: 0.3, smoothing: 3, recordDecay: 0.999, minStrength: 0.6, spreadHorizon: 2000, reportAfterPoints: 150 });
  let x = 1;
  for (let i = 0; i < 288 * 7; i++) {
    x = (x * 16807) % 2147483647; // Park–Miller: white noise, no rhythm
    const value = (x / 2147483647) * 10 + (i === 288 * 6 ? 100 : 0);
    assert.equal(s.update(Date.UTC(2024, 0, 1) + i * 300_000, value), 0);
  }
});
