/**
 * Hand-computed cases for the aggregate, merge, time-weighted-average, interpolation and
 * gap-fill maths (docs/history.md gives the definitions).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeStats, percentileOfSorted, statsOf, type Sample } from './aggregate.js';
import { fillGaps } from './gapfill.js';
import { Signal } from './signal.js';

const S = 1000;
// The textbook standard-deviation example: mean 5, population σ 2, sample s = √(32/7).
const VALUES = [2, 4, 4, 4, 5, 5, 7, 9];
const TIMES = [0, 10, 20, 30, 40, 50, 55, 58];
const points: Sample[] = VALUES.map((v, i) => ({ t: (TIMES[i] as number) * S, v, a: 0 }));
const ALL = { functions: ['count', 'sum', 'min', 'max', 'avg', 'stddev', 'first', 'last'] as const, percentiles: [0, 0.25, 0.5, 0.9, 1] };

test('every simple aggregate and type-7 percentiles on the textbook sample', () => {
  // Shuffled input: first/last go by time, not by input order.
  const s = statsOf([...points].reverse(), ALL);
  assert.equal(s.count, 8);
  assert.equal(s.sum, 40);
  assert.equal(s.min, 2);
  assert.equal(s.max, 9);
  assert.equal(s.avg, 5);
  assert.ok(Math.abs((s.stddev as number) - Math.sqrt(32 / 7)) < 1e-12);
  assert.equal(s.first, 2);
  assert.equal(s.last, 9);
  // sorted 2 4 4 4 5 5 7 9: p25 h=1.75 → 4; p50 h=3.5 → 4.5; p90 h=6.3 → 7 + 0.3·2 = 7.6.
  assert.deepEqual(s.percentiles?.map((p) => (p === null ? null : Math.round(p * 1e9) / 1e9)), [2, 4, 4.5, 7.6, 9]);
});

test('empty and single-point buckets: nulls where the definition has no value', () => {
  const empty = statsOf([], ALL);
  assert.deepEqual(empty, { count: 0, sum: null, min: null, max: null, avg: null, stddev: null, first: null, last: null, firstTime: null, lastTime: null, percentiles: [null, null, null, null, null] });
  const one = statsOf([{ t: 5, v: 3 }], { functions: ['stddev', 'avg'], percentiles: [0.5] });
  assert.deepEqual(one, { count: 1, avg: 3, stddev: null, percentiles: [3] });
  assert.equal(percentileOfSorted([10, 20], 0.5), 15);
});

test('equal source times: first is the earliest arrival, last the latest', () => {
  const s = statsOf([{ t: 1, v: 7, a: 5 }, { t: 1, v: 8, a: 2 }, { t: 0, v: 1, a: 9 }, { t: 2, v: 3, a: 1 }, { t: 2, v: 4, a: 3 }], { functions: ['first', 'last'], percentiles: [] });
  assert.equal(s.first, 1);
  assert.equal(s.last, 4);
});

test('merging two disjoint halves gives the whole set’s stats (Chan et al. for stddev)', () => {
  const req = { functions: ['sum', 'avg', 'min', 'max', 'stddev', 'first', 'last'] as const, percentiles: [] };
  const merged = mergeStats(statsOf(points.slice(5), req), statsOf(points.slice(0, 5), req));
  assert.equal(merged.count, 8);
  assert.equal(merged.sum, 40);
  assert.equal(merged.avg, 5);
  assert.equal(merged.min, 2);
  assert.equal(merged.max, 9);
  assert.ok(Math.abs((merged.stddev as number) - Math.sqrt(32 / 7)) < 1e-12);
  assert.equal(merged.first, 2);
  assert.equal(merged.last, 9);
  assert.deepEqual(mergeStats(statsOf([], req), statsOf(points, req)), statsOf(points, req));
});

// Signal for the TWA cases: carried-in point at −10 s = 10, points 20 s = 20 and 40 s = 5, next point after the window 70 s = 30.
const before: Sample = { t: -10 * S, v: 10 };
const inside: Sample[] = [{ t: 20 * S, v: 20 }, { t: 40 * S, v: 5 }];
const after: Sample = { t: 70 * S, v: 30 };

test('time-weighted average, step: the carried-in value covers the start of the window', () => {
  const sig = new Signal([before, ...inside], 60 * S, { interpolation: 'step' });
  // 10·20 + 20·20 + 5·20 = 700 over 60 s.
  assert.ok(Math.abs((sig.average(0, 60 * S) as number) - 700 / 60) < 1e-12);
  // Two 30 s buckets: (10·20 + 20·10)/30 and (20·10 + 5·20)/30.
  assert.ok(Math.abs((sig.average(0, 30 * S) as number) - 400 / 30) < 1e-12);
  assert.ok(Math.abs((sig.average(30 * S, 60 * S) as number) - 300 / 30) < 1e-12);
  // Without the carried-in point only [20 s, 60 s) is covered: (20·20 + 5·20)/40.
  const bare = new Signal(inside, 60 * S, { interpolation: 'step' });
  assert.equal(bare.average(0, 60 * S), 12.5);
  assert.equal(bare.average(0, 20 * S), null);
});

test('time-weighted average, linear: trapezoids through the neighbours outside the window', () => {
  const sig = new Signal([before, ...inside, after], 60 * S, { interpolation: 'linear' });
  // x(0) = 10 + 10·10/30 = 40/3; [0,20]: 20·(40/3 + 20)/2 = 1000/3; [20,40]: 20·(20+5)/2 = 250;
  // x(60) = 5 + 25·20/30 = 65/3; [40,60]: 20·(5 + 65/3)/2 = 800/3. Total 850 over 60 s.
  assert.ok(Math.abs((sig.average(0, 60 * S) as number) - 850 / 60) < 1e-12);
  // No point after the window: the last value is held (no extrapolation) → [40,60] contributes 5·20.
  const held = new Signal([before, ...inside], 60 * S, { interpolation: 'linear' });
  assert.ok(Math.abs((held.average(0, 60 * S) as number) - (1000 / 3 + 250 + 100) / 60) < 1e-12);
});

test('maxGap: a value is held at most maxGap; linear does not bridge longer gaps', () => {
  const pts = [{ t: 0, v: 10 }, { t: 50 * S, v: 20 }];
  for (const interpolation of ['step', 'linear'] as const) {
    const sig = new Signal(pts, 60 * S, { interpolation, maxGapMs: 20 * S });
    // [0,20): 10, [20,50): undefined, [50,60): 20 → (200 + 200) / 30.
    assert.ok(Math.abs((sig.average(0, 60 * S) as number) - 400 / 30) < 1e-12, interpolation);
    assert.equal(sig.valueAt(30 * S), null, interpolation);
    assert.equal(sig.valueAt(19 * S), 10, interpolation);
  }
});

test('interpolated values: linear between neighbours, step holds, the latest arrival wins at equal times', () => {
  const lin = new Signal(inside, 60 * S, { interpolation: 'linear' });
  assert.equal(lin.valueAt(30 * S), 12.5);
  assert.equal(lin.valueAt(20 * S), 20);
  assert.equal(lin.valueAt(10 * S), null, 'before the first point');
  assert.equal(lin.valueAt(55 * S), 5, 'held after the last point');
  const step = new Signal(inside, 60 * S, { interpolation: 'step' });
  assert.equal(step.valueAt(39_999), 20);
  assert.equal(step.valueAt(40 * S), 5);
  const dup = new Signal([{ t: 0, v: 1, a: 1 }, { t: 0, v: 3, a: 7 }, { t: 0, v: 2, a: 4 }, { t: 10, v: 0 }], 20, { interpolation: 'step' });
  assert.equal(dup.valueAt(5), 3);
  // A last point exactly at the horizon still has a value there.
  assert.equal(new Signal([{ t: 60, v: 4 }], 60, { interpolation: 'linear' }).valueAt(60), 4);
});

test('gap filling: none, null, previous, linear, constant', () => {
  const rows = [null, 2, null, null, 8].map((avg, i) => ({ start: i * 60, count: avg === null ? 0 : 1, values: { avg } }));
  const avgs = (r: ReadonlyArray<{ values: { avg: number | null } }>) => r.map((x) => x.values.avg);
  assert.deepEqual(fillGaps(rows, 'none').map((r) => r.start), [60, 240]);
  assert.deepEqual(avgs(fillGaps(rows, 'null')), [null, 2, null, null, 8]);
  assert.deepEqual(avgs(fillGaps(rows, 'previous')), [null, 2, 2, 2, 8]);
  assert.deepEqual(avgs(fillGaps(rows, 'linear')), [null, 2, 4, 6, 8]);
  assert.deepEqual(avgs(fillGaps(rows, { value: 0 })), [0, 2, 0, 0, 8]);
  // Filling does not alter the input rows.
  assert.deepEqual(avgs(rows), [null, 2, null, null, 8]);
});
