import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DatasetBuilder, horizonLabels, rulTargets, type Dataset } from './dataset.js';
import { FEATURE_COUNT } from './features/catalogue.js';
import { inferMachineInfo } from './machines.js';

const H = 3_600_000;

function labelsOnly(rows: Array<[machine: number, hour: number, inFailure?: boolean]>): Dataset {
  return {
    featureNames: [], rows: rows.length, x: new Float64Array(0),
    machines: [{ deviceId: 'A' }, { deviceId: 'B' }],
    machine: Int32Array.from(rows, (r) => r[0]), time: Float64Array.from(rows, (r) => r[1] * H),
    inFailure: Uint8Array.from(rows, (r) => (r[2] ? 1 : 0)),
    window: { from: 0, to: 200 * H }, labelsUntil: 220 * H,
    failures: [{ deviceId: 'A', mode: 'bearingWear', time: 100 * H }, { deviceId: 'B', mode: 'pressureLeak', time: 30 * H }],
  };
}

test('horizon labels: strictly after t, within the horizon; censored when the future is unknown', () => {
  const ds = labelsOnly([[0, 80], [0, 70], [0, 100, true], [0, 120], [0, 199], [1, 10], [1, 40]]);
  // A@80: failure 20 h later → 1. A@70: 30 h → 0. A@100: failed → −1. A@120: none, 144 ≤ 220 → 0.
  // A@199: 223 > 220 → censored. B has no bearing failure.
  assert.deepEqual(Array.from(horizonLabels(ds, 'bearingWear', 24 * H)), [1, 0, -1, 0, -1, 0, 0]);
  // Any mode: B@10 sees its leak 20 h later.
  assert.deepEqual(Array.from(horizonLabels(ds, undefined, 24 * H)), [1, 0, -1, 0, -1, 1, 0]);
  assert.deepEqual(Array.from(horizonLabels(ds, ['pressureLeak'], 24 * H)), [0, 0, -1, 0, -1, 1, 0]);
});

test('RUL targets: hours to the next failure, capped; NaN when censored or failed', () => {
  const ds = labelsOnly([[0, 80], [0, 10], [0, 190], [0, 100, true]]);
  const r = rulTargets(ds, 'bearingWear', 48 * H);
  assert.equal(r[0], 20);
  assert.equal(r[1], 48, '90 h away: the cap');
  assert.ok(Number.isNaN(r[2]!), '190 + 48 > 220: unknown');
  assert.ok(Number.isNaN(r[3]!));
});

test('builder: one row per machine per hour boundary inside [from, to); unknown devices inferred or ignored', () => {
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const b = new DatasetBuilder([{ deviceId: 'L1-CNC', type: 'cnc' }], { from: t0 + 2 * H, to: t0 + 5 * H, tracker: { anomaly: false }, infer: (d) => inferMachineInfo(d) });
  for (let m = 0; m < 7 * 60; m += 10) {
    b.push('L1-CNC', { time: t0 + m * 60_000, values: { state: 'running', vibration: 1 } });
    b.push('L2-ROBOT', { time: t0 + m * 60_000 + 5_000, values: { state: 'running', vibration: 2 } });
  }
  const ds = b.finish([]);
  // Boundaries at hours 1…6 are crossed; hours 2, 3, 4 are inside the window, for two machines.
  assert.equal(ds.rows, 6);
  assert.deepEqual([...new Set(Array.from(ds.time))].map((t) => (t - t0) / H), [2, 3, 4]);
  assert.deepEqual(ds.machines.map((m) => [m.deviceId, m.type, m.lineId]), [['L1-CNC', 'cnc', undefined], ['L2-ROBOT', 'robot', 'L2']]);
  assert.equal(ds.x.length, 6 * FEATURE_COUNT);
  const strict = new DatasetBuilder([], { from: 0, to: t0 + 5 * H });
  strict.push('X', { time: t0, values: {} });
  assert.equal(strict.finish([]).machines.length, 0);
});
