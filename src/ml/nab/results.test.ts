import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadNabCorpus } from './corpus.js';
import { NabErrors } from './errors.js';
import { parseResultScores, readResults, resultPath, writeResults } from './results.js';
import { writeMiniCorpus } from './testing.js';

test('result files follow NAB layout and round-trip every score exactly', () => {
  const root = writeMiniCorpus([{ relPath: 'realX/a_b.csv', values: [1, 2.5, 3], windows: [[1, 2]] }]);
  try {
    const corpus = loadNabCorpus(root);
    const scores = Float64Array.from([0, 0.1 + 0.2, 1 - 1e-13]);
    writeResults(join(root, 'out'), 'det', corpus.series, [scores]);
    const path = join(root, 'out', 'det', 'realX', 'det_a_b.csv');
    assert.equal(resultPath(join(root, 'out'), 'det', corpus.series[0]!), path);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'timestamp,value,anomaly_score');
    assert.equal(lines[2], '2014-04-01 00:05:00,2.5,0.30000000000000004');
    const back = readResults(join(root, 'out'), 'det', corpus.series);
    assert.deepEqual(Array.from(back[0]!.scores), Array.from(scores));
    assert.deepEqual(back[0]!.windows, [{ start: 1, end: 2 }]);
  } finally {
    rmSync(root, { recursive: true });
  }
});

test('published result files with extra columns are read by column name', () => {
  const text = 'timestamp,value,anomaly_score,raw_score,label\n2014-04-01 00:00:00,5,0.25,0.9,0\n2014-04-01 00:05:00,6,1.0,0.1,1\n';
  assert.deepEqual(Array.from(parseResultScores(text, 'r.csv')), [0.25, 1]);
  assert.throws(() => parseResultScores('timestamp,value\n', 'r.csv'), (e) => NabErrors.is(e, 'bad_data'));
  assert.throws(() => parseResultScores('anomaly_score\nNaN\n', 'r.csv'), (e) => NabErrors.is(e, 'bad_data'));
});

test('a result file with the wrong row count or a missing file is refused', () => {
  const root = writeMiniCorpus([{ relPath: 'realX/a.csv', values: [1, 2, 3], windows: [] }]);
  try {
    const corpus = loadNabCorpus(root);
    assert.throws(() => readResults(join(root, 'out'), 'det', corpus.series), (e) => NabErrors.is(e, 'result_missing'));
    writeResults(join(root, 'out'), 'det', corpus.series, [Float64Array.from([0, 0, 0])]);
    const path = join(root, 'out', 'det', 'realX', 'det_a.csv');
    assert.ok(existsSync(path));
    writeFileSync(path, 'timestamp,value,anomaly_score\n2014-04-01 00:00:00,1,0\n');
    assert.throws(() => readResults(join(root, 'out'), 'det', corpus.series), (e) => NabErrors.is(e, 'bad_data'));
  } finally {
    rmSync(root, { recursive: true });
  }
});
