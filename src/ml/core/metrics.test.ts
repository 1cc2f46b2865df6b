import { test } from 'node:test';
import assert from 'node:assert/strict';
import { averagePrecision, bestF1Threshold, binaryReport, confusion, logLoss, meanStd, phm08Score, rmse, rocAuc } from './metrics.js';

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} ≉ ${b}`);

test('rmse of errors (−1, 0, −2) is √(5/3)', () => {
  close(rmse([1, 2, 3], [2, 2, 5]), Math.sqrt(5 / 3));
});

test('PHM08 score: 10 cycles early costs e^(10/13)−1, 10 late costs e−1, exact costs 0', () => {
  close(phm08Score([10], [20]), Math.exp(10 / 13) - 1);
  close(phm08Score([20], [10]), Math.E - 1);
  close(phm08Score([10, 20, 7], [20, 10, 7]), 2.876387362407491, 1e-12); // hand sum 1.158100 + 1.718282
  assert.ok(phm08Score([30], [20]) > phm08Score([10], [20]), 'late is penalised more than early');
});

test('precision, recall and F1 from a confusion matrix (tp 2, fp 1, fn 1, tn 1)', () => {
  const c = confusion([1, 1, 1, 0, 0], [1, 1, 0, 1, 0]);
  assert.deepEqual(c, { tp: 2, fp: 1, tn: 1, fn: 1 });
  const r = binaryReport(c);
  close(r.precision, 2 / 3);
  close(r.recall, 2 / 3);
  close(r.f1, 2 / 3);
  close(r.accuracy, 3 / 5);
  assert.equal(binaryReport(confusion([0, 0], [1, 0])).f1, 0, 'no positive prediction → F1 0');
});

test('average precision: steps (R 0.5, P 1) and (R 1, P 2/3) give 5/6', () => {
  close(averagePrecision([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0]), 0.5 * 1 + 0.5 * (2 / 3));
});

test('average precision treats tied scores as one threshold', () => {
  // Threshold 0.9: P 1, R 0.5. Threshold 0.5 takes both tied rows at once: P 2/3, R 1.
  close(averagePrecision([0.9, 0.5, 0.5, 0.1], [1, 1, 0, 0]), 0.5 + 0.5 * (2 / 3));
  close(averagePrecision([0.9, 0.5, 0.5, 0.1], [1, 0, 1, 0]), 0.5 + 0.5 * (2 / 3));
});

test('ROC AUC counts correctly ordered positive/negative pairs (3 of 4)', () => {
  close(rocAuc([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0]), 0.75);
  close(rocAuc([0.5, 0.5], [1, 0]), 0.5);
});

test('log loss of p = 0.8 on a positive and 0.2 on a negative is −ln 0.8', () => {
  close(logLoss([0.8, 0.2], [1, 0]), -Math.log(0.8));
});

test('best F1 threshold lies between the last positive and the first negative', () => {
  const r = bestF1Threshold([0.9, 0.8, 0.7, 0.6], [1, 1, 0, 0]);
  close(r.f1, 1);
  close(r.threshold, 0.75);
});

test('mean ± sample standard deviation', () => {
  const r = meanStd([1, 2, 3, 4]);
  close(r.mean, 2.5);
  close(r.std, Math.sqrt(5 / 3));
});
