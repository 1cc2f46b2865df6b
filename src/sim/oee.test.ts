/**
 * "A believable day", measured by the platform's own OEE engine (src/analytics, through its
 * index.ts) rather than by the simulator's idea of OEE: a weekday of the demo plant's telemetry —
 * state, stateReason, goodCount, rejectCount as the devices report them — gives every line an OEE
 * between 55 % and 85 %, stops with reasons, and scrap.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeMachineOee, lineOee } from '../analytics/index.js';
import { createPlant } from './engine/plant.js';
import { demoPlant } from './engine/config.js';
import type { TelemetryMessage } from './engine/telemetry.js';

type LineUnit = Parameters<typeof lineOee>[0][number];
const DAY = 86_400_000;
// Wednesday 2026-01-07; the plant starts an hour earlier so every machine has a reading before the window.
const FROM = Date.parse('2026-01-07T00:00:00Z');

test('the platform\'s OEE over a simulated weekday: every demo line between 55 % and 85 %, with stop reasons and scrap', (t) => {
  for (const seed of [42, 7]) {
    const plant = createPlant(demoPlant(), { seed, start: FROM - 3_600_000, sampleIntervalMs: 10_000 });
    const byDevice = new Map<string, TelemetryMessage[]>();
    plant.advanceTo(FROM + DAY, (m) => {
      let list = byDevice.get(m.deviceId);
      if (!list) byDevice.set(m.deviceId, (list = []));
      list.push(m);
    });
    for (const line of plant.lines) {
      const units: LineUnit[] = line.stations.map((machine) => {
        const msgs = byDevice.get(machine.id)!;
        const result = computeMachineOee({
          states: msgs.map((m) => ({ t: m.time, state: m.body.state, reason: m.body.stateReason })),
          good: msgs.map((m) => ({ t: m.time, v: m.body.goodCount })),
          reject: msgs.map((m) => ({ t: m.time, v: m.body.rejectCount })),
          counterMode: 'cumulative',
          idealCycleTimeSec: machine.idealCycleTime,
        }, FROM, FROM + DAY);
        return { id: machine.id, result };
      });
      const r = lineOee(units);
      t.diagnostic(`seed ${seed} ${line.id}: OEE ${r.oee?.toFixed(3)} (A ${r.availability?.toFixed(3)} P ${r.performance?.toFixed(3)} Q ${r.quality?.toFixed(3)}), ${r.goodCount} good, ${r.rejectCount} rejects`);
      assert.ok(r.oee !== null && r.oee >= 0.55 && r.oee <= 0.85, `seed ${seed} ${line.id}: OEE ${r.oee}`);
      assert.ok(r.rejectCount > 0, 'scrap');
      // 24 h − 3 shifts × 45 min of breaks = 21.75 h planned at the bottleneck (the CNC reports its breaks).
      assert.ok(Math.abs(r.plannedProductionSec - 21.75 * 3600) < 60, `${r.plannedProductionSec} s planned`);
      const cnc = units[0]!.result;
      const reasons = new Set(cnc.downtimeByReason.map((d) => `${d.state}:${d.reason}`));
      assert.ok(reasons.has('setup:changeover') && reasons.has('down:minorStop'), [...reasons].join(', '));
      assert.ok(!reasons.has('noData:noData'), 'no gaps in the data');
    }
  }
});
