import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Adam } from '../adam.js';
import { zeros } from '../matrix.js';
import { rmse } from '../metrics.js';
import { Rng } from '../rng.js';
import { initParams, layout, lossAndGrad } from './mlp.js';
import { predictMlp, trainMlp } from './regressor.js';

test('backpropagation matches central finite differences on every parameter', () => {
  const rng = new Rng(11);
  const lay = layout([4, 5, 3, 1]);
  const params = initParams(lay, rng);
  for (let k = 0; k < params.length; k++) params[k]! += 0.1 * rng.normal(); // non-zero biases too
  const batch = 6;
  const x = Float64Array.from({ length: batch * 4 }, () => rng.normal());
  const y = Float64Array.from({ length: batch }, () => rng.normal());
  const grad = new Float64Array(lay.total);
  lossAndGrad(lay, params, x, y, batch, grad);
  const scratch = new Float64Array(lay.total);
  const h = 1e-6;
  let worst = 0;
  for (let k = 0; k < params.length; k++) {
    const keep = params[k]!;
    params[k] = keep + h;
    const up = lossAndGrad(lay, params, x, y, batch, scratch);
    params[k] = keep - h;
    const down = lossAndGrad(lay, params, x, y, batch, scratch);
    params[k] = keep;
    const numeric = (up - down) / (2 * h);
    worst = Math.max(worst, Math.abs(numeric - grad[k]!) / Math.max(1e-6, Math.abs(numeric) + Math.abs(grad[k]!)));
  }
  assert.ok(worst < 1e-5, `worst relative gradient error ${worst}`);
});

test('Adam minimises (θ − 3)² to θ ≈ 3', () => {
  const theta = Float64Array.of(0);
  const adam = new Adam(1, { learningRate: 0.1 });
  for (let i = 0; i < 500; i++) adam.step(theta, Float64Array.of(2 * (theta[0]! - 3)));
  assert.ok(Math.abs(theta[0]! - 3) < 1e-3, `θ = ${theta[0]}`);
});

test('the MLP regressor learns y = 2a − b + 0.5 + |a| to small error and survives a JSON round trip', () => {
  const rng = new Rng(4);
  const make = (n: number) => {
    const x = zeros(n, 2);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const a = rng.normal(), b = rng.normal();
      x.data[2 * i] = a;
      x.data[2 * i + 1] = b;
      y[i] = 2 * a - b + 0.5 + Math.abs(a);
    }
    return { x, y };
  };
  const tr = make(2000), va = make(500);
  const { model } = trainMlp(tr.x, tr.y, { params: { hidden: [16, 8], epochs: 40, batchSize: 64, learningRate: 5e-3, seed: 2 }, valid: va });
  const err = rmse(predictMlp(model, va.x), va.y);
  // The target's standard deviation is about 2.6; a good fit is far below it.
  assert.ok(err < 0.15, `validation RMSE ${err}`);
  assert.deepEqual(predictMlp(JSON.parse(JSON.stringify(model)), va.x), predictMlp(model, va.x));
});
