/**
 * Configuration of the live novelty detector. One configuration serves every signal (and all of NAB:
 * no per-series tuning); each part adapts to the signal's own level, range and rhythm at run time.
 * docs/ml-anomaly.md explains every value and how it was chosen.
 */
import type { PatternNoveltyConfig } from './pattern-novelty.js';
import type { SeasonalResidualConfig } from './seasonal-residual.js';
import type { LevelOccupancyConfig } from './level-occupancy.js';
import { AnomalyErrors } from './errors.js';

export interface NoveltyDetectorConfig {
  /** Points learnt silently before scores are reported. */
  readonly warmupPoints: number;
  /** A score counts fully only if it beats `refractoryMargin` × every score of this many previous points. */
  readonly refractoryPoints: number;
  readonly refractoryMargin: number;
  /** Factor applied to scores that do not (they stay ordered, but far below fresh alarms). */
  readonly suppressedFactor: number;
  /** Each expert's statistic is divided by its unit before the experts are compared (max). */
  readonly levelUnit: number;
  readonly patternUnit: number;
  readonly seasonalUnit: number;
  readonly occupancyUnit: number;
  readonly pattern: PatternNoveltyConfig;
  readonly seasonal: SeasonalResidualConfig;
  readonly occupancy: LevelOccupancyConfig;
}

export const DEFAULT_CONFIG: NoveltyDetectorConfig = {
  warmupPoints: 150,
  refractoryPoints: 75,
  suppressedFactor: 0.1,
  refractoryMargin: 3,
  levelUnit: 0.03,
  patternUnit: 0.5,
  seasonalUnit: 2,
  occupancyUnit: 0.5,
  pattern: {
    blockSize: 6,
    windowBlocks: 8,
    prototypes: 500,
    newPrototypeDistance: 0.05,
    learningRate: 0.02,
    recordDecay: 0.998,
    recordAfterPoints: 150,
  },
  seasonal: {
    bucketsPerDay: 96,
    baselineRate: 0.3,
    smoothing: 3,
    recordDecay: 0.999,
    minStrength: 0.6,
    spreadHorizon: 2000,
    reportAfterPoints: 150,
  },
  occupancy: {
    blockSize: 6,
    warmupBlocks: 25,
    binsPerWarmupRange: 16,
    bins: 256,
    minRarity: 3,
    sustainBlocks: 2,
  },
};

export type ConfigOverrides = Partial<Omit<NoveltyDetectorConfig, 'pattern' | 'seasonal' | 'occupancy'>> & {
  readonly pattern?: Partial<PatternNoveltyConfig>;
  readonly seasonal?: Partial<SeasonalResidualConfig>;
  readonly occupancy?: Partial<LevelOccupancyConfig>;
};

/** Defaults with overrides applied, checked for values that would break the maths. */
export function resolveConfig(overrides: ConfigOverrides = {}): NoveltyDetectorConfig {
  const cfg: NoveltyDetectorConfig = {
    ...DEFAULT_CONFIG,
    ...overrides,
    pattern: { ...DEFAULT_CONFIG.pattern, ...overrides.pattern },
    seasonal: { ...DEFAULT_CONFIG.seasonal, ...overrides.seasonal },
    occupancy: { ...DEFAULT_CONFIG.occupancy, ...overrides.occupancy },
  };
  const positiveInts: Array<[string, number]> = [
    ['refractoryPoints', cfg.refractoryPoints],
    ['pattern.blockSize', cfg.pattern.blockSize],
    ['pattern.windowBlocks', cfg.pattern.windowBlocks],
    ['pattern.prototypes', cfg.pattern.prototypes],
    ['seasonal.bucketsPerDay', cfg.seasonal.bucketsPerDay],
    ['seasonal.spreadHorizon', cfg.seasonal.spreadHorizon],
    ['occupancy.blockSize', cfg.occupancy.blockSize],
    ['occupancy.warmupBlocks', cfg.occupancy.warmupBlocks],
    ['occupancy.binsPerWarmupRange', cfg.occupancy.binsPerWarmupRange],
    ['occupancy.bins', cfg.occupancy.bins],
    ['occupancy.sustainBlocks', cfg.occupancy.sustainBlocks],
  ];
  for (const [path, v] of positiveInts) {
    if (!Number.isInteger(v) || v < 1) throw AnomalyErrors.create('bad_config', `${path} must be a positive integer`, { path, value: v });
  }
  const positives: Array<[string, number]> = [
    ['refractoryMargin', cfg.refractoryMargin],
    ['levelUnit', cfg.levelUnit],
    ['occupancyUnit', cfg.occupancyUnit],
    ['occupancy.minRarity', cfg.occupancy.minRarity],
    ['patternUnit', cfg.patternUnit],
    ['seasonalUnit', cfg.seasonalUnit],
    ['pattern.newPrototypeDistance', cfg.pattern.newPrototypeDistance],
    ['seasonal.smoothing', cfg.seasonal.smoothing],
  ];
  for (const [path, v] of positives) {
    if (!(v > 0) || !Number.isFinite(v)) throw AnomalyErrors.create('bad_config', `${path} must be a positive number`, { path, value: v });
  }
  const fractions: Array<[string, number]> = [
    ['suppressedFactor', cfg.suppressedFactor],
    ['pattern.learningRate', cfg.pattern.learningRate],
    ['pattern.recordDecay', cfg.pattern.recordDecay],
    ['seasonal.baselineRate', cfg.seasonal.baselineRate],
    ['seasonal.recordDecay', cfg.seasonal.recordDecay],
  ];
  for (const [path, v] of fractions) {
    if (!(v >= 0 && v <= 1)) throw AnomalyErrors.create('bad_config', `${path} must lie in [0, 1]`, { path, value: v });
  }
  if (!(cfg.warmupPoints >= 0)) throw AnomalyErrors.create('bad_config', 'warmupPoints must be ≥ 0', { path: 'warmupPoints', value: cfg.warmupPoints });
  return cfg;
}
