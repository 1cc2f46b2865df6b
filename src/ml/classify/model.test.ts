import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyCalibrator, binaryReport, confusion, predictGbdtRaw, Rng } from '../core/index.js';
import { encode } from './encoder.js';
import { crossValidate } from './cv.js';
import { assertClassifierModel } from './document.js';
import { predictClassifier, trainClassifier, type ClassifierOptions } from './model.js';
import type { Table } from './table.js';

/**
 * Machine-like records: failure when power = torque·speed exceeds a limit (a sharp product
 * boundary, ~6 % positive), plus 1 % label noise; a categorical and an id column ride along.
 */
function records(n: number, seed: number): { table: Table; labels: Uint8Array } {
  const rng = new Rng(seed);
  const rows: string[][] = [];
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const torque = 40 + rng.normal() * 10, speed = 1500 + rng.normal() * 150;
    let y = torque * speed > 85_000 ? 1 : 0;
    if (rng.next() < 0.01) y = 1 - y;
    labels[i] = y;
    rows.push([String(i + 1), ['L', 'M', 'H'][rng.int(3)]!, torque.toFixed(2), speed.toFixed(0), (rng.next() * 200).toFixed(0)]);
  }
  return { table: { columns: ['id', 'type', 'torque', 'speed', 'wear'], rows }, labels };
}

const FAST: ClassifierOptions = { gbdt: { rounds: 300, learningRate: 0.1, maxBins: 512, earlyStoppingRounds: 30 }, innerFolds: 3 };

test('the classifier finds a product boundary and its calibrated probabilities match frequencies', () => {
  const train = records(3000, 1), held = records(3000, 2);
  const model = trainClassifier(train.table, train.labels, FAST);
  assert.equal(model.encoder.columns.find((c) => c.name === 'id')?.kind, 'dropped');
  const pred = predictClassifier(model, held.table);
  const rep = binaryReport(confusion(pred.label, held.labels));
  // 1 % of labels are flipped at random: about 30 of ~200 positives-or-errors are unlearnable.
  assert.ok(rep.f1 > 0.8, `held-out F1 ${rep.f1.toFixed(3)}`);
  // Calibration: mean probability ≈ observed positive rate overall and among confident predictions.
  const rate = held.labels.reduce((a, b) => a + b, 0) / held.labels.length;
  const meanP = pred.probability.reduce((a, b) => a + b, 0) / pred.probability.length;
  assert.ok(Math.abs(meanP - rate) < 0.015, `mean probability ${meanP.toFixed(4)} vs rate ${rate.toFixed(4)}`);
  let hiP = 0, hiY = 0, hiN = 0;
  pred.probability.forEach((p, i) => {
    if (p > 0.5) {
      hiP += p;
      hiY += held.labels[i]!;
      hiN++;
    }
  });
  assert.ok(hiN > 50 && Math.abs(hiP / hiN - hiY / hiN) < 0.1, `confident: predicted ${(hiP / hiN).toFixed(3)} observed ${(hiY / hiN).toFixed(3)}`);
  // JSON round trip → identical predictions.
  const copy = assertClassifierModel(JSON.parse(JSON.stringify(model)));
  assert.deepEqual(predictClassifier(copy, held.table), pred);
});

test('cross-validation scores each row once, in stratified folds', () => {
  const data = records(1500, 3);
  const res = crossValidate(data.table, data.labels, { ...FAST, folds: 3 });
  assert.equal(res.folds.length, 3);
  assert.equal(res.folds.reduce((a, f) => a + f.rows, 0), 1500);
  const pos = data.labels.reduce((a, b) => a + b, 0);
  for (const f of res.folds) assert.ok(Math.abs(f.positives - pos / 3) <= 1, 'stratified');
  assert.ok(res.summary.f1.mean > 0.7, `mean F1 ${res.summary.f1.mean}`);
  assert.ok(res.summary.prAuc.mean > res.summary.f1.mean - 0.2 && res.summary.prAuc.mean <= 1);
});

