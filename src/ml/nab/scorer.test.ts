/**
 * NAB scoring maths on tiny hand-built files. Expected values come from the published formulas
 * (Lavin & Ahmad 2015 §4): σ(x) = 2/(1 + e^{5x}) − 1, TP weight σ(−(end − i + 1)/W)/σ(−1), FP weight
 * σ(|i − prevEnd|/(W − 1))·fpWeight, worked out with a calculator.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  NAB_PROFILES,
  normalise,
  optimiseThreshold,
  probationLength,
  scaledSigmoid,
  scoreFile,
  scoreProfile,
  type ScoredSeries,
} from './scorer.js';

const std = NAB_PROFILES.standard;
const close = (actual: number, expected: number, eps = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= eps, `expected ${expected}, got ${actual}`);

/** A 100-row file (probation 15 rows) with one window on rows 50..59 (width 10). */
function file(detections: number[], scoreOf = 1): ScoredSeries {
  const scores = new Float64Array(100);
  for (const i of detections) scores[i] = scoreOf;
  return { relPath: 'cat/f.csv', scores, windows: [{ start: 50, end: 59 }] };
}

test('scaled sigmoid at the reference positions', () => {
  close(scaledSigmoid(-1), 0.9866142981514305); // 2/(1 + e^-5) − 1
  close(scaledSigmoid(-0.5), 0.8482836399575131); // 2/(1 + e^-2.5) − 1
  close(scaledSigmoid(0), 0);
  close(scaledSigmoid(1), -0.9866142981514305);
  assert.equal(scaledSigmoid(3), -1);
  assert.equal(scaledSigmoid(10), -1);
});

test('probationary period is 15% of the file, at most 750 rows', () => {
  assert.equal(probationLength(100), 15);
  assert.equal(probationLength(1127), 169); // floor(169.05)
  assert.equal(probationLength(4032), 604);
  assert.equal(probationLength(22695), 750);
});

test('a detection at the window start earns the full TP weight', () => {
  close(scoreFile(file([50]), std, 0.5).score, 1.0);
});

test('detections later in the window earn less: middle 0.8598, last row 0.2482', () => {
  // Row 55: position −(59 − 55 + 1)/10 = −0.5 → σ(−0.5)/σ(−1) = 0.84828/0.98661.
  close(scoreFile(file([55]), std, 0.5).score, 0.8597925669097837);
  // Row 59: position −0.1 → σ(−0.1)/σ(−1) = 0.24492/0.98661.
  close(scoreFile(file([59]), std, 0.5).score, 0.24824154977542992);
});

test('only the earliest detection in a window counts', () => {
  const r = scoreFile(file([54, 55, 59]), std, 0.5);
  close(r.score, 0.9174286804284079); // row 54: position −0.6
  assert.equal(r.tp, 3);
  assert.deepEqual(r.firstDetection, [54]);
});

test('a missed window costs fnWeight, twice as much in the low-FN profile', () => {
  close(scoreFile(file([]), std, 0.5).score, -1);
  close(scoreFile(file([]), NAB_PROFILES.reward_low_FN_rate, 0.5).score, -2);
});

test('false positives: full fpWeight before any window, sigmoid-discounted just after one', () => {
  // Row 20 precedes every window: −0.11, plus the missed window −1.
  close(scoreFile(file([20]), std, 0.5).score, -1.11);
  // Row 60 right after the window: position |59 − 60|/(10 − 1) = 0.111 → σ = −0.27085 → × 0.11.
  close(scoreFile(file([50, 60]), std, 0.5).score, 1 - 0.029793183036839352);
  // Row 63: position 0.444 → σ = −0.80445; low-FP profile doubles the weight.
  close(scoreFile(file([50, 63]), NAB_PROFILES.reward_low_FP_rate, 0.5).score, 1 - 0.1769800560656483);
  // Row 95: position 4 ≥ 3 → −1 × 0.11.
  close(scoreFile(file([50, 95]), std, 0.5).score, 1 - 0.11);
});

test('rows in the probationary period are ignored', () => {
  const r = scoreFile(file([3, 10, 50]), std, 0.5);
  close(r.score, 1.0);
  assert.equal(r.fp, 0);
});

test('the threshold sweep picks the best threshold over all files at once', () => {
  // File A: 0.9 at the window start, 0.8 on a far FP. File B (no window): 0.85 on a row.
  const a = file([]);
  (a.scores as Float64Array)[50] = 0.9;
  (a.scores as Float64Array)[95] = 0.8;
  const b: ScoredSeries = { relPath: 'cat/g.csv', scores: new Float64Array(100), windows: [] };
  (b.scores as Float64Array)[40] = 0.85;
  // Totals: 1.1 → −1 (missed); 0.9 → +1; 0.85 → 0.89; 0.8 → 0.78; 0 → every row fires.
  const best = optimiseThreshold([a, b], std);
  assert.equal(best.threshold, 0.9);
  close(best.score, 1.0);
  // With fpWeight 0 every extra detection is free, and ties resolve to the higher threshold.
  const free = optimiseThreshold([a, b], { tpWeight: 1, fpWeight: 0, fnWeight: 1 });
  assert.equal(free.threshold, 0.9);
});

test('rows sharing a score become detections together', () => {
  const a = file([]);
  (a.scores as Float64Array)[50] = 0.7;
  (a.scores as Float64Array)[20] = 0.7; // an FP with the same score cannot be left out
  const best = optimiseThreshold([a], std);
  assert.equal(best.threshold, 0.7);
  close(best.score, 1 - 0.11);
});

test('normalisation puts the null detector at 0 and a perfect detector at 100', () => {
  const perfect = [file([50]), { ...file([]), relPath: 'cat/h.csv', windows: [{ start: 30, end: 39 }] }];
  (perfect[1]!.scores as Float64Array)[30] = 1;
  for (const p of ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'] as const) {
    const r = scoreProfile(perfect, p);
    close(r.normalised, 100);
    close(r.perfectRaw, 2);
    const nul = scoreProfile(perfect.map((s) => ({ ...s, scores: new Float64Array(100).fill(0.5) })), p);
    close(nul.normalised, 0);
  }
  // Low-FN profile: null = −2 per window, so raw 0 with 116 windows is 100·232/348.
  close(normalise(0, -232, 116), 66.66666666666667);
});
