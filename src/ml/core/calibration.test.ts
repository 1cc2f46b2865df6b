import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyCalibrator, fitIsotonic, fitPlatt } from './calibration.js';
import { Rng } from './rng.js';

const close = (a: number, b: number, tol: number) => assert.ok(Math.abs(a - b) <= tol, `${a} ≉ ${b} (±${tol})`);

test('isotonic: PAV pools the violating pair (0.5 over scores 2–3) and interpolates between blocks', () => {
  const c = fitIsotonic([1, 2, 3, 4], [0, 1, 0, 1]);
  close(applyCalibrator(c, 1), 0, 1e-12);
  close(applyCalibrator(c, 2), 0.5, 1e-12);
  close(applyCalibrator(c, 2.7), 0.5, 1e-12);
  close(applyCalibrator(c, 1.5), 0.25, 1e-12);
  close(applyCalibrator(c, 4), 1, 1e-12);
  close(applyCalibrator(c, 99), 1, 1e-12);
  close(applyCalibrator(c, -5), 0, 1e-12);
});

test('isotonic: monotone and matches observed frequencies when the true probability is s²', () => {
  const rng = new Rng(7);
  const draw = (n: number) => {
    const s: number[] = [], y: number[] = [];
    for (let i = 0; i < n; i++) {
      const v = rng.next();
      s.push(v);
      y.push(rng.next() < v * v ? 1 : 0);
    }
    return { s, y };
  };
  const fit = draw(20000);
  const c = fitIsotonic(fit.s, fit.y);
  let prev = -Infinity;
  for (let k = 0; k <= 1000; k++) {
    const p = applyCalibrator(c, k / 1000);
    assert.ok(p >= prev - 1e-15, 'non-decreasing');
    prev = p;
  }
  close(applyCalibrator(c, 0.5), 0.25, 0.05);
  close(applyCalibrator(c, 0.9), 0.81, 0.05);
  // Fresh data: within each calibrated-probability decile, the mean prediction is close to the true
  // mean probability (mean s²) and to the observed positive rate (allowing 3 binomial standard errors).
  const test = draw(20000);
  const bins = Array.from({ length: 10 }, () => ({ p: 0, y: 0, truth: 0, n: 0 }));
  test.s.forEach((s, i) => {
    const p = applyCalibrator(c, s);
    const b = bins[Math.min(9, Math.floor(p * 10))]!;
    b.p += p;
    b.y += test.y[i]!;
    b.truth += s * s;
    b.n++;
  });
  for (const b of bins) {
    if (b.n < 200) continue;
    const mean = b.p / b.n;
    close(mean, b.truth / b.n, 0.03);
    close(mean, b.y / b.n, 0.02 + 3 * Math.sqrt((mean * (1 - mean)) / b.n));
  }
});

test('Platt scaling recovers a = 2, b = −1 when labels follow σ(2s − 1)', () => {
  const rng = new Rng(3);
  const s: number[] = [], y: number[] = [];
  for (let i = 0; i < 40000; i++) {
    const v = rng.normal() * 2;
    s.push(v);
    y.push(rng.next() < 1 / (1 + Math.exp(-(2 * v - 1))) ? 1 : 0);
  }
  const c = fitPlatt(s, y);
  assert.equal(c.method, 'platt');
  if (c.method !== 'platt') return;
  close(c.a, 2, 0.1);
  close(c.b, -1, 0.1);
});
