import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadNabCorpus, parseNabTimestamp, parseSeriesCsv, parseWindowsJson, windowsToIndices } from './corpus.js';
import { NabErrors } from './errors.js';
import { writeMiniCorpus } from './testing.js';

test('NAB timestamps are read as UTC, with or without microseconds', () => {
  assert.equal(parseNabTimestamp('2014-04-10 07:15:00'), Date.UTC(2014, 3, 10, 7, 15, 0));
  assert.equal(parseNabTimestamp('2014-04-10 07:15:00.000000'), Date.UTC(2014, 3, 10, 7, 15, 0));
  assert.equal(parseNabTimestamp('2011-07-15 03:15:01'), Date.UTC(2011, 6, 15, 3, 15, 1));
  assert.ok(Number.isNaN(parseNabTimestamp('10/04/2014 07:15')));
});

test('series CSV: CRLF, header order and values kept verbatim', () => {
  const s = parseSeriesCsv('value,timestamp\r\n1.50,2014-04-01 00:00:00\r\n-2e3,2014-04-01 00:05:00\r\n', 'x.csv');
  assert.deepEqual(s.valueText, ['1.50', '-2e3']);
  assert.deepEqual(Array.from(s.values), [1.5, -2000]);
  assert.equal(s.times[1]! - s.times[0]!, 300_000);
});

test('series CSV: a bad row is reported with its line number', () => {
  assert.throws(
    () => parseSeriesCsv('timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00,abc\n', 'x.csv'),
    (err) => NabErrors.is(err, 'bad_data') && (err.details as { line: number }).line === 3,
  );
  assert.throws(() => parseSeriesCsv('time,val\n', 'x.csv'), (err) => NabErrors.is(err, 'bad_data'));
});

test('windows map to the first row at/after the start and the last row at/before the end', () => {
  const times = Float64Array.from([0, 10, 20, 30, 40].map((m) => Date.UTC(2014, 0, 1, 0, m)));
  assert.deepEqual(windowsToIndices(times, [['2014-01-01 00:10:00.000000', '2014-01-01 00:30:00.000000']], 'f'), [{ start: 1, end: 3 }]);
  // Between rows: 00:05 → row 1 (00:10), 00:35 → row 3 (00:30).
  assert.deepEqual(windowsToIndices(times, [['2014-01-01 00:05:00', '2014-01-01 00:35:00']], 'f'), [{ start: 1, end: 3 }]);
  assert.throws(() => windowsToIndices(times, [['2014-01-01 01:00:00', '2014-01-01 02:00:00']], 'f'), (e) => NabErrors.is(e, 'bad_data'));
});

test('windows file must map paths to [start, end] pairs', () => {
  assert.deepEqual(parseWindowsJson('{"a/b.csv": []}', 'w.json'), { 'a/b.csv': [] });
  assert.throws(() => parseWindowsJson('{"a/b.csv": [["x"]]}', 'w.json'), (e) => NabErrors.is(e, 'bad_data'));
  assert.throws(() => parseWindowsJson('[1]', 'w.json'), (e) => NabErrors.is(e, 'bad_data'));
});

test('loadNabCorpus reads every category and attaches windows', () => {
  const root = writeMiniCorpus([
    { relPath: 'catA/one.csv', values: [1, 2, 3, 4, 5, 6], windows: [[2, 3]] },
    { relPath: 'catB/two.csv', values: [7, 8, 9], windows: [] },
  ]);
  try {
    const corpus = loadNabCorpus(root);
    assert.deepEqual(corpus.series.map((s) => s.relPath), ['catA/one.csv', 'catB/two.csv']);
    assert.deepEqual(corpus.series[0]!.windows, [{ start: 2, end: 3 }]);
    assert.equal(corpus.series[1]!.name, 'two');
    assert.equal(corpus.series[1]!.category, 'catB');
  } finally {
    rmSync(root, { recursive: true });
  }
});

test('loadNabCorpus refuses a data file without labels and a missing directory', () => {
  const root = writeMiniCorpus([{ relPath: 'catA/one.csv', values: [1, 2], windows: [] }]);
  try {
    writeFileSync(join(root, 'data', 'catA', 'extra.csv'), 'timestamp,value\n2014-01-01 00:00:00,1\n');
    assert.throws(() => loadNabCorpus(root), (e) => NabErrors.is(e, 'bad_data'));
    assert.throws(() => loadNabCorpus(join(root, 'nope')), (e) => NabErrors.is(e, 'corpus_not_found'));
  } finally {
    rmSync(root, { recursive: true });
  }
});
