import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CALENDAR, ShiftCalendar } from './calendar.js';
import { SimErrors } from '../errors.js';
import { quietPlant, run } from './testing/fixtures.js';

const t = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;

test('default calendar: three shifts from 06:00 UTC with their breaks', () => {
  const cal = new ShiftCalendar(DEFAULT_CALENDAR);
  // 2026-01-07 is a Wednesday.
  assert.deepEqual(cal.at(t('2026-01-07T05:59:59Z')), { planned: 'production', shift: 'C' }); // Tuesday's night shift
  assert.deepEqual(cal.at(t('2026-01-07T06:00:00Z')), { planned: 'production', shift: 'A' });
  assert.deepEqual(cal.at(t('2026-01-07T08:00:00Z')), { planned: 'break', shift: 'A' });
  assert.deepEqual(cal.at(t('2026-01-07T08:14:59Z')), { planned: 'break', shift: 'A' });
  assert.deepEqual(cal.at(t('2026-01-07T08:15:00Z')), { planned: 'production', shift: 'A' });
  assert.equal(cal.at(t('2026-01-07T11:29:00Z')).planned, 'break');
  assert.equal(cal.at(t('2026-01-07T11:30:00Z')).planned, 'production');
  assert.deepEqual(cal.at(t('2026-01-07T13:59:59Z')), { planned: 'production', shift: 'A' });
  assert.deepEqual(cal.at(t('2026-01-07T14:00:00Z')), { planned: 'production', shift: 'B' });
  assert.deepEqual(cal.at(t('2026-01-07T22:00:00Z')), { planned: 'production', shift: 'C' });
  // The night shift's breaks fall after midnight, on Thursday.
  assert.deepEqual(cal.at(t('2026-01-08T00:10:00Z')), { planned: 'break', shift: 'C' });
  assert.deepEqual(cal.at(t('2026-01-08T03:20:00Z')), { planned: 'break', shift: 'C' });
  assert.deepEqual(cal.at(t('2026-01-08T03:30:00Z')), { planned: 'production', shift: 'C' });
});

test('weekly planned maintenance on Sunday 06:00–14:00 replaces shift A', () => {
  const cal = new ShiftCalendar(DEFAULT_CALENDAR);
  // 2026-01-11 is a Sunday.
  assert.equal(cal.at(t('2026-01-11T05:59:00Z')).planned, 'production');
  assert.equal(cal.at(t('2026-01-11T06:00:00Z')).planned, 'plannedMaintenance');
  assert.equal(cal.at(t('2026-01-11T13:59:00Z')).planned, 'plannedMaintenance');
  assert.deepEqual(cal.at(t('2026-01-11T14:00:00Z')), { planned: 'production', shift: 'B' });
});

test('planned production time per day, worked out by hand', () => {
  const cal = new ShiftCalendar(DEFAULT_CALENDAR);
  // Weekday: 24 h minus 3 × (15 + 30) min = 2 h 15 min of breaks = 21.75 h.
  assert.equal(cal.plannedProductionMs(t('2026-01-07T00:00:00Z'), t('2026-01-08T00:00:00Z')), 21.75 * HOUR);
  // Sunday: 00–06 night shift (−45 min breaks) + 06–14 maintenance + 14–22 (−45 min) + 22–24 = 14.5 h.
  assert.equal(cal.plannedProductionMs(t('2026-01-11T00:00:00Z'), t('2026-01-12T00:00:00Z')), 14.5 * HOUR);
});

test('shift boundaries follow a fixed UTC offset (no daylight saving)', () => {
  const cal = new ShiftCalendar({ ...DEFAULT_CALENDAR, utcOffsetMinutes: 60 });
  // 06:00 local at UTC+1 is 05:00 UTC, both in winter and in summer.
  assert.deepEqual(cal.at(t('2026-01-07T05:00:00Z')), { planned: 'production', shift: 'A' });
  assert.deepEqual(cal.at(t('2026-01-07T04:59:00Z')), { planned: 'production', shift: 'C' });
  assert.deepEqual(cal.at(t('2026-07-08T05:00:00Z')), { planned: 'production', shift: 'A' });
});

