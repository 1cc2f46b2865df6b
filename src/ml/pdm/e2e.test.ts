/**
 * End to end on a small simulated plant: train on one seed, run the live scorer over another, and
 * require that a developing bearing failure is warned about before it happens. Four single-CNC
 * lines with short bearing lives (8 running days, starting part-worn) fail within days, so a few
 * simulated weeks hold enough failures; everything else is the simulator's default behaviour.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePdm } from './evaluate.js';
import { SMALL_TRAIN, smallBearingPlant } from './testing-sim.js';

const DAY = 86_400_000;

test('a developing bearing failure in a held-out run is warned about before it happens', async () => {
  const from = Date.parse('2026-01-05T00:00:00Z');
  const report = await evaluatePdm({
    train: { plant: smallBearingPlant(), seed: 1, from, to: from + 10 * DAY },
    test: { plant: smallBearingPlant(), seed: 2, from, to: from + 7 * DAY },
    warmUpDays: 2,
    trainOptions: SMALL_TRAIN,
  });
  const bearing = report.all.perFailure.filter((f) => f.mode === 'bearingWear');
  assert.ok(bearing.length >= 2, `the test run holds bearing failures (${bearing.length})`);
  const warned = bearing.filter((f) => f.detected);
  assert.ok(warned.length >= bearing.length / 2, `most bearing failures were warned about (${warned.length} of ${bearing.length})`);
  for (const f of warned) assert.ok(f.leadHours! > 12, `warned ${f.leadHours} h ahead`);
  assert.ok(report.model.modes[0]!.classifiers.every((c) => c.metrics.positives > 0));
});
