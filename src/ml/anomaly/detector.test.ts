/** Behaviour of the live detector on synthetic signals with known anomalies, and causality. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NoveltyDetector, noveltyDetectorFactory } from './detector.js';
import { DEFAULT_CONFIG, resolveConfig } from './config.js';
import { AnomalyErrors } from './errors.js';

const T0 = Date.UTC(2024, 0, 1);
const STEP = 300_000; // 5 minutes, as most NAB series
const DAY = 288;

/** Deterministic standard normal noise (LCG + Box–Muller) so tests never flake. */
function noise(seed: number, n: number): number[] {
  let s = seed >>> 0;
  const u = () => ((s = (s * 1664525 + 1013904223) >>> 0) + 1) / 2 ** 32;
  return Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}

function run(values: readonly number[]): number[] {
  const d = noveltyDetectorFactory().create();
  return values.map((v, i) => d.update(T0 + i * STEP, v));
}

const maxOf = (a: readonly number[]) => a.reduce((m, v) => Math.max(m, v), 0);

test('strictly causal: scores up to t do not depend on later points', () => {
  const base = noise(7, 2000).map((v) => 50 + 3 * v);
  const altered = base.map((v, i) => (i >= 1200 ? v * 5 - 40 : v));
  const a = run(base);
  const b = run(altered);
  assert.deepEqual(b.slice(0, 1200), a.slice(0, 1200));
  assert.notDeepEqual(b.slice(1200), a.slice(1200)); // the change itself is seen
});

test('scores do not depend on the unit or offset of the signal', () => {
  // Every expert works in units of the signal's own range or spread, so °C vs mK, or a counter near
  // 1e9, must give the same scores (up to rounding).
  const base = noise(11, 3000).map((v, i) => 20 + v + 4 * Math.sin(i / 40) + (i === 2500 ? 9 : 0));
  const a = run(base);
  for (const [scale, offset] of [[1000, 0], [1, 1e9], [0.001, -5]] as const) {
    const b = run(base.map((v) => v * scale + offset));
    const worst = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
    assert.ok(worst < 1e-6, `scale ${scale}, offset ${offset}: max difference ${worst}`);
  }
});

test('silent during warm-up, scores always within [0, 1]', () => {
  const s = run(noise(3, 3000).map((v) => v * 1e6));
  assert.ok(s.slice(0, DEFAULT_CONFIG.warmupPoints - 1).every((v) => v === 0));
  assert.ok(s.every((v) => v >= 0 && v <= 1));
});

test('a 10-sigma spike in steady noise is the clear maximum', () => {
  for (const seed of [1, 2, 3]) {
    const values = noise(seed, 4000).map((v) => 10 + v);
    values[3000] = 20;
    const s = run(values);
    assert.ok(s[3000]! > 0.9, `seed ${seed}: spike scored ${s[3000]}`);
    assert.equal(s.indexOf(maxOf(s.slice(DEFAULT_CONFIG.warmupPoints))), 3000);
  }
});

test('a level shift of 5 sigma is flagged at its onset', () => {
  for (const seed of [1, 2, 3]) {
    const s = run(noise(seed, 4000).map((v, i) => 10 + v + (i >= 3000 ? 5 : 0)));
    assert.ok(maxOf(s.slice(3000, 3010)) > 0.7, `seed ${seed}`);
  }
});

test('steady noise stays low after warm-up', () => {
  for (const seed of [1, 2, 3]) {
    const s = run(noise(seed, 4000).map((v) => 10 + v)).slice(1000);
    const loud = s.filter((v) => v > 0.1).length;
    // New extremes of Gaussian noise do happen (a record every so often); they stay rare and below spikes.
    assert.ok(loud <= 0.005 * s.length, `seed ${seed}: ${loud} points above 0.1`);
    assert.ok(maxOf(s) < 0.75, `seed ${seed}: max ${maxOf(s)}`);
  }
});

test('a daily rhythm is learnt: after three days it is not flagged', () => {
  for (const seed of [1, 2]) {
    const n = noise(seed, DAY * 14);
    const values = n.map((v, i) => 10 + 5 * Math.sin((2 * Math.PI * i) / DAY) + 0.3 * v);
    const s = run(values).slice(DAY * 3);
    assert.ok(s.filter((v) => v > 0.1).length <= 0.005 * s.length, `seed ${seed}`);
    assert.ok(maxOf(s) < 0.5, `seed ${seed}: max ${maxOf(s)}`);
  }
});

test('a jump outside the learnt daily pattern is flagged', () => {
  const n = noise(5, DAY * 14);
  const values = n.map((v, i) => 10 + 5 * Math.sin((2 * Math.PI * i) / DAY) + 0.3 * v + (i >= DAY * 10 && i < DAY * 10 + 24 ? 20 : 0));
  const s = run(values);
  assert.ok(maxOf(s.slice(DAY * 10, DAY * 10 + 24)) > 0.9);
});

test('non-finite readings are skipped without touching the state', () => {
  const values = noise(9, 1500).map((v) => 10 + v);
  const clean = run(values);
  const d = new NoveltyDetector(resolveConfig());
  const withGaps: number[] = [];
  values.forEach((v, i) => {
    if (i === 700) assert.equal(d.update(T0 + i * STEP - 1, Number.NaN), 0);
    withGaps.push(d.update(T0 + i * STEP, v));
  });
  assert.deepEqual(withGaps, clean);
});

test('configuration: nested overrides and range checks', () => {
  const cfg = resolveConfig({ refractoryPoints: 10, pattern: { prototypes: 64 } });
  assert.equal(cfg.refractoryPoints, 10);
  assert.equal(cfg.pattern.prototypes, 64);
  assert.equal(cfg.pattern.blockSize, DEFAULT_CONFIG.pattern.blockSize);
  assert.throws(() => resolveConfig({ pattern: { windowBlocks: 0 } }), (e) => AnomalyErrors.is(e, 'bad_config') && e.details.path === 'pattern.windowBlocks');
  assert.throws(() => resolveConfig({ suppressedFactor: 2 }), (e) => AnomalyErrors.is(e, 'bad_config'));
  assert.throws(() => resolveConfig({ levelUnit: 0 }), (e) => AnomalyErrors.is(e, 'bad_config'));
});
