import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PlantConfig } from '../../sim/index.js';
import { historySourceFrom, labelSourceFrom, type PointReader } from './history-adapters.js';
import { simulateHistory } from './sim-data.js';

const H = 3_600_000;
const T0 = Date.parse('2026-01-10T00:00:00Z');

/** An in-memory history: series → points; reads honour [from, to) and return time order. */
function memoryReader(numbers: Record<string, Array<[number, number]>>, texts: Record<string, Array<[number, string]>>): PointReader & { reads: string[] } {
  const reads: string[] = [];
  const pick = <V>(rows: Array<[number, V]> | undefined, from: Date, to: Date) =>
    (rows ?? []).filter(([t]) => t >= from.getTime() && t < to.getTime()).sort((a, b) => a[0] - b[0]);
  return {
    reads,
    async readPoints(series, from, to) {
      reads.push(series);
      return pick(numbers[series], from, to).map(([t, value]) => ({ time: new Date(t), value }));
    },
    // The storage port's TextPoint shape (`text`), which the adapter accepts as well as `value`.
    async readTextPoints(series, from, to) {
      reads.push(series);
      return pick(texts[series], from, to).map(([t, text]) => ({ time: new Date(t), text }));
    },
  };
}

test('readSeries joins number and text series of a machine on source time, inside [from, to)', async () => {
  const reader = memoryReader(
    { 'cnc-7/vibration': [[T0, 1.5], [T0 + 60_000, 1.6], [T0 + 2 * H, 9]], 'cnc-7/goodCount': [[T0 + 60_000, 10]] },
    { 'cnc-7/state': [[T0, 'running'], [T0 + 60_000, 'down']], 'cnc-7/stateReason': [[T0 + 60_000, 'minorStop']] },
  );
  const source = historySourceFrom(reader, () => [{ deviceId: 'dev-7', twinId: 'cnc-7', type: 'cnc' }]);
  assert.deepEqual((await source.machines()).map((m) => m.deviceId), ['dev-7']);
  const got = await source.readSeries('dev-7', ['state', 'stateReason', 'vibration', 'goodCount'], T0, T0 + H);
  assert.deepEqual(got, [
    { time: T0, values: { state: 'running', vibration: 1.5 } },
    { time: T0 + 60_000, values: { state: 'down', stateReason: 'minorStop', vibration: 1.6, goodCount: 10 } },
  ]);
  // Text signals are read from the text points, the others from the number points, by the twin's series name.
  assert.deepEqual([...reader.reads].sort(), ['cnc-7/goodCount', 'cnc-7/state', 'cnc-7/stateReason', 'cnc-7/vibration']);
});

test('bare machine ids: series named by the id, type and line read off the demo convention', async () => {
  const source = historySourceFrom(memoryReader({ 'LINE-2-CNC/power': [[T0, 4000]] }, {}), async () => ['LINE-2-CNC']);
  assert.deepEqual(await source.machines(), [{ deviceId: 'LINE-2-CNC', lineId: 'LINE-2', type: 'cnc' }]);
  assert.deepEqual(await source.readSeries('LINE-2-CNC', ['power'], T0, T0 + 1), [{ time: T0, values: { power: 4000 } }]);
});

test('failures are read off the state history: down with a mode, then corrective maintenance', async () => {
  const s = (h: number, state: string, reason?: string) => ({ h, state, reason });
  const timeline = [
    s(-2, 'down', 'bearingWear'), s(-1, 'maintenance', 'corrective'), s(1, 'running'), // began before the window
    s(10, 'running'), s(10.2, 'down', 'minorStop'), s(10.4, 'running'), // a jam is not a failure
    s(20, 'down', 'pressureLeak'), s(20.5, 'maintenance', 'corrective'), s(22, 'running'),
    s(30, 'down', 'emergencyStop'), s(31, 'running'), // nor is an emergency stop
    s(40, 'down', 'toolWear'), s(40.5, 'maintenance', 'corrective'), s(41, 'down', 'bearingWear'), s(42, 'maintenance', 'corrective'), s(47, 'running'),
    s(48, 'maintenance', 'requested'), s(49, 'running'), // requested maintenance is not a failure
    s(50, 'down', 'overheating'), // still down when the window ends
    s(52, 'down', 'toolWear'), // at `to`: outside
  ];
  const state: Array<[number, string]> = timeline.map((e) => [T0 + e.h * H, e.state]);
  const reason: Array<[number, string]> = timeline.filter((e) => e.reason).map((e) => [T0 + e.h * H, e.reason!]);
  const labels = labelSourceFrom(memoryReader({}, { 'L1-ROBOT/state': state, 'L1-ROBOT/stateReason': reason }), () => ['L1-ROBOT']);
  assert.deepEqual(await labels.failures(T0, T0 + 52 * H), [
    { deviceId: 'L1-ROBOT', mode: 'pressureLeak', time: T0 + 20 * H, end: T0 + 22 * H },
    { deviceId: 'L1-ROBOT', mode: 'toolWear', time: T0 + 40 * H, end: T0 + 41 * H },
    { deviceId: 'L1-ROBOT', mode: 'bearingWear', time: T0 + 41 * H, end: T0 + 47 * H },
    { deviceId: 'L1-ROBOT', mode: 'overheating', time: T0 + 50 * H },
  ]);
  // A window starting inside the leak's repair does not report the leak (it began before).
  assert.deepEqual((await labels.failures(T0 + 21 * H, T0 + 39 * H)).map((f) => f.mode), []);
});

test('failures read off simulated telemetry match the simulator’s ground-truth labels', async () => {
  const from = Date.parse('2026-01-05T00:00:00Z'), to = from + 12 * 24 * H;
  // Four single-CNC lines whose bearings fail within days (as in e2e.test.ts), leaks and tools as default.
  const plant: PlantConfig = {
    lines: [0.3, 0.4, 0.5, 0.6].map((wear, i) => ({ id: `L${i + 1}`, machines: [{ type: 'cnc' as const, degradation: { bearingWear: { initialHealth: 1 - wear, lifeDays: 8 } } }] })),
  };
  const texts: Record<string, Array<[number, string]>> = {};
  const truth = simulateHistory({ plant, seed: 3, from, to }, () => (deviceId, s) => {
    for (const signal of ['state', 'stateReason']) {
      const v = s.values[signal];
      if (typeof v === 'string') (texts[`${deviceId}/${signal}`] ??= []).push([s.time, v]);
    }
  });
  const got = await labelSourceFrom(memoryReader({}, texts), () => truth.machines).failures(from, to);
  assert.ok(truth.failures.length >= 3, `the run holds failures (${truth.failures.length})`);
  assert.equal(got.length, truth.failures.length, JSON.stringify({ got, truth: truth.failures }));
  // Telemetry comes once a minute, and a sample reports the state decided at the start of its 10 s
  // physics step (docs/simulator.md §Samples): the first message showing a change is at most
  // 60 s + 10 s after it.
  truth.failures.forEach((f, i) => {
    const g = got[i]!;
    assert.equal(g.deviceId, f.deviceId);
    assert.equal(g.mode, f.mode);
    assert.ok(g.time >= f.time && g.time - f.time <= 70_000, `${f.mode} at ${new Date(f.time).toISOString()}, read ${new Date(g.time).toISOString()}`);
    if (f.end !== undefined && g.end !== undefined) assert.ok(g.end >= f.end && g.end - f.end <= 70_000, `back in service ${new Date(f.end).toISOString()}, read ${new Date(g.end).toISOString()}`);
  });
});
