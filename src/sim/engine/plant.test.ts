import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoPlant, type PlantConfig } from './config.js';
import type { Label } from './labels.js';
import { createPlant } from './plant.js';
import type { TelemetryMessage } from './telemetry.js';
import { HOUR, mean, START } from './testing/fixtures.js';

const DAY = 24 * HOUR;

function collect(config: PlantConfig, seed: number | string, ms: number, sampleIntervalMs = 10_000, stepMs = 1000) {
  const labels: Label[] = [];
  const messages: TelemetryMessage[] = [];
  const plant = createPlant(config, { seed, start: START, sampleIntervalMs, stepMs, onLabel: (l) => labels.push(l) });
  plant.advanceTo(START + ms, (m) => messages.push(m));
  plant.flushLabels();
  return { plant, labels, messages };
}

test('same seed → the identical message and label streams; another seed → different ones', () => {
  const a = collect(demoPlant(), 42, 3 * HOUR);
  const b = collect(demoPlant(), 42, 3 * HOUR);
  const c = collect(demoPlant(), 43, 3 * HOUR);
  assert.equal(a.messages.length, 12 * 3 * 360);
  assert.equal(JSON.stringify(a.messages), JSON.stringify(b.messages));
  assert.equal(JSON.stringify(a.labels), JSON.stringify(b.labels));
  assert.notEqual(JSON.stringify(a.messages), JSON.stringify(c.messages));
});

test('adding a line does not change the streams of the existing lines', () => {
  const base = demoPlant();
  const bigger: PlantConfig = { ...base, lines: [...base.lines, { id: 'LINE-4', machines: [{ type: 'cnc' }, { type: 'quality' }] }] };
  const a = collect(base, 7, 2 * HOUR);
  const b = collect(bigger, 7, 2 * HOUR);
  const line1 = (r: typeof a) => JSON.stringify(r.messages.filter((m) => m.deviceId.startsWith('LINE-1-')));
  assert.equal(line1(a), line1(b));
});

test('sampling more or less often does not change what happens in the plant', () => {
  const fine = collect(demoPlant(), 5, 6 * HOUR, 1000);
  const coarse = collect(demoPlant(), 5, 6 * HOUR, 300_000);
  for (const m of fine.plant.machines) {
    const other = coarse.plant.machine(m.id);
    assert.deepEqual([m.goodCount, m.rejectCount, m.state], [other.goodCount, other.rejectCount, other.state], m.id);
  }
});

test('every sample has a source timestamp on its device\'s grid, in time order', () => {
  const { messages } = collect(demoPlant(), 1, HOUR, 5000);
  const byDevice = new Map<string, number[]>();
  for (const m of messages) {
    assert.equal(Date.parse(m.body.timestamp), m.time);
    byDevice.set(m.deviceId, [...(byDevice.get(m.deviceId) ?? []), m.time]);
  }
  for (const times of byDevice.values()) {
    assert.equal(times.length, 720);
    for (let i = 1; i < times.length; i++) assert.equal(times[i]! - times[i - 1]!, 5000); // a stable rate per device
  }
  for (let i = 1; i < messages.length; i++) assert.ok(messages[i]!.time >= messages[i - 1]!.time);
});

/**
 * Standard OEE at the line's constraint (its CNC): Availability = running time / planned production
 * time; Performance = ideal cycle time × total count / running time; Quality = good / total.
 */
function lineOee(messages: TelemetryMessage[], deviceId: string, plannedS: number, idealCycleS: number, sampleS: number) {
  const mine = messages.filter((m) => m.deviceId === deviceId);
  const runS = mine.filter((m) => m.body.state === 'running').length * sampleS;
  const last = mine.at(-1)!.body;
  const total = last.goodCount + last.rejectCount;
  const a = runS / plannedS;
  const p = (idealCycleS * total) / runS;
  const q = last.goodCount / total;
  return { a, p, q, oee: a * p * q };
}

test('a demo-plant day: every line\'s OEE is between 55 % and 85 %, with stops that have reasons, and scrap', () => {
  // Wednesday 2026-01-07: 21.75 h of planned production (24 h minus three shifts' 45 min of breaks).
  const plannedS = 21.75 * 3600;
  for (const seed of [42, 2026]) {
    const { messages } = collect(demoPlant(), seed, DAY, 10_000);
    for (const line of ['LINE-1', 'LINE-2', 'LINE-3']) {
      const r = lineOee(messages, `${line}-CNC`, plannedS, 40, 10);
      assert.ok(r.oee >= 0.55 && r.oee <= 0.85, `${line} seed ${seed}: OEE ${r.oee.toFixed(3)} (A ${r.a.toFixed(3)} P ${r.p.toFixed(3)} Q ${r.q.toFixed(3)})`);
      assert.ok(r.q < 1, 'some scrap');
    }
    const reasons = new Set(messages.filter((m) => m.body.state !== 'running').map((m) => `${m.body.state}:${m.body.stateReason}`));
    for (const expected of ['plannedStop:break', 'setup:changeover', 'down:minorStop', 'starved:upstreamEmpty']) assert.ok(reasons.has(expected), expected);
    assert.ok(messages.every((m) => (m.body.state === 'running') === (m.body.stateReason === undefined)), 'a reason for every stop, none while running');
  }
});