test('too few positives for the inner folds is a clear error', () => {
  const t: Table = { columns: ['a'], rows: Array.from({ length: 20 }, (_, i) => [String(i % 4)]) };
  const y = new Uint8Array(20);
  y[0] = 1;
  assert.throws(() => trainClassifier(t, y), (e: unknown) => (e as { code?: string }).code === 'ml.too_few_samples');
});

test("final 'inner': the k inner models predict, and the probability is the mean of each one's calibrated probability", () => {
  const train = records(1500, 4), held = records(400, 5);
  const model = trainClassifier(train.table, train.labels, { ...FAST, final: 'inner' });
  assert.equal(model.gbdt.length, 3, 'one model per inner fold');
  assert.equal(model.combine, 'probability');
  const pred = predictClassifier(model, held.table);
  // Independent recomputation: calibrate each model's raw score, then average.
  const x = encode(model.encoder, held.table);
  const raws = model.gbdt.map((m) => predictGbdtRaw(m, x));
  for (let i = 0; i < held.labels.length; i++) {
    const expected = raws.reduce((a, r) => a + applyCalibrator(model.calibrator, r[i]!), 0) / 3;
    assert.ok(Math.abs(pred.probability[i]! - expected) < 1e-12, `row ${i}`);
    assert.equal(pred.label[i], expected >= model.threshold ? 1 : 0);
  }
  assert.ok(binaryReport(confusion(pred.label, held.labels)).f1 > 0.75);
  const refit = trainClassifier(train.table, train.labels, { ...FAST, final: 'refit' });
  assert.equal(refit.gbdt.length, 1, 'one refit model');
  assert.equal(refit.combine, 'raw');
  // The combine rule survives JSON; an unknown one is rejected.
  assert.deepEqual(predictClassifier(assertClassifierModel(JSON.parse(JSON.stringify(model))), held.table), pred);
  assert.throws(() => assertClassifierModel({ ...model, combine: 'median' }), (e: unknown) => (e as { code?: string }).code === 'ml.bad_model');
});

test('repeated inner CV: repetition 1 is the unrepeated procedure; r repetitions give r·k inner models and pooled out-of-fold figures', () => {
  const train = records(1200, 6);
  const once = trainClassifier(train.table, train.labels, { ...FAST, final: 'inner' });
  const one = trainClassifier(train.table, train.labels, { ...FAST, final: 'inner', innerRepeats: 1 });
  assert.deepEqual(one, once, 'innerRepeats 1 changes nothing');
  const twice = trainClassifier(train.table, train.labels, { ...FAST, final: 'inner', innerRepeats: 2 });
  assert.equal(twice.gbdt.length, 6, '2 repetitions × 3 inner folds');
  // The first repetition's models are the unrepeated ones (same folds, same seeds).
  assert.deepEqual(twice.gbdt.slice(0, 3), once.gbdt);
  assert.notDeepEqual(twice.gbdt[3], once.gbdt[0], 'the second repetition uses other folds');
  assert.ok(twice.threshold > 0 && twice.threshold < 1);
  assert.throws(() => trainClassifier(train.table, train.labels, { ...FAST, innerRepeats: 0 }), (e: unknown) => (e as { code?: string }).code === 'ml.bad_params');
});

test('inner folds default to 10 when both classes have 10 rows or more, else 5', () => {
  const train = records(1500, 7);
  const fastDefaultFolds: ClassifierOptions = { gbdt: FAST.gbdt };
  assert.equal(trainClassifier(train.table, train.labels, { ...fastDefaultFolds, final: 'inner' }).gbdt.length, 10);
  // 9 positives: fewer than 10, so 5 inner folds (the earlier default).
  const few = new Uint8Array(200);
  for (let i = 0; i < 9; i++) few[i * 20] = 1;
  const t: Table = { columns: ['a'], rows: Array.from({ length: 200 }, (_, i) => [String(i % 20 === 0 && i < 180 ? 5 + (i % 3) : i % 4)]) };
  assert.equal(trainClassifier(t, few, { ...fastDefaultFolds, final: 'inner' }).gbdt.length, 5);
});
