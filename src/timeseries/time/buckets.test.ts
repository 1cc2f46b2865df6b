import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allBuckets, bucketIndex, planBuckets } from './buckets.js';
import { parseDuration, formatDuration } from './duration.js';
import { ShiftCalendar } from './shifts.js';

const U = (s: string) => Date.parse(s);
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

test('durations: short forms and fixed-length ISO 8601', () => {
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('15s'), 15_000);
  assert.equal(parseDuration('5m'), 300_000);
  assert.equal(parseDuration('5min'), 300_000);
  assert.equal(parseDuration('2h'), 7_200_000);
  assert.equal(parseDuration('1d'), 86_400_000);
  assert.equal(parseDuration('1w'), 604_800_000);
  assert.equal(parseDuration('PT1M'), 60_000);
  assert.equal(parseDuration('PT0.5S'), 500);
  assert.equal(parseDuration('P1DT2H'), 93_600_000);
  for (const bad of ['', '5', 'P', 'PT', 'P1M', 'P1Y', '0s', '-5m', '1.0005s', 'abc']) {
    assert.throws(() => parseDuration(bad, 'bucket'), (e: { code?: string; details?: { field?: string } }) => e.code === 'timeseries.invalid_query' && e.details?.field === 'bucket', bad);
  }
  assert.equal(formatDuration(60_000), '1m');
  assert.equal(formatDuration(90_000), '90s');
});

test('fixed buckets align to the epoch, not to the window', () => {
  const plan = planBuckets({ kind: 'fixed', widthMs: 60_000 }, U('2024-01-01T00:00:30Z'), U('2024-01-01T00:03:00Z'));
  assert.deepEqual(allBuckets(plan).map((b) => iso(b.start)), ['2024-01-01T00:00:00Z', '2024-01-01T00:01:00Z', '2024-01-01T00:02:00Z']);
  assert.equal(bucketIndex(plan, U('2024-01-01T00:01:59.999Z')), 1);
  assert.equal(bucketIndex(plan, U('2024-01-01T00:03:00Z')), -1);
  const shifted = planBuckets({ kind: 'fixed', widthMs: 3_600_000, originMs: U('2024-01-01T00:30:00Z') }, U('2024-01-01T01:00:00Z'), U('2024-01-01T02:00:00Z'));
  assert.deepEqual(allBuckets(shifted).map((b) => iso(b.start)), ['2024-01-01T00:30:00Z', '2024-01-01T01:30:00Z']);
  assert.throws(() => planBuckets({ kind: 'fixed', widthMs: 1000 }, 0, 200_000_000), (e: { code?: string }) => e.code === 'timeseries.too_many_buckets');
});

test('local days in Europe/Berlin are 23 h and 25 h long on DST change days', () => {
  const plan = planBuckets({ kind: 'calendar', unit: 'day', zone: 'Europe/Berlin' }, U('2024-03-30T12:00:00Z'), U('2024-04-01T12:00:00Z'));
  assert.equal(plan.kind, 'list');
  const b = allBuckets(plan);
  assert.deepEqual(b.map((x) => iso(x.start)), ['2024-03-29T23:00:00Z', '2024-03-30T23:00:00Z', '2024-03-31T22:00:00Z']);
  assert.deepEqual(b.map((x) => (x.end - x.start) / 3_600_000), [24, 23, 24]);
  const autumn = allBuckets(planBuckets({ kind: 'calendar', unit: 'day', zone: 'Europe/Berlin' }, U('2024-10-27T00:00:00Z'), U('2024-10-27T12:00:00Z')));
  assert.deepEqual(autumn.map((x) => [iso(x.start), (x.end - x.start) / 3_600_000]), [['2024-10-26T22:00:00Z', 25]]);
});

test('local hours: the repeated hour on fall-back is two buckets; half-hour zones start at :30 UTC', () => {
  const b = allBuckets(planBuckets({ kind: 'calendar', unit: 'hour', zone: 'Europe/Berlin' }, U('2024-10-27T00:00:00Z'), U('2024-10-27T02:00:00Z')));
  // 02:00–03:00 CEST (00:00Z) and 02:00–03:00 CET (01:00Z).
  assert.deepEqual(b.map((x) => iso(x.start)), ['2024-10-27T00:00:00Z', '2024-10-27T01:00:00Z']);
  const india = planBuckets({ kind: 'calendar', unit: 'hour', zone: 'Asia/Kolkata' }, U('2024-01-01T00:00:00Z'), U('2024-01-01T02:00:00Z'));
  assert.equal(india.kind, 'fixed');
  assert.deepEqual(allBuckets(india).map((x) => iso(x.start)), ['2023-12-31T23:30:00Z', '2024-01-01T00:30:00Z', '2024-01-01T01:30:00Z']);
});

