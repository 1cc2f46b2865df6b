/**
 * The live scorer's failure warning through `warningSinkFrom` into the real alerts context: one
 * external alert per machine, raised with the recommendation and cleared when the warning ends.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertService, MemoryAlertStore } from '../../alerts/index.js';
import { createMemoryStorage } from '../../storage/index.js';
import { PDM_ALERT_SOURCE, warningSinkFrom } from './port-adapters.js';
import { LiveScorer } from './scorer.js';
import { tinyModel } from './testing.js';

const H = 3_600_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');

test('a bearing warning becomes one external alert with the work order, resolved when the warning clears', async () => {
  const store = createMemoryStorage();
  await store.open();
  const alertStore = new MemoryAlertStore();
  const alerts = new AlertService({ store, seedDefaults: false, tickMs: 0, scopeRefreshMs: 0, alertStore });
  await alerts.start();
  try {
    const errors: unknown[] = [];
    const scorer = new LiveScorer({ warnings: warningSinkFrom(alerts), onError: (e) => errors.push(e) });
    scorer.setModel(tinyModel(), 1);
    // As in scorer.test.ts: high band 0.2 mm/s for two days, tripled from hour 48 (the hand-written
    // model warns while it is more than e^0.5 above its 14-day median), normal again from hour 60.
    const feed = (from: number, to: number) => {
      for (let h = from; h < to; h++) {
        for (let m = 0; m < 60; m += 10) {
          scorer.push('LINE-2-CNC', { time: T0 + h * H + m * 60_000, values: { state: 'running', vibrationHighBand: h >= 48 && h < 60 ? 0.6 : 0.2, vibration: 1.5, goodCount: h * 6 + m / 10, rejectCount: 0 } });
        }
      }
    };
    feed(0, 55);
    await scorer.flush();
    const open = await alerts.query({});
    assert.equal(open.length, 1);
    const a = open[0]!;
    assert.equal(a.ruleId, `external:${PDM_ALERT_SOURCE}`);
    assert.deepEqual(a.external, { source: 'pdm', key: 'LINE-2-CNC' });
    assert.equal(a.twinId, 'LINE-2-CNC');
    assert.equal(a.state, 'active');
    assert.equal(a.messageKey, 'pdm.action.bearingWear');
    assert.match(String(a.title), /^Replace the spindle bearing of LINE-2 CNC/);
    assert.match(String(a.message), /Why: .*high-band/);
    assert.equal((a.details as { mode: string }).mode, 'bearingWear');
    // Worked by hand: at boundary b the level is the mean of hours b−6…b−1 and the reference the
    // median of the 24-hour block means ending at b−1. b = 50: level (4·0.2 + 2·0.6)/6 = 0.333,
    // blocks 0.2333 and 0.2 → median 0.2167, ln(0.333/0.2167) = 0.43 < 0.5. b = 51: level 0.4,
    // blocks 0.25 and 0.2 → 0.225, ln(0.4/0.225) = 0.58 > 0.5. Two scorings above (51, 52): raised at 52.
    assert.equal(a.raisedAt, new Date(T0 + 52 * H).toISOString());
    feed(55, 80);
    await scorer.flush();
    const after = await alerts.query({});
    assert.equal(after.length, 1, 'the same alert, not a second one');
    assert.notEqual(after[0]!.state, 'active');
    assert.deepEqual(errors, []);
  } finally {
    await alerts.stop();
    await store.close();
  }
});
