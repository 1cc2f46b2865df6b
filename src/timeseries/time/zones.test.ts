import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TimeZone, addLocalDays } from './zones.js';

const iso = (ms: number) => new Date(ms).toISOString();

test('fixed offsets and UTC need no tz database', () => {
  const z = TimeZone.of('+05:30');
  assert.equal(z.offsetMinutes(0), 330);
  assert.equal(iso(z.toUtc({ year: 2024, month: 1, day: 1, hour: 0, minute: 0 })), '2023-12-31T18:30:00.000Z');
  assert.equal(TimeZone.of('-0800').offsetMinutes(0), -480);
  assert.equal(TimeZone.of('UTC').toUtc({ year: 2024, month: 2, day: 29, hour: 12, minute: 0 }), Date.UTC(2024, 1, 29, 12));
});

test('Europe/Berlin: CET in winter, CEST in summer (EU rule: last Sunday of March/October at 01:00 UTC)', () => {
  const z = TimeZone.of('Europe/Berlin');
  assert.equal(z.offsetMinutes(Date.UTC(2024, 0, 15)), 60);
  assert.equal(z.offsetMinutes(Date.UTC(2024, 6, 15)), 120);
  // 2024-03-31 is the last Sunday of March: the switch happens at 01:00 UTC.
  assert.equal(z.offsetMinutes(Date.UTC(2024, 2, 31, 0, 59)), 60);
  assert.equal(z.offsetMinutes(Date.UTC(2024, 2, 31, 1, 0)), 120);
  const f = z.fields(Date.UTC(2024, 2, 31, 1, 0));
  assert.deepEqual([f.year, f.month, f.day, f.hour, f.minute, f.weekday], [2024, 3, 31, 3, 0, 7]);
});

test('local → UTC: normal times, the spring gap moves forward, the autumn overlap takes the earlier instant', () => {
  const z = TimeZone.of('Europe/Berlin');
  assert.equal(iso(z.toUtc({ year: 2024, month: 1, day: 10, hour: 6, minute: 0 })), '2024-01-10T05:00:00.000Z');
  assert.equal(iso(z.toUtc({ year: 2024, month: 7, day: 10, hour: 6, minute: 0 })), '2024-07-10T04:00:00.000Z');
  // 02:30 does not exist on 2024-03-31 (clocks jump 02:00 → 03:00): it becomes 03:30 CEST = 01:30 UTC.
  assert.equal(iso(z.toUtc({ year: 2024, month: 3, day: 31, hour: 2, minute: 30 })), '2024-03-31T01:30:00.000Z');
  // 02:30 happens twice on 2024-10-27: first in CEST (00:30 UTC), then in CET (01:30 UTC).
  assert.equal(iso(z.toUtc({ year: 2024, month: 10, day: 27, hour: 2, minute: 30 })), '2024-10-27T00:30:00.000Z');
  // Midnight both sides of the change is unambiguous.
  assert.equal(iso(z.toUtc({ year: 2024, month: 10, day: 28, hour: 0, minute: 0 })), '2024-10-27T23:00:00.000Z');
});

test('America/New_York and a half-hour zone', () => {
  const ny = TimeZone.of('America/New_York');
  // US rule: second Sunday in March at 02:00 local; 2024-03-10.
  assert.equal(iso(ny.toUtc({ year: 2024, month: 3, day: 10, hour: 0, minute: 0 })), '2024-03-10T05:00:00.000Z');
  assert.equal(iso(ny.toUtc({ year: 2024, month: 3, day: 11, hour: 0, minute: 0 })), '2024-03-11T04:00:00.000Z');
  assert.equal(TimeZone.of('Asia/Kolkata').offsetMinutes(Date.UTC(2024, 5, 1)), 330);
});

test('unknown zones are refused with a stable code', () => {
  assert.throws(() => TimeZone.of('Mars/Olympus'), (e: { code?: string }) => e.code === 'timeseries.unknown_zone');
  assert.throws(() => TimeZone.of('+25:00'), (e: { code?: string }) => e.code === 'timeseries.unknown_zone');
});

test('addLocalDays crosses months and leap days', () => {
  assert.deepEqual(addLocalDays({ year: 2024, month: 2, day: 28 }, 1), { year: 2024, month: 2, day: 29 });
  assert.deepEqual(addLocalDays({ year: 2023, month: 12, day: 31 }, 1), { year: 2024, month: 1, day: 1 });
  assert.deepEqual(addLocalDays({ year: 2024, month: 3, day: 1 }, -1), { year: 2024, month: 2, day: 29 });
});
