/**
 * Test fixture: a tiny simulated history that trains in seconds (e2e.test.ts's plant: four
 * single-CNC lines whose bearings, part-worn, fail within days) and training settings sized for it.
 */
import type { PlantConfig } from '../../sim/index.js';
import type { SimWindow } from './evaluate.js';
import type { TrainSettings } from './train-job.js';

const DAY = 86_400_000;
const FROM = Date.parse('2026-01-05T00:00:00Z');

/** Four single-CNC lines whose part-worn bearings (8 running days of life) fail within days. */
export function smallBearingPlant(): PlantConfig {
  return {
    anomaliesPerDevicePerDay: 0,
    sensorFaultsPerDevicePerDay: 0,
    lines: [0.3, 0.4, 0.5, 0.6].map((wear, i) => ({
      id: `L${i + 1}`,
      machines: [{ type: 'cnc' as const, degradation: { bearingWear: { initialHealth: 1 - wear, lifeDays: 8 }, pressureLeak: { onsetAfterDays: 1000 } } }],
    })),
  };
}

/** Rows 2026-01-05 … 2026-01-15 (10 days), seed 1. */
export const SMALL_SIM: SimWindow = { plant: smallBearingPlant(), seed: 1, from: FROM, to: FROM + 10 * DAY };
export const SMALL_TRAIN: TrainSettings = { modes: ['bearingWear'], minFailures: 2, folds: 2, gbdt: { rounds: 40, minSamplesLeaf: 10 }, targetPrecision: 0.5 };