test('a backfilled month shows the demo bearing failure developing days before it happens', () => {
  // 10-second physics steps keep this test quick; wear is integrated exactly, so the story is the same.
  const { messages, labels } = collect(demoPlant(), 42, 31 * DAY, 30 * 60_000, 10_000);
  const failure = labels.find((l) => l.kind === 'failure' && l.deviceId === 'LINE-2-CNC' && l.mode === 'bearingWear');
  assert.ok(failure, 'LINE-2-CNC bearing failed within the month');
  const at = Date.parse(failure.time);
  assert.ok(at > START + 14 * DAY, `fails after two weeks (${failure.time})`);
  const running = (from: number, to: number) =>
    messages.filter((m) => m.deviceId === 'LINE-2-CNC' && m.body.state === 'running' && m.time >= from && m.time < to && m.body.vibration !== undefined);
  const baseline = running(START, START + 3 * DAY);
  const weekBefore = running(at - 8 * DAY, at - 5 * DAY);
  const vib = (xs: TelemetryMessage[]) => mean(xs.map((m) => m.body.vibration!));
  const band = (xs: TelemetryMessage[]) => mean(xs.map((m) => m.body.vibrationHighBand!));
  // Five days ahead the overall level is up by a third and the bearing band has more than doubled.
  assert.ok(vib(weekBefore) > 1.3 * vib(baseline), `vibration ${vib(baseline).toFixed(2)} → ${vib(weekBefore).toFixed(2)} mm/s`);
  assert.ok(band(weekBefore) > 2 * band(baseline), `high band ${band(baseline).toFixed(2)} → ${band(weekBefore).toFixed(2)} mm/s`);
  // The label says when the health crossed one half: at least a week before the failure.
  assert.ok(at - Date.parse(String(failure.detail!.degradingSince)) > 7 * DAY);
});

test('labels match the message stream: failures are down states with that reason, dropouts are missing fields', () => {
  // A plant tuned to fail often: short bearing and cooling lives, many sensor faults.
  const config: PlantConfig = {
    sensorFaultsPerDevicePerDay: 6,
    anomaliesPerDevicePerDay: 6,
    lines: [{
      id: 'X',
      machines: [
        { type: 'cnc', degradation: { bearingWear: { lifeDays: 0.6 }, overheating: { lifeDays: 0.8 } } },
        { type: 'robot', degradation: { bearingWear: { lifeDays: 0.7 }, pressureLeak: { onsetAfterDays: 0.2, growthDays: 0.3 } } },
      ],
    }],
  };
  const { messages, labels } = collect(config, 9, 4 * DAY, 60_000);
  const failures = labels.filter((l) => l.kind === 'failure' && l.end);
  assert.ok(failures.length >= 4, `${failures.length} failures`);
  const FAILURE_REASONS = new Set(['bearingWear', 'overheating', 'toolWear', 'pressureLeak']);
  for (const f of failures) {
    const from = Date.parse(f.time);
    const to = Date.parse(f.end!);
    const window = messages.filter((m) => m.deviceId === f.deviceId && m.time >= from && m.time < to);
    assert.ok(window.length > 0);
    assert.deepEqual([window[0]!.body.state, window[0]!.body.stateReason], ['down', f.mode], `${f.deviceId} ${f.time}`);
    assert.ok(window.every((m) => m.body.state !== 'running'));
  }
  // Conversely, every entry into a failure-caused down state has its failure label.
  for (const deviceId of ['X-CNC', 'X-ROBOT']) {
    const mine = messages.filter((m) => m.deviceId === deviceId);
    for (let i = 1; i < mine.length; i++) {
      const m = mine[i]!;
      const prev = mine[i - 1]!;
      if (m.body.state === 'down' && FAILURE_REASONS.has(m.body.stateReason!) && prev.body.stateReason !== m.body.stateReason) {
        assert.ok(labels.some((l) => l.kind === 'failure' && l.deviceId === deviceId && l.mode === m.body.stateReason && Date.parse(l.time) <= m.time && Date.parse(l.time) > prev.time),
          `${deviceId} down at ${m.body.timestamp}`);
      }
    }
  }
  const dropouts = labels.filter((l) => l.kind === 'sensorFault' && l.mode === 'dropout' && l.end);
  assert.ok(dropouts.length > 0);
  for (const d of dropouts) {
    const sensor = String(d.detail!.sensor) as 'temperature' | 'vibration' | 'power' | 'pressure';
    const window = messages.filter((m) => m.deviceId === d.deviceId && m.time >= Date.parse(d.time) && m.time < Date.parse(d.end!));
    assert.ok(window.every((m) => m.body[sensor] === undefined), `${d.deviceId} ${sensor} dropout at ${d.time}`);
  }
  const stuck = labels.filter((l) => l.kind === 'sensorFault' && l.mode === 'stuck' && l.end);
  for (const s of stuck) {
    const sensor = String(s.detail!.sensor) as 'temperature';
    const values = messages.filter((m) => m.deviceId === s.deviceId && m.time >= Date.parse(s.time) && m.time < Date.parse(s.end!)).map((m) => m.body[sensor]);
    assert.ok(new Set(values.filter((v) => v !== undefined)).size <= 1, `${s.deviceId} ${sensor} stuck at ${s.time}`);
  }
});
