/**
 * The live streaming detector: four cheap novelty experts, compared on a common scale, then a
 * refractory period. Strictly causal: every statistic used for the score of point t is computed from
 * points up to t, and the state is updated after the score is formed.
 *
 *   s = max(levelRecord / levelUnit, patternNovelty / patternUnit, seasonalResidual / seasonalUnit,
 *           levelOccupancy / occupancyUnit)
 *   score = s / (1 + s), times `suppressedFactor` unless s > refractoryMargin × every s of the last
 *   `refractoryPoints` points.
 *
 * All experts report "more novel than anything the signal has done (recently)" — a record — so a
 * stationary signal, however noisy, settles to zero scores after warm-up, and the scale of each signal
 * cancels out (docs/ml-anomaly.md §Method).
 */
import type { DetectorFactory, SignalDetector } from './types.js';
import { type ConfigOverrides, type NoveltyDetectorConfig, resolveConfig } from './config.js';
import { LevelRecord } from './level-record.js';
import { PatternNovelty } from './pattern-novelty.js';
import { SeasonalResidual } from './seasonal-residual.js';
import { LevelOccupancy } from './level-occupancy.js';
import { RefractoryMax } from './refractory.js';

export class NoveltyDetector implements SignalDetector {
  private readonly level = new LevelRecord();
  private readonly pattern: PatternNovelty;
  private readonly seasonal: SeasonalResidual;
  private readonly occupancy: LevelOccupancy;
  private readonly refractory: RefractoryMax;
  private points = 0;

  constructor(private readonly cfg: NoveltyDetectorConfig) {
    this.pattern = new PatternNovelty(cfg.pattern);
    this.seasonal = new SeasonalResidual(cfg.seasonal);
    this.occupancy = new LevelOccupancy(cfg.occupancy);
    this.refractory = new RefractoryMax(cfg.refractoryPoints);
  }

  update(time: number, value: number): number {
    // A missing or broken reading carries no information; skipping it keeps the state clean.
    if (!Number.isFinite(value)) return 0;
    this.points++;
    const level = this.level.update(value) / this.cfg.levelUnit;
    const pattern = this.pattern.update(value) / this.cfg.patternUnit;
    const seasonal = this.seasonal.update(time, value) / this.cfg.seasonalUnit;
    const occupancy = this.occupancy.update(value) / this.cfg.occupancyUnit;
    if (this.points < this.cfg.warmupPoints) return 0;
    const s = Math.max(level, pattern, seasonal, occupancy);
    const previous = this.refractory.push(s);
    const score = s / (1 + s);
    return s > previous * this.cfg.refractoryMargin ? score : score * this.cfg.suppressedFactor;
  }
}

/** Factory for the live detector; `name` is what NAB result paths and the CLI use. */
export function noveltyDetectorFactory(overrides: ConfigOverrides = {}, name = 'twinworks'): DetectorFactory {
  const cfg = resolveConfig(overrides);
  return { name, create: () => new NoveltyDetector(cfg) };
}
