import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromRows, zeros } from '../matrix.js';
import { logLoss } from '../metrics.js';
import { Rng } from '../rng.js';
import { binMatrix, featureEdges } from './binning.js';
import { predictGbdt, trainGbdt } from './boost.js';
import { findBestSplit, growTree, buildHistogram, predictTree, predictTreeBinned } from './tree.js';

const params = { maxLeaves: 2, maxDepth: 4, minSamplesLeaf: 1, minHessianLeaf: 0, lambda: 1, minGain: 0 };

test('bin edges are midpoints between distinct values, the last is +∞', () => {
  assert.deepEqual(Array.from(featureEdges(Float64Array.of(3, 1, 2, 2, 4), 255)), [1.5, 2.5, 3.5, Infinity]);
});

test('split finding on a hand-computed example', () => {
  // Feature 0 = 1,2,3,4; feature 1 = 1,2,1,2. Gradients −2,−1,1,2, hessians 1, λ = 1, parent score 0.
  // Feature 0 cuts: after x=1: 4/2+4/4 = 3; after x=2: 9/3+9/3 = 6; after x=3: 4/4+4/2 = 3.
  // Feature 1: left {−2, 1} G=−1 H=2, right {−1, 2} G=1 H=2: 1/3 + 1/3 = 2/3. Best: feature 0 at 2.5, gain 6.
  const x = fromRows([[1, 1], [2, 2], [3, 1], [4, 2]]);
  const data = binMatrix(x, 255);
  const grad = Float64Array.of(-2, -1, 1, 2);
  const hess = Float64Array.of(1, 1, 1, 1);
  const features = Int32Array.of(0, 1);
  const rows = Uint32Array.of(0, 1, 2, 3);
  const hist = new Float64Array(data.offsets[2]! * 3);
  buildHistogram(data, features, rows, 0, 4, grad, hess, hist);
  const best = findBestSplit(data, features, hist, 0, 4, 4, params);
  assert.equal(best.feature, 0);
  assert.equal(best.bin, 1);
  assert.ok(Math.abs(best.gain - 6) < 1e-12);
  const only1 = findBestSplit(data, Int32Array.of(1), hist, 0, 4, 4, params);
  assert.ok(Math.abs(only1.gain - 2 / 3) < 1e-12);

  // Leaf values −G/(H+λ): left −(−3)/3 = 1, right −3/3 = −1.
  const grown = growTree(data, features, rows, grad, hess, params, 1);
  assert.equal(grown.tree.feature[0], 0);
  assert.equal(grown.tree.threshold[0], 2.5);
  assert.equal(grown.tree.value[grown.tree.left[0]!], 1);
  assert.equal(grown.tree.value[grown.tree.right[0]!], -1);
});

test('min samples per leaf forbids cuts that leave too few rows', () => {
  const x = fromRows([[1], [2], [3], [4]]);
  const data = binMatrix(x, 255);
  const grad = Float64Array.of(-5, 1, 1, 1);
  const hess = Float64Array.of(1, 1, 1, 1);
  const hist = new Float64Array(data.offsets[1]! * 3);
  buildHistogram(data, Int32Array.of(0), Uint32Array.of(0, 1, 2, 3), 0, 4, grad, hess, hist);
  // With min 1 the best cut isolates row 0 (bin 0); with min 2 only the middle cut (bin 1) is allowed.
  assert.equal(findBestSplit(data, Int32Array.of(0), hist, -2, 4, 4, params).bin, 0);
  assert.equal(findBestSplit(data, Int32Array.of(0), hist, -2, 4, 4, { ...params, minSamplesLeaf: 2 }).bin, 1);
});

test('one squared-error round with λ = 0 and rate 1 reproduces a step function exactly', () => {
  const rows: number[][] = [], y: number[] = [];
  for (let i = 0; i < 40; i++) {
    rows.push([i / 40]);
    y.push(i / 40 > 0.5 ? 3 : -1);
  }
  const { model } = trainGbdt(fromRows(rows), y, { params: { rounds: 1, learningRate: 1, lambda: 0, maxLeaves: 2, minSamplesLeaf: 1 } });
  const pred = predictGbdt(model, fromRows([[0.1], [0.9]]));
  assert.ok(Math.abs(pred[0]! + 1) < 1e-12 && Math.abs(pred[1]! - 3) < 1e-12, `got ${pred[0]}, ${pred[1]}`);
});

function separable(n: number, seed: number) {
  const rng = new Rng(seed);
  const x = zeros(n, 2);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.normal(), b = rng.normal();
    x.data[2 * i] = a;
    x.data[2 * i + 1] = b;
    y[i] = a + b > 0 ? 1 : 0;
  }
  return { x, y };
}

