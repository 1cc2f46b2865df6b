/**
 * Every operating state of the issue (running, idle, starved, blocked, setup, planned stop, down,
 * maintenance) with its documented reasons shows up in the message stream of a small line driven by a
 * shift calendar, its neighbours and operator commands; and cycle times vary as documented.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PlantConfig } from './config.js';
import { MACHINE_STATES } from './telemetry.js';
import { HOUR, mean, MINUTE, quiet, run, START } from './testing/fixtures.js';

test('every operating state and reason appears, each when the calendar, the neighbours or a command says', () => {
  // Weekdays 06:00–22:00 with a break at 10:00; Thursday 06:00–08:00 planned maintenance.
  // START is Wednesday 2026-01-07 00:00 UTC.
  const config: PlantConfig = {
    calendar: {
      shifts: [{ name: 'D', start: '06:00', hours: 16, days: ['mon', 'tue', 'wed', 'thu', 'fri'], breaks: [{ start: '10:00', minutes: 30 }] }],
      plannedMaintenance: [{ day: 'thu', start: '06:00', hours: 2 }],
    },
    anomaliesPerDevicePerDay: 0,
    sensorFaultsPerDevicePerDay: 0,
    lines: [{
      id: 'X',
      buffers: 2,
      machines: [
        // The CNC's cooling is nearly gone: it overheats within the first hour of running.
        { type: 'cnc', minorStopsPerHour: 2, degradation: { overheating: { initialHealth: 0.02, lifeDays: 1 } } },
        quiet({ type: 'robot', changeoverEveryParts: [40, 60], changeoverMinutes: [5, 10] }),
        quiet({ type: 'quality' }),
      ],
    }],
  };
  const r = run(config, { sampleIntervalMs: 30_000 });
  const at = (hhmm: string, day = 0) => START + day * 24 * HOUR + Number(hhmm.slice(0, 2)) * HOUR + Number(hhmm.slice(3)) * MINUTE;
  const to = (t: number) => r.advance(t - r.plant.now);
  to(at('12:00'));
  r.plant.device('X-QC').invokeMethod('setSpeed', { speed: 0 }); // operator stops inspection: idle; the robot fills the buffer and blocks
  to(at('12:45'));
  r.plant.device('X-QC').invokeMethod('setSpeed', { speed: 2.7 });
  to(at('14:00'));
  r.plant.device('X-ROBOT').invokeMethod('emergencyStop', {});
  to(at('14:10'));
  r.plant.device('X-ROBOT').invokeMethod('reset', {});
  to(at('16:00'));
  r.plant.device('X-QC').invokeMethod('performMaintenance', { minutes: 30 });
  to(at('08:30', 1));

  const seen = new Set(r.messages.map((m) => `${m.body.state}:${m.body.stateReason ?? ''}`));
  const expected = [
    'running:', 'idle:stoppedByOperator', 'starved:upstreamEmpty', 'blocked:downstreamFull', 'setup:changeover',
    'plannedStop:break', 'plannedStop:noShift', 'plannedStop:plannedMaintenance',
    'down:minorStop', 'down:overheating', 'down:emergencyStop', 'maintenance:corrective', 'maintenance:requested',
  ];
  for (const e of expected) assert.ok(seen.has(e), `${e} (seen: ${[...seen].sort().join(', ')})`);
  assert.deepEqual(new Set([...seen].map((s) => s.split(':')[0])), new Set(MACHINE_STATES));

  // Each where it belongs: the break and the night by the calendar, for every station at once.
  const stateAt = (id: string, t: number) => r.messages.find((m) => m.deviceId === id && m.time >= t)!.body;
  for (const id of ['X-CNC', 'X-ROBOT', 'X-QC']) {
    assert.equal(stateAt(id, at('10:05')).stateReason, 'break');
    assert.equal(stateAt(id, at('23:00')).stateReason, 'noShift');
    assert.equal(stateAt(id, at('07:00', 1)).stateReason, 'plannedMaintenance');
  }
  assert.equal(stateAt('X-QC', at('12:30')).state, 'idle');
  assert.equal(stateAt('X-ROBOT', at('12:40')).state, 'blocked');
  assert.equal(stateAt('X-ROBOT', at('14:05')).stateReason, 'emergencyStop');
  assert.equal(stateAt('X-QC', at('14:09')).state, 'starved');
  assert.equal(stateAt('X-QC', at('16:15')).stateReason, 'requested');
  const overheated = r.labels.find((l) => l.kind === 'failure' && l.deviceId === 'X-CNC');
  assert.equal(overheated?.mode, 'overheating');
  // 0.02 of cooling health at 0.9 load and a one-day life: ≈ 32 running minutes after 06:00.
  assert.ok(Date.parse(overheated!.time) > at('06:20') && Date.parse(overheated!.time) < at('07:00'), overheated!.time);
});

test('cycle times vary around the nominal time, a little slow on average and never much faster', () => {
  // CNC: nominal 40 s × 12,000 / 10,800 rpm = 44.44 s; real = nominal × max(0.98, 1 + N(0.025, 0.04)).
  // E[max(a, Y)] for Y ~ N(μ, σ), z = (a − μ)/σ = −1.125: a·Φ(z) + μ·(1 − Φ(z)) + σ·φ(z)
  //   = 0.98 × 0.1303 + 1.025 × 0.8697 + 0.04 × 0.2119 = 1.0276 → 45.67 s; the floor 43.56 s.
  const r = run({ calendar: { shifts: [{ name: 'X', start: '00:00', hours: 24 }] }, anomaliesPerDevicePerDay: 0, sensorFaultsPerDevicePerDay: 0, lines: [{ id: 'L', machines: [quiet({ type: 'cnc' })] }] }, { sampleIntervalMs: 10_000 });
  const msgs = r.advance(12 * HOUR);
  const cycles: number[] = [];
  for (let i = 1; i < msgs.length; i++) {
    const parts = (k: number) => msgs[k]!.body.goodCount + msgs[k]!.body.rejectCount;
    if (parts(i) === parts(i - 1) + 1) cycles.push(msgs[i]!.body.cycleTime);
  }
  assert.ok(cycles.length > 800, `${cycles.length} parts`);
  assert.ok(Math.abs(mean(cycles) - 45.67) < 0.4, `mean ${mean(cycles).toFixed(2)} s`);
  assert.ok(Math.min(...cycles) >= 43.55, `fastest ${Math.min(...cycles)} s`);
  const atFloor = cycles.filter((c) => c < 43.57).length / cycles.length;
  assert.ok(atFloor > 0.08 && atFloor < 0.18, `${(atFloor * 100).toFixed(1)} % at the floor (Φ(−1.125) = 13 %)`);
  assert.ok(new Set(cycles).size > 200, 'they vary');
});
