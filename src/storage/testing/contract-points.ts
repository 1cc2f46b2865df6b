/** Contract: time-series points (port.ts `appendPoints` / `readPoints`). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TimePoint } from '../port.js';
import type { Fresh } from './contract.js';
import { rejectsWith } from './helpers.js';

const T0 = Date.UTC(2024, 2, 1, 12, 0, 0);
const at = (seconds: number) => new Date(T0 + seconds * 1000);

function point(series: string, second: number, value: number, arrivalSecond = second + 0.25): TimePoint {
  return { series, time: at(second), arrival: at(arrivalSecond), value };
}

const simple = (ps: readonly TimePoint[]) => ps.map((p) => [p.series, p.time.getTime(), p.arrival.getTime(), p.value]);

export function definePointTests(fresh: Fresh): void {
  test('points: from is inclusive, to exclusive, ordered by time, limited, per series', async (t) => {
    const { storage: s } = await fresh(t);
    // Seconds 0..9 of series line1/temp, appended out of order in two calls; another series interleaved.
    const order = [7, 2, 9, 0, 4, 1, 8, 3, 6, 5];
    await s.appendPoints(order.slice(0, 5).map((sec) => point('line1/temp', sec, sec * 10 + 0.1)));
    await s.appendPoints([...order.slice(5).map((sec) => point('line1/temp', sec, sec * 10 + 0.1)), point('line1/rpm', 3, 999)]);

    const range = await s.readPoints({ series: 'line1/temp', from: at(2), to: at(7) });
    assert.deepEqual(range.map((p) => (p.time.getTime() - T0) / 1000), [2, 3, 4, 5, 6]);
    assert.deepEqual(range.map((p) => p.value), [20.1, 30.1, 40.1, 50.1, 60.1]);
    assert.deepEqual(range[0]?.arrival, at(2.25));
    assert.equal(range[0]?.series, 'line1/temp');

    const limited = await s.readPoints({ series: 'line1/temp', from: at(0), to: at(100), limit: 3 });
    assert.deepEqual(limited.map((p) => (p.time.getTime() - T0) / 1000), [0, 1, 2]);
    assert.deepEqual(simple(await s.readPoints({ series: 'line1/rpm', from: at(0), to: at(10) })), [['line1/rpm', at(3).getTime(), at(3.25).getTime(), 999]]);
    assert.deepEqual(await s.readPoints({ series: 'line1/temp', from: at(5), to: at(5) }), []);
    assert.deepEqual(await s.readPoints({ series: 'nope', from: at(0), to: at(10) }), []);
  });

  test('points: values and millisecond times round-trip; equal times keep both points, ordered by arrival', async (t) => {
    const { storage: s } = await fresh(t);
    const values = [0.1, -1.5e300, 5e-324, 0, -7, 123456.789];
    await s.appendPoints(values.map((value, i) => ({ series: 'v', time: new Date(T0 + i), arrival: new Date(T0 + 1000 + i), value })));
    // A late duplicate of ms 2: same source time, later arrival (a resend). Both are kept.
    await s.appendPoints([{ series: 'v', time: new Date(T0 + 2), arrival: new Date(T0 + 5000), value: 42 }]);
    const got = await s.readPoints({ series: 'v', from: new Date(T0), to: new Date(T0 + 10) });
    assert.deepEqual(
      simple(got),
      [
        ['v', T0, T0 + 1000, 0.1],
        ['v', T0 + 1, T0 + 1001, -1.5e300],
        ['v', T0 + 2, T0 + 1002, 5e-324],
        ['v', T0 + 2, T0 + 5000, 42],
        ['v', T0 + 3, T0 + 1003, 0],
        ['v', T0 + 4, T0 + 1004, -7],
        ['v', T0 + 5, T0 + 1005, 123456.789],
      ],
    );
  });

  test('points: one large append (several 2048-row chunks) lands whole and in order', async (t) => {
    const { storage: s } = await fresh(t);
    const count = 5000; // 2048 + 2048 + 904
    const big = Array.from({ length: count }, (_, i) => point(i % 2 === 0 ? 'even' : 'odd', i, i));
    await s.appendPoints(big);
    const even = await s.readPoints({ series: 'even', from: at(0), to: at(count) });
    assert.equal(even.length, 2500);
    assert.ok(even.every((p, k) => p.value === 2 * k && p.time.getTime() === at(2 * k).getTime()));
    const odd = await s.readPoints({ series: 'odd', from: at(4000), to: at(4100) });
    assert.deepEqual(odd.map((p) => p.value), Array.from({ length: 50 }, (_, k) => 4001 + 2 * k));
  });

  test('points: an invalid point rejects the whole append', async (t) => {
    const { storage: s } = await fresh(t);
    const good = point('p', 1, 1);
    await rejectsWith(s.appendPoints([good, point('p', 2, Number.NaN)]), 'storage.invalid_input');
    await rejectsWith(s.appendPoints([good, { series: 'p', time: new Date('nonsense'), arrival: at(0), value: 1 }]), 'storage.invalid_input');
    await rejectsWith(s.appendPoints([good, { series: '', time: at(1), arrival: at(1), value: 1 }]), 'storage.invalid_input');
    await rejectsWith(s.readPoints({ series: 'p', from: at(0), to: at(1), limit: -1 }), 'storage.invalid_input');
    assert.deepEqual(await s.readPoints({ series: 'p', from: at(0), to: at(10) }), []);
    await s.appendPoints([]);
  });
}
