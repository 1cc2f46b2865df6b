import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rollup } from '../../analytics/index.js';
import { rollupTrend } from '../../../web/src/lib/rollup.js';
import { normaliseOee, type Oee } from '../../../web/src/lib/normalise.js';

const FROM = '2026-03-02T06:00:00.000Z';
const TO = '2026-03-02T07:00:00.000Z';

/** A line's result for one bucket with the totals that matter for the roll-up (the rest zero). */
function result(planned: number, productive: number, run = planned) {
  return {
    from: FROM, to: TO, shiftSec: planned, plannedStopSec: 0, plannedProductionSec: planned, runSec: run, downtimeSec: planned - run,
    totalCount: 0, goodCount: 0, rejectCount: 0, startupRejectCount: 0, idealRunSec: productive, productiveSec: productive,
    availability: run / planned, performance: productive / run, quality: 1, oee: productive / planned,
    losses: { unplannedStops: 0, plannedStops: 0, smallStops: 0, slowCycles: 0, productionRejects: 0, startupRejects: 0 },
    failures: 0, mtbfSec: null, mttrSec: null, energyKwh: null, energyPerGoodUnitKwh: null,
  };
}

test('the plant trend rolls lines up by time, as the analytics roll-up does, not by averaging', () => {
  const a = result(600, 300); // OEE 0.5
  const b = result(400, 100); // OEE 0.25
  const rows = [[normaliseOee(a)!], [normaliseOee(b)!]];
  const [point] = rollupTrend(rows);
  // (300 + 100) / (600 + 400) = 0.4, where the mean of the two would be 0.375.
  assert.equal(point!.v, 0.4);
  assert.equal(point!.t, Date.parse(FROM));
  // The same figure as the server's own roll-up of these two lines.
  assert.equal(rollup([{ id: 'A', result: a }, { id: 'B', result: b }]).oee, point!.v);
});

test('a bucket counts only when every line has it; nothing planned, no figure', () => {
  const a = normaliseOee(result(600, 300))!;
  const later = { ...a, from: a.from + 3_600_000 } satisfies Oee;
  const b = normaliseOee(result(400, 100))!;
  assert.deepEqual(rollupTrend([[a, later], [b]]).map((p) => p.t), [a.from]);
  const idle = normaliseOee({ ...result(1, 0), plannedProductionSec: 0, oee: null })!;
  assert.deepEqual(rollupTrend([[idle]]), []);
  assert.deepEqual(rollupTrend([]), []);
});
