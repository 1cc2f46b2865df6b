/**
 * Checks against the real corpus; skipped unless TWINWORKS_DATASETS points at ../shared/datasets.
 *
 * The honest test of the scorer: re-run NAB's windowedGaussian baseline (reference-detectors.ts) and
 * compare with NAB's published scores — final_results.json: 39.65 / 20.87 / 47.41, and the raw standard
 * total −24.0131054891 of NAB's results/windowedGaussian/windowedGaussian_standard_scores.csv. NAB's
 * published result files hold scores printed with 12 significant digits (Python 2 `str`), which turns
 * 1 − 1e−13 into 1.0; we round the same way, or the threshold sweep would see values NAB never saw.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadNabCorpus, type NabCorpus } from './corpus.js';
import { scoreAllProfiles } from './scorer.js';
import { runDetector } from './runner.js';
import { windowedGaussianFactory } from './reference-detectors.js';
import { noveltyDetectorFactory } from '../anomaly/index.js';

const root = process.env.TWINWORKS_DATASETS;
const skip = root === undefined ? 'set TWINWORKS_DATASETS to the shared datasets directory to run' : false;
let corpus: NabCorpus | undefined;
const load = (): NabCorpus => (corpus ??= loadNabCorpus(join(root!, 'nab')));

test('the corpus has NAB v1.1 shape: 58 series, 365,558 rows, 116 windows', { skip }, () => {
  const c = load();
  assert.equal(c.series.length, 58);
  assert.equal(c.series.reduce((a, s) => a + s.values.length, 0), 365_558);
  assert.equal(c.series.reduce((a, s) => a + s.windows.length, 0), 116);
});

test('scorer reproduces NAB published windowedGaussian scores', { skip }, () => {
  const run = runDetector(windowedGaussianFactory, load());
  const rounded = run.scored.map((s) => ({ ...s, scores: Float64Array.from(s.scores, (v) => Number(v.toPrecision(12))) }));
  const [std, lowFp, lowFn] = scoreAllProfiles(rounded);
  assert.ok(Math.abs(std!.raw - -24.0131054891) < 1e-3, `raw ${std!.raw}`);
  assert.ok(Math.abs(std!.normalised - 39.65) < 0.01, `standard ${std!.normalised}`);
  assert.ok(Math.abs(lowFp!.normalised - 20.87) < 0.01, `low FP ${lowFp!.normalised}`);
  assert.ok(Math.abs(lowFn!.normalised - 47.41) < 0.01, `low FN ${lowFn!.normalised}`);
  assert.equal(std!.threshold, 1);
});

test('the live detector clears the 70-point target on the standard profile', { skip }, () => {
  const run = runDetector(noveltyDetectorFactory(), load());
  const [std] = scoreAllProfiles(run.scored);
  assert.ok(std!.normalised > 70, `standard ${std!.normalised}`);
});