test('weekday-only shifts leave the weekend without production; a Friday night shift runs into Saturday', () => {
  const cal = new ShiftCalendar({
    shifts: [
      { name: 'D', start: '08:00', hours: 8, days: ['mon', 'tue', 'wed', 'thu', 'fri'] },
      { name: 'N', start: '22:00', hours: 8, days: ['fri'] },
    ],
  });
  // 2026-01-09 is a Friday, 2026-01-10 a Saturday.
  assert.deepEqual(cal.at(t('2026-01-09T10:00:00Z')), { planned: 'production', shift: 'D' });
  assert.deepEqual(cal.at(t('2026-01-09T17:00:00Z')), { planned: 'noShift', shift: null });
  assert.deepEqual(cal.at(t('2026-01-10T05:59:00Z')), { planned: 'production', shift: 'N' });
  assert.deepEqual(cal.at(t('2026-01-10T10:00:00Z')), { planned: 'noShift', shift: null });
  assert.equal(cal.nextChange(t('2026-01-09T10:00:00Z')), t('2026-01-09T16:00:00Z'));
});

test('segments cover the interval without gaps', () => {
  const cal = new ShiftCalendar(DEFAULT_CALENDAR);
  const from = t('2026-01-07T07:00:00Z');
  const segs = cal.segments(from, t('2026-01-07T12:00:00Z'));
  assert.deepEqual(segs.map((s) => [new Date(s.start).toISOString().slice(11, 16), s.planned]), [
    ['07:00', 'production'], ['08:00', 'break'], ['08:15', 'production'], ['11:00', 'break'], ['11:30', 'production'],
  ]);
});

test('a break outside its shift or a malformed time is rejected with the path', () => {
  assert.throws(() => new ShiftCalendar({ shifts: [{ name: 'A', start: '06:00', hours: 8, breaks: [{ start: '15:00', minutes: 15 }] }] }),
    (err) => SimErrors.is(err, 'invalid_plant') && err.details.path === 'calendar.shifts[0].breaks[0]');
  assert.throws(() => new ShiftCalendar({ shifts: [{ name: 'A', start: '6am', hours: 8 }] }),
    (err) => SimErrors.is(err, 'invalid_plant') && err.details.path === 'calendar.shifts[0].start');
});

test('no production during breaks or the planned-maintenance window; production resumes on the minute', () => {
  const r = run(quietPlant([{ type: 'cnc' }, { type: 'quality' }], { calendar: DEFAULT_CALENDAR }), { sampleIntervalMs: 10_000 });
  r.advance(11 * HOUR); // to Wednesday 11:00, the start of shift A's 30-minute break
  const brk = r.advance(30 * 60_000);
  assert.ok(brk.every((m) => m.body.state === 'plannedStop' && m.body.stateReason === 'break'));
  for (const id of ['L-CNC', 'L-QC']) assert.equal(new Set(brk.filter((m) => m.deviceId === id).map((m) => m.body.goodCount)).size, 1);
  const after = r.advance(10 * 60_000);
  assert.ok(after.filter((m) => m.time >= t('2026-01-07T11:30:00Z')).every((m) => m.body.state !== 'plannedStop'));
  // Sunday 06:00–14:00: planned maintenance, nothing made.
  r.advance(t('2026-01-11T06:00:00Z') - r.plant.now);
  const pm = r.advance(8 * HOUR);
  assert.ok(pm.every((m) => m.body.state === 'plannedStop' && m.body.stateReason === 'plannedMaintenance'));
  assert.equal(new Set(pm.filter((m) => m.deviceId === 'L-CNC').map((m) => m.body.goodCount)).size, 1);
  r.advance(60_000); // the window's label is written when it ends
  assert.ok(r.labels.some((l) => l.kind === 'maintenance' && l.mode === 'preventive' && l.time === '2026-01-11T06:00:00.000Z' && l.end === '2026-01-11T14:00:00.000Z'));
});