test('weeks start on Monday (ISO 8601); months have their own lengths', () => {
  // 2024-03-06 is a Wednesday; its ISO week starts Monday 2024-03-04.
  const w = allBuckets(planBuckets({ kind: 'calendar', unit: 'week', zone: 'UTC' }, U('2024-03-06T10:00:00Z'), U('2024-03-12T00:00:00Z')));
  assert.deepEqual(w.map((x) => iso(x.start)), ['2024-03-04T00:00:00Z', '2024-03-11T00:00:00Z']);
  const m = allBuckets(planBuckets({ kind: 'calendar', unit: 'month', zone: 'UTC' }, U('2024-02-10T00:00:00Z'), U('2024-03-10T00:00:00Z')));
  assert.deepEqual(m.map((x) => [iso(x.start), (x.end - x.start) / 86_400_000]), [['2024-02-01T00:00:00Z', 29], ['2024-03-01T00:00:00Z', 31]]);
});

test('shift calendar: instances, breaks across midnight, weekly and one-off stops, gaps between shifts', () => {
  const cal = new ShiftCalendar({
    zone: 'UTC',
    shifts: [
      { name: 'early', start: '06:00', hours: 8, days: ['mon', 'tue', 'wed', 'thu', 'fri'], breaks: [{ start: '09:00', minutes: 30 }] },
      { name: 'night', start: '22:00', hours: 8, days: ['mon'], breaks: [{ start: '01:00', minutes: 15 }] },
    ],
    weeklyStops: [{ day: 'tue', start: '12:00', hours: 4, reason: 'maintenance' }],
    plannedStops: [{ start: '2024-03-04T07:00:00Z', end: '2024-03-04T07:20:00Z', reason: 'meeting' }],
  });
  // Monday 2024-03-04 to Wednesday 00:00.
  const inst = cal.instances(U('2024-03-04T00:00:00Z'), U('2024-03-06T00:00:00Z'));
  assert.deepEqual(inst.map((s) => [s.label, iso(s.start), iso(s.end)]), [
    ['2024-03-04/early', '2024-03-04T06:00:00Z', '2024-03-04T14:00:00Z'],
    ['2024-03-04/night', '2024-03-04T22:00:00Z', '2024-03-05T06:00:00Z'],
    ['2024-03-05/early', '2024-03-05T06:00:00Z', '2024-03-05T14:00:00Z'],
  ]);
  assert.deepEqual(inst[0]?.stops.map((s) => [iso(s.start), iso(s.end), s.reason]), [
    ['2024-03-04T07:00:00Z', '2024-03-04T07:20:00Z', 'meeting'],
    ['2024-03-04T09:00:00Z', '2024-03-04T09:30:00Z', 'break'],
  ]);
  // The night shift's 01:00 break is on Tuesday.
  assert.deepEqual(inst[1]?.stops.map((s) => iso(s.start)), ['2024-03-05T01:00:00Z']);
  // Tuesday's maintenance 12:00–16:00 is clipped to the shift end at 14:00.
  assert.deepEqual(inst[2]?.stops.map((s) => [iso(s.start), iso(s.end), s.reason]), [
    ['2024-03-05T09:00:00Z', '2024-03-05T09:30:00Z', 'break'],
    ['2024-03-05T12:00:00Z', '2024-03-05T14:00:00Z', 'maintenance'],
  ]);
  const plan = planBuckets({ kind: 'shift', calendar: cal }, U('2024-03-04T00:00:00Z'), U('2024-03-05T00:00:00Z'));
  assert.equal(bucketIndex(plan, U('2024-03-04T15:00:00Z')), -1, 'between shifts');
  assert.equal(bucketIndex(plan, U('2024-03-04T23:00:00Z')), 1);
});

test('a night shift spans 9 real hours when clocks fall back', () => {
  const cal = new ShiftCalendar({ zone: 'Europe/Berlin', shifts: [{ name: 'N', start: '22:00', hours: 8 }] });
  const [s] = cal.instances(U('2024-10-26T21:00:00Z'), U('2024-10-26T21:30:00Z'));
  assert.equal(s?.label, '2024-10-26/N');
  assert.equal(iso(s?.start ?? 0), '2024-10-26T20:00:00Z');
  assert.equal(iso(s?.end ?? 0), '2024-10-27T05:00:00Z');
});

test('overlapping breaks and stops are not counted twice', () => {
  const cal = new ShiftCalendar({
    shifts: [{ name: 'A', start: '06:00', hours: 8, breaks: [{ start: '10:00', minutes: 60 }, { start: '10:30', minutes: 60 }] }],
  });
  const [s] = cal.instances(U('2024-01-01T06:00:00Z'), U('2024-01-01T07:00:00Z'));
  assert.deepEqual(s?.stops.map((x) => [iso(x.start), iso(x.end)]), [['2024-01-01T10:00:00Z', '2024-01-01T11:30:00Z']]);
  assert.throws(() => new ShiftCalendar({ shifts: [{ name: 'A', start: '6:00', hours: 8 }] }), (e: { code?: string }) => e.code === 'timeseries.invalid_query');
  assert.throws(() => new ShiftCalendar({ shifts: [{ name: 'A', start: '06:00', hours: 8, breaks: [{ start: '13:30', minutes: 60 }] }] }), /inside the shift/);
});