test('boosting drives log loss down on a linearly separable set and generalises', () => {
  const train = separable(2000, 1);
  const held = separable(1000, 2);
  const res = trainGbdt(train.x, train.y, { params: { objective: 'logistic', rounds: 200, learningRate: 0.2, minSamplesLeaf: 5 } });
  const start = logLoss(new Float64Array(2000).fill(0.5), train.y);
  assert.ok(res.trainLoss[0]! < start, 'first tree already lowers the loss from ln 2');
  assert.ok(res.trainLoss[199]! < res.trainLoss[9]!, 'keeps decreasing');
  assert.ok(res.trainLoss[199]! < 0.05, `final train log loss ${res.trainLoss[199]}`);
  const p = predictGbdt(res.model, held.x);
  let correct = 0;
  for (let i = 0; i < 1000; i++) if ((p[i]! >= 0.5 ? 1 : 0) === held.y[i]) correct++;
  assert.ok(correct >= 950, `held-out accuracy ${correct / 1000}`);
});

test('early stopping keeps the best validation round, and JSON round trip predicts identically', () => {
  const rng = new Rng(5);
  const make = (n: number) => {
    const x = zeros(n, 3);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < 3; j++) x.data[i * 3 + j] = rng.normal();
      y[i] = Math.sin(x.data[i * 3]!) + 0.5 * x.data[i * 3 + 1]! + rng.normal() * 0.8;
    }
    return { x, y };
  };
  const tr = make(300), va = make(300);
  const res = trainGbdt(tr.x, tr.y, { params: { rounds: 400, learningRate: 0.3, subsample: 0.8, colsample: 0.67, earlyStoppingRounds: 20, minSamplesLeaf: 2 }, valid: va });
  assert.equal(res.model.trees.length, res.bestRounds);
  assert.ok(res.bestRounds < 400, 'noise makes validation loss turn up before 400 rounds');
  const minValid = Math.min(...res.validLoss);
  assert.equal(res.validLoss[res.bestRounds - 1], minValid);
  const copy = JSON.parse(JSON.stringify(res.model));
  assert.deepEqual(predictGbdt(copy, va.x), predictGbdt(res.model, va.x));
});

test('missing values share the lowest bin and go left at prediction, consistently', () => {
  const x = fromRows([[Number.NaN], [1], [2], [10], [11], [12]]);
  const y = [0, 0, 0, 5, 5, 5];
  const { model } = trainGbdt(x, y, { params: { rounds: 1, learningRate: 1, lambda: 0, maxLeaves: 2, minSamplesLeaf: 1 } });
  assert.deepEqual(Array.from(predictGbdt(model, fromRows([[Number.NaN], [11]]))), [0, 5]);
});

test("splitAt 'middle' cuts in the middle of the node's gap; 'edge' right above the largest left value", () => {
  // Values 0..11 exist in the data (12 bins, edges 0.5, 1.5, …, 10.5), but the tree sees only rows
  // with 1, 2, 3 (gradient −1) and 10, 11 (gradient +1). The gap runs from 3 to 10: edge cut 3.5,
  // middle of the gap between the edges 3.5 and 9.5 is 6.5, itself a bin edge.
  const x = fromRows(Array.from({ length: 12 }, (_, v) => [v]));
  const data = binMatrix(x, 255);
  const grad = new Float64Array(12), hess = new Float64Array(12).fill(1);
  for (const v of [1, 2, 3]) grad[v] = -1;
  for (const v of [10, 11]) grad[v] = 1;
  const node = () => Uint32Array.of(1, 2, 3, 10, 11);
  const edge = growTree(data, Int32Array.of(0), node(), grad, hess, params, 1);
  const middle = growTree(data, Int32Array.of(0), node(), grad, hess, { ...params, splitAt: 'middle' }, 1);
  assert.equal(edge.tree.threshold[0], 3.5);
  assert.equal(middle.tree.threshold[0], 6.5);
  // Same partition of the node's rows, so the same leaf values.
  assert.deepEqual(middle.tree.value, edge.tree.value);
  // Every row of the data, in the node or not, is routed alike by raw value and by bin code.
  for (let i = 0; i < 12; i++) assert.equal(predictTreeBinned(middle.tree, middle.splitBin, data, i), predictTree(middle.tree, [i]), `row ${i}`);
  assert.equal(predictTree(middle.tree, [6]), predictTree(middle.tree, [1]), '6 is nearer the left rows');
  assert.equal(predictTree(middle.tree, [7]), predictTree(middle.tree, [10]), '7 is nearer the right rows');
});
