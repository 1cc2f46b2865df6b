import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonPatchOperation, TelemetryReceived } from '../../bus/index.js';
import type { Recommendation } from './recommend.js';
import { LiveScorer } from './scorer.js';
import { tinyModel } from './testing.js';

const H = 3_600_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');

function event(deviceId: string, time: number, values: TelemetryReceived['values']): TelemetryReceived {
  const iso = new Date(time).toISOString();
  return { deviceId, sourceTime: iso, arrivalTime: iso, values, properties: {} };
}

function harness() {
  const patches: Array<{ twinId: string; ops: readonly JsonPatchOperation[] }> = [];
  const points: Array<{ series: string; time: number; value: number }> = [];
  const raised: Recommendation[] = [];
  const cleared: string[] = [];
  const scorer = new LiveScorer({
    twins: { patch: async (twinId, ops) => void patches.push({ twinId, ops }) },
    points: { write: async (p) => void points.push(...p) },
    warnings: { raise: async (r) => void raised.push(r), clear: async (d) => void cleared.push(d) },
  });
  return { scorer, patches, points, raised, cleared };
}

/** High band at 0.2 mm/s for two days, then `after` (a jump to 0.6 = dev ≈ ln 3 ≈ 1.1 > 0.5). */
function feed(scorer: LiveScorer, deviceId: string, hours: number, after: (h: number) => number) {
  for (let h = 0; h < hours; h++) {
    for (let m = 0; m < 60; m += 10) {
      scorer.ingest(event(deviceId, T0 + h * H + m * 60_000, { state: 'running', vibrationHighBand: h < 48 ? 0.2 : after(h), vibration: 1.5, goodCount: h * 6 + m / 10, rejectCount: 0 }));
    }
  }
}

test('scores at hour boundaries, writes twin properties, raises and clears a bearing warning', async () => {
  const { scorer, patches, raised, cleared } = harness();
  scorer.setModel(tinyModel(), 7);
  // Days 0–1 healthy; from hour 48 the high band triples; from hour 60 it is back to normal.
  feed(scorer, 'LINE-2-CNC', 80, (h) => (h < 60 ? 0.6 : 0.2));
  await scorer.flush();
  const status = scorer.machine('LINE-2-CNC')!;
  assert.equal(status.info.type, 'cnc');
  assert.equal(status.info.lineId, 'LINE-2');
  // The stump fires while dev > 0.5: raised after two such scorings, cleared after two below half the threshold.
  assert.equal(raised.length, 1);
  assert.equal(raised[0]!.mode, 'bearingWear');
  assert.equal(raised[0]!.action.key, 'pdm.action.bearingWear');
  assert.equal(raised[0]!.action.params['machine'], 'LINE-2 CNC');
  assert.equal(cleared.length, 1);
  const last = new Map<string, unknown>();
  for (const p of patches) for (const op of p.ops) if (op.op === 'add') last.set(op.path, op.value);
  assert.equal(last.get('/modelVersion'), 7);
  // Healthy again at the end: p7 = σ(−4), RUL = 336 h, health = 100 · min(1 − σ(−4), 1) = 98.
  assert.equal(last.get('/failureProbability7d'), Number((1 / (1 + Math.exp(4))).toFixed(4)));
  assert.equal(last.get('/rulHours'), 336);
  assert.equal(last.get('/healthIndex'), 98);
  assert.equal(last.get('/maintenanceRecommendation'), '');
  assert.equal(patches.every((p) => p.twinId === 'LINE-2-CNC'), true);
});

test('while the warning is on, the machine ranks first and carries a recommendation', async () => {
  const { scorer } = harness();
  scorer.setModel(tinyModel(), 1);
  feed(scorer, 'LINE-1-ROBOT', 55, () => 0.2);
  feed(scorer, 'LINE-2-CNC', 55, () => 0.6);
  await scorer.flush();
  const ranked = scorer.machines();
  assert.deepEqual(ranked.map((m) => m.deviceId), ['LINE-2-CNC', 'LINE-1-ROBOT']);
  const rec = scorer.recommendations();
  assert.equal(rec.length, 1);
  // RUL stump says 48 h with a ±20 h interval (bucket ≤ 72 h): due at the cautious end, 28 h.
  assert.equal(rec[0]!.dueInHours, 28);
  assert.equal(rec[0]!.severity, 'critical');
  assert.ok(Math.abs(rec[0]!.confidence - 1 / (1 + Math.exp(-2))) < 1e-12);
  assert.equal(ranked[0]!.prediction!.drivers[0]!.feature, 'vibrationHighBand.dev');
});

test('anomaly scores: per-signal series and the recent maximum on the twin; no model needed', async () => {
  const { scorer, patches, points } = harness();
  for (let i = 0; i < 400; i++) {
    const spike = i === 300 ? 50 : 1 + 0.01 * Math.sin(i);
    scorer.ingest(event('L1-QC', T0 + i * 60_000, { state: 'running', temperature: 30 + 0.1 * Math.sin(i / 5), pressure: 6 * spike }));
  }
  await scorer.flush();
  const pressure = points.filter((p) => p.series === 'L1-QC/anomaly:pressure');
  assert.ok(pressure.length >= 390, 'one point a minute');
  const at = pressure.find((p) => p.time === T0 + 300 * 60_000)!;
  assert.ok(at.value > 0.5, `the spike scores high (${at.value})`);
  const anomalyPatches = patches.flatMap((p) => p.ops).filter((op) => op.path === '/anomalyScore');
  assert.ok(anomalyPatches.some((op) => op.op === 'add' && (op.value as number) > 0.5));
  assert.equal(scorer.machine('L1-QC')!.prediction, undefined);
});
