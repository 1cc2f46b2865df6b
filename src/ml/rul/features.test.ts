import { test } from 'node:test';
import assert from 'node:assert/strict';
import { featureCount, featureNames, historyFeatures, type FeatureSpec } from './features.js';

test('window features of the series 1, 2, 3, 4 match hand computation', () => {
  const spec: FeatureSpec = { ewmSpans: [3], meanWindows: [2], slopeWindows: [3], baselineCycles: 2, driftSpan: 3 };
  const F = featureCount(spec, 1);
  assert.equal(F, 6);
  assert.deepEqual(featureNames(spec, ['s']), ['cycle', 's_last', 's_ewm3', 's_mean2', 's_slope3', 's_drift']);
  const out = new Float64Array(4 * F);
  historyFeatures(Float64Array.of(1, 2, 3, 4), 4, 1, spec, out, 0);
  const row = (t: number) => Array.from(out.subarray(t * F, t * F + 6));
  // Span 3 → α = 0.5. Adjusted EWMA: 1; (2 + 0.5·1)/1.5 = 5/3; (3 + 0.5·2.5)/1.75 = 17/7; (4 + 0.5·4.25)/1.875 = 49/15.
  const ewm = [1, 5 / 3, 17 / 7, 49 / 15];
  // Drift = EWMA − mean of the first min(t, 2) values (1, then 1.5).
  const expected = [
    [1, 1, ewm[0]!, 1, 0, ewm[0]! - 1],
    [2, 2, ewm[1]!, 1.5, 0, ewm[1]! - 1.5],
    [3, 3, ewm[2]!, 2.5, 1, ewm[2]! - 1.5],
    [4, 4, ewm[3]!, 3.5, 1, ewm[3]! - 1.5],
  ];
  for (let t = 0; t < 4; t++) {
    row(t).forEach((v, j) => assert.ok(Math.abs(v - expected[t]![j]!) < 1e-12, `cycle ${t + 1} feature ${j}: ${v} vs ${expected[t]![j]}`));
  }
});

test('slope over a trailing window follows a change of trend', () => {
  const spec: FeatureSpec = { ewmSpans: [], meanWindows: [], slopeWindows: [4], baselineCycles: 0, driftSpan: 1 };
  const F = featureCount(spec, 1);
  // Flat at 0 for 6 cycles, then rising by 2 per cycle: slope over the last 4 cycles at the end is 2.
  const z = Float64Array.of(0, 0, 0, 0, 0, 0, 2, 4, 6, 8);
  const out = new Float64Array(10 * F);
  historyFeatures(z, 10, 1, spec, out, 0);
  assert.equal(out[5 * F + 2], 0);
  assert.ok(Math.abs(out[9 * F + 2]! - 2) < 1e-12);
  // Window 6..9 (values 0, 2, 4, 6 at x = 5..8): slope 2 as well; window 5..8 = 0,0,2,4: slope 1.4.
  assert.ok(Math.abs(out[8 * F + 2]! - 2) < 1e-12);
  assert.ok(Math.abs(out[7 * F + 2]! - 1.4) < 1e-12);
});
