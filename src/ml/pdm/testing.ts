/**
 * Test fixtures: a hand-written model whose answers are known without training. Bearing risk
 * depends on one feature, the high-band vibration's deviation from its 14-day median:
 * dev ≤ 0.5 → raw −4 (p = σ(−4) ≈ 0.018), else raw +2 (p = σ(2) ≈ 0.881); RUL 336 h or 48 h.
 */
import type { GbdtModel } from '../core/index.js';
import { FEATURE_COUNT, FEATURE_NAMES } from './features/catalogue.js';
import { PDM_MODEL_VERSION, type PdmModel } from './model.js';
import { reliability } from './reliability.js';

const DEV = FEATURE_NAMES.indexOf('vibrationHighBand.dev');

function stump(low: number, high: number, objective: 'logistic' | 'squared'): GbdtModel {
  return {
    kind: 'twinworks.gbdt', version: 1, objective, featureCount: FEATURE_COUNT, baseScore: 0,
    trees: [{ feature: [DEV, -1, -1], threshold: [0.5, 0, 0], left: [1, -1, -1], right: [2, -1, -1], value: [0, low, high] }],
  };
}

const empty = reliability([], []);

export function tinyModel(): PdmModel {
  const metrics = { rows: 0, positives: 0, averagePrecision: 0, rocAuc: 0, reliability: empty };
  const platt = { method: 'platt' as const, a: 1, b: 0 };
  return {
    kind: 'twinworks.pdm', version: PDM_MODEL_VERSION, createdAt: '2026-01-01T00:00:00.000Z',
    dataWindow: { from: '2025-12-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' },
    features: FEATURE_NAMES, horizonsHours: [24, 168], rulCapHours: 336,
    modes: [{
      mode: 'bearingWear', failures: 3,
      classifiers: [
        { horizonHours: 24, gbdt: stump(-4, 2, 'logistic'), calibrator: platt, metrics },
        { horizonHours: 168, gbdt: stump(-4, 2, 'logistic'), calibrator: platt, metrics },
      ],
      rul: {
        gbdt: stump(336, 48, 'squared'), capHours: 336,
        interval: { coverage: 0.8, upper: [24, 72, 168, 336], halfWidth: [10, 20, 40, 5] },
        metrics: { rows: 0, maeHours: 0, maeNearHours: 0, nearRows: 0, coverage: 0.8 },
      },
    }],
    warning: {
      horizonHours: 168, thresholds: { bearingWear: 0.5 }, confirm: { bearingWear: 2 }, clearAfter: 2, clearRatio: 0.5,
      outOfFold: { precision: 1, recall: 1, medianLeadHours: 100, failures: 3, episodes: 3, perMode: {} },
    },
    metrics: { rows: 0, machines: 0, failures: { bearingWear: 3 }, trainingSeconds: 0, combined: [{ horizonHours: 168, reliability: empty }] },
    params: {},
  };
}
