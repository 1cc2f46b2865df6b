/**
 * OEE engine on hand-computed cases. The worked example is the standard one (oee.com "OEE
 * Calculation"): 480-minute shift, 60 minutes of breaks, 47 minutes of downtime, ideal rate
 * 60 parts/min, 19,271 parts of which 423 rejected → A 88.81 %, P 86.11 %, Q 97.80 %, OEE 74.79 %.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShiftCalendar, type Sample } from '../../timeseries/index.js';
import { counterEvents, countIn } from './counters.js';
import { computeMachineOee, type MachineInputs, type StateSample } from './machine.js';
import { lineOee, rollup } from './rollup.js';

const U = (s: string) => Date.parse(s);
const pct = (x: number | null) => (x === null ? null : Math.round(x * 10_000) / 100);
const close = (a: number | null, b: number, eps = 1e-9) => assert.ok(a !== null && Math.abs(a - b) < eps, `${a} ≉ ${b}`);

const DAY = '2024-03-04';
const at = (hhmm: string) => U(`${DAY}T${hhmm}:00Z`);
const calendar = new ShiftCalendar({
  zone: 'UTC',
  shifts: [{ name: 'A', start: '06:00', hours: 8, breaks: [{ start: '08:00', minutes: 15 }, { start: '10:00', minutes: 30 }, { start: '12:00', minutes: 15 }] }],
});

function workedExampleInputs(): MachineInputs {
  const states: StateSample[] = [
    { t: at('06:00'), state: 'running' },
    { t: at('08:00'), state: 'plannedStop', reason: 'break' },
    { t: at('08:15'), state: 'running' },
    { t: at('09:00'), state: 'down', reason: 'bearingWear' },
    { t: at('09:47'), state: 'running' },
    { t: at('10:00'), state: 'plannedStop', reason: 'break' },
    { t: at('10:30'), state: 'running' },
    { t: at('12:00'), state: 'plannedStop', reason: 'break' },
    { t: at('12:15'), state: 'running' },
  ];
  return {
    states,
    good: [{ t: at('06:00'), v: 0 }, { t: at('10:00'), v: 9000 }, { t: at('14:00'), v: 18_848 }],
    reject: [{ t: at('06:00'), v: 0 }, { t: at('11:00'), v: 200 }, { t: at('13:59'), v: 423 }],
    idealCycleTimeSec: 1, // 60 parts per minute
  };
}

test('the standard worked example: A 88.81 %, P 86.11 %, Q 97.80 %, OEE 74.79 %', () => {
  const r = computeMachineOee(workedExampleInputs(), at('06:00'), at('14:00'), { calendar });
  assert.equal(r.shiftSec, 480 * 60);
  assert.equal(r.plannedProductionSec, 420 * 60);
  assert.equal(r.runSec, 373 * 60);
  assert.equal(r.downtimeSec, 47 * 60);
  assert.equal(r.totalCount, 19_271);
  assert.equal(r.goodCount, 18_848);
  assert.equal(pct(r.availability), 88.81);
  assert.equal(pct(r.performance), 86.11);
  assert.equal(pct(r.quality), 97.8);
  assert.equal(pct(r.oee), 74.79);
  close(r.oee, 18_848 / 25_200);
  // Losses in seconds: 47 min down, slow cycles 22 380 − 19 271, 423 rejects × 1 s; they sum to PPT − fully productive time.
  assert.deepEqual(r.losses, { unplannedStops: 2820, plannedStops: 0, smallStops: 0, slowCycles: 3109, productionRejects: 423, startupRejects: 0 });
  assert.equal(Object.values(r.losses).reduce((a, b) => a + b, 0), 25_200 - 18_848);
  assert.deepEqual(r.downtimeByReason, [{ state: 'down', reason: 'bearingWear', seconds: 2820, occurrences: 1 }]);
  assert.equal(r.failures, 1);
  assert.equal(r.mtbfSec, 373 * 60);
  assert.equal(r.mttrSec, 47 * 60);
});

test('the same shift without the machine reporting its breaks: the calendar alone excludes them', () => {
  const inputs = workedExampleInputs();
  const states = inputs.states.map((s) => (s.state === 'plannedStop' ? { t: s.t, state: 'idle' } : s));
  const r = computeMachineOee({ ...inputs, states }, at('06:00'), at('14:00'), { calendar });
  assert.equal(r.plannedProductionSec, 420 * 60);
  assert.equal(pct(r.oee), 74.79);
});

test('cumulative counters: resets count from zero, equal times keep the latest arrival; increments add up', () => {
  const samples: Sample[] = [
    { t: -1, v: 100 },
    { t: 10, v: 150 },
    { t: 20, v: 30 }, // reset: 30 parts since
    { t: 30, v: 40, a: 1 },
    { t: 30, v: 45, a: 2 }, // a correction of the same reading
  ];
  const ev = counterEvents(samples, 'cumulative');
  assert.deepEqual(ev, [{ t: 10, n: 50 }, { t: 20, n: 30 }, { t: 30, n: 15 }]);
  assert.equal(countIn(ev, 0, 30), 95);
  assert.equal(countIn(ev, 10, 30), 45, 'a reading at `from` belongs to the window before');
  assert.deepEqual(counterEvents([{ t: 5, v: 7 }], 'cumulative', { startsAtZero: true }), [{ t: 5, n: 7 }]);
  assert.deepEqual(counterEvents([{ t: 1, v: 5 }, { t: 2, v: -2 }, { t: 3, v: 7 }], 'increment').map((e) => e.n), [5, 7]);
});

test('a counter reset in the middle of a shift does not lose or invent parts', () => {
  const r = computeMachineOee(
    { states: [{ t: 0, state: 'running' }], good: [{ t: 0, v: 5000 }, { t: 1_800_000, v: 5600 }, { t: 1_900_000, v: 100 }, { t: 3_600_000, v: 700 }], reject: [], idealCycleTimeSec: 3 },
    0,
    3_600_000,
  );
  // 600 before the reset, 100 up to the first reading after it, 600 after: 1300 parts.
  assert.equal(r.goodCount, 1300);
  close(r.performance, (3 * 1300) / 3600);
});

test('shift boundaries: counts go to the shift whose time they cover, a stop is split, a failure counts once', () => {
  const cal = new ShiftCalendar({ shifts: [{ name: 'A', start: '06:00', hours: 8 }, { name: 'B', start: '14:00', hours: 8 }] });
  const inputs: MachineInputs = {
    states: [{ t: at('06:00'), state: 'running' }, { t: at('13:50'), state: 'down', reason: 'toolWear' }, { t: at('14:20'), state: 'running' }],
    good: [{ t: at('13:30'), v: 1000 }, { t: at('14:00'), v: 1100 }, { t: at('14:30'), v: 1200 }],
    reject: [],
    idealCycleTimeSec: 10,
  };
  const a = computeMachineOee(inputs, at('06:00'), at('14:00'), { calendar: cal });
  const b = computeMachineOee(inputs, at('14:00'), at('22:00'), { calendar: cal });
  assert.equal(a.goodCount, 100, 'the 14:00 reading covers 13:30–14:00');
  assert.equal(b.goodCount, 100);
  assert.equal(a.downtimeSec, 600);
  assert.equal(b.downtimeSec, 1200);
  assert.equal(a.failures, 1);
  assert.equal(b.failures, 0, 'the failure began in shift A');
  assert.deepEqual(b.downtimeByReason, [{ state: 'down', reason: 'toolWear', seconds: 1200, occurrences: 0 }]);
  assert.equal(b.mtbfSec, null);
});

test('six losses with small stops, setup, startup rejects; energy per good unit', () => {
  const s = 1000;
  const inputs: MachineInputs = {
    states: [
      { t: 0, state: 'running' },
      { t: 600 * s, state: 'idle', reason: 'jam' }, // 30 s: a small stop
      { t: 630 * s, state: 'running' },
      { t: 1200 * s, state: 'down', reason: 'overheating' },
      { t: 1500 * s, state: 'running' },
      { t: 1600 * s, state: 'setup', reason: 'changeover' },
      { t: 1700 * s, state: 'running' },
    ],
    good: [{ t: 500 * s, v: 500 }, { t: 1100 * s, v: 500 }, { t: 1800 * s, v: 200 }],
    reject: [{ t: 900 * s, v: 20 }, { t: 1510 * s, v: 10 }, { t: 1710 * s, v: 5 }],
    counterMode: 'increment',
    idealCycleTimeSec: 1,
    power: [{ t: -100 * s, v: 10 }, { t: 900 * s, v: 20 }],
  };
  const r = computeMachineOee(inputs, 0, 1800 * s, { smallStopSec: 60, startupSec: 60 });
  // PPT 1800; run 1800 − 300 (down) − 100 (setup) = 1400, of which 30 s small stop.
  assert.equal(r.runSec, 1400);
  assert.equal(r.totalCount, 1235);
  assert.equal(r.startupRejectCount, 15, 'rejects at 1510 s (after the down) and 1710 s (after the setup)');
  assert.deepEqual(r.losses, { unplannedStops: 300, plannedStops: 100, smallStops: 30, slowCycles: 1400 - 30 - 1235, productionRejects: 20, startupRejects: 15 });
  assert.equal(Object.values(r.losses).reduce((a, b) => a + b, 0), 1800 - 1200);
  assert.deepEqual(r.downtimeByReason.map((d) => [d.reason, d.seconds]), [['overheating', 300], ['changeover', 100]]);
  // 10 kW for 900 s + 20 kW for 900 s = 7.5 kWh.
  close(r.energyKwh, 7.5);
  close(r.energyPerGoodUnitKwh, 7.5 / 1200);
});

test('no data before the first state reading is downtime, named noData', () => {
  const r = computeMachineOee({ states: [{ t: 600_000, state: 'running' }], good: [], reject: [], idealCycleTimeSec: 1 }, 0, 3_600_000);
  assert.equal(r.runSec, 3000);
  assert.deepEqual(r.downtimeByReason, [{ state: 'noData', reason: 'noData', seconds: 600, occurrences: 0 }]);
  assert.equal(r.quality, null, 'no parts: Quality is undefined');
  assert.equal(r.oee, 0);
});

const H = 3_600_000;
function machine(id: string, ict: number, downSec: number, good: number, rejects: number) {
  const states: StateSample[] = downSec > 0 ? [{ t: 0, state: 'down' }, { t: downSec * 1000, state: 'running' }] : [{ t: 0, state: 'running' }];
  const result = computeMachineOee({ states, good: [{ t: H, v: good }], reject: [{ t: H, v: rejects }], counterMode: 'increment', idealCycleTimeSec: ict }, 0, H);
  return { id, result };
}

test('line OEE by the bottleneck rule', () => {
  const line = lineOee([machine('m1', 2, 0, 1500, 50), machine('m2', 3, 600, 900, 30), machine('m3', 1, 0, 880, 20)]);
  assert.equal(line.bottleneck, 'm2');
  assert.equal(line.goodCount, 880);
  assert.equal(line.totalCount, 980);
  close(line.availability, 3000 / 3600);
  close(line.performance, (3 * 980) / 3000);
  close(line.quality, 880 / 980);
  close(line.oee, (3 * 880) / 3600);
  assert.ok(Math.abs(Object.values(line.losses).reduce((a, b) => a + b, 0) - (3600 - 3 * 880)) < 1e-9);
});

test('roll-up is time-weighted, and A × P × Q equals OEE exactly', () => {
  const line = lineOee([machine('m1', 2, 0, 1500, 50), machine('m2', 3, 600, 900, 30), machine('m3', 1, 0, 880, 20)]);
  const area = rollup([{ id: 'line-1', result: line }, machine('m4', 2, 0, 1500, 50)]);
  close(area.availability, 6600 / 7200);
  close(area.performance, 6040 / 6600);
  close(area.quality, 5640 / 6040);
  close(area.oee, 5640 / 7200);
  close((area.availability as number) * (area.performance as number) * (area.quality as number), area.oee as number);
  assert.deepEqual(area.units, ['line-1', 'm4']);
});
