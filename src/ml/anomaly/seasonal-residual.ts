/**
 * Seasonal-residual expert: does the signal depart from what it usually does at this time of day?
 *
 * - A baseline per time-of-day bucket (`bucketsPerDay`, UTC) follows the values seen in that bucket on
 *   earlier days (exponential average, rate `baselineRate`), so a daily rhythm is learnt after a few days.
 * - The residual |value − baseline| is smoothed over ~`smoothing` points and divided by the usual
 *   residual size; the expert reports R − 1 when that ratio beats its slowly forgotten record
 *   (decay `recordDecay` per point), as the pattern expert does.
 * - It only speaks when the rhythm is real: the seasonal strength 1 − (mean |residual|) / (mean
 *   |value − mean|) must reach `minStrength`. On signals without a daily rhythm the residual is just noise
 *   and a second, noisier level detector would only add false alarms.
 * Memory: two small arrays of `bucketsPerDay` entries.
 */
export interface SeasonalResidualConfig {
  readonly bucketsPerDay: number;
  readonly baselineRate: number;
  readonly smoothing: number;
  readonly recordDecay: number;
  readonly minStrength: number;
  /** Horizon (points) of the running residual and spread averages. */
  readonly spreadHorizon: number;
  /** Points to see before reporting. */
  readonly reportAfterPoints: number;
}

const DAY_MS = 86_400_000;

export class SeasonalResidual {
  private readonly baseline: Float64Array;
  private readonly seen: Uint8Array;
  private samples = 0;
  private points = 0;
  private residualMean = 0;
  private level = 0;
  private spread = 0;
  private smoothed = 0;
  private record = 0;

  constructor(private readonly cfg: SeasonalResidualConfig) {
    this.baseline = new Float64Array(cfg.bucketsPerDay);
    this.seen = new Uint8Array(cfg.bucketsPerDay);
  }

  update(time: number, value: number): number {
    this.points++;
    const phase = (((time % DAY_MS) + DAY_MS) % DAY_MS) / DAY_MS;
    const b = Math.min(this.cfg.bucketsPerDay - 1, Math.floor(phase * this.cfg.bucketsPerDay));
    if (this.seen[b] === 0) {
      this.seen[b] = 1;
      this.baseline[b] = value;
      return 0;
    }
    const residual = value - this.baseline[b]!;
    this.smoothed += (Math.abs(residual) - this.smoothed) / this.cfg.smoothing;
    let out = 0;
    if (this.samples > 0 && this.residualMean > 0 && this.points >= this.cfg.reportAfterPoints) {
      const z = this.smoothed / this.residualMean;
      const ratio = this.record > 0 ? z / this.record : 0;
      this.record = Math.max(z, this.record * this.cfg.recordDecay);
      out = ratio > 1 ? ratio - 1 : 0;
    }
    this.samples++;
    const rate = 1 / Math.min(this.samples, this.cfg.spreadHorizon);
    this.residualMean += (Math.abs(residual) - this.residualMean) * rate;
    this.level += (value - this.level) * rate;
    this.spread += (Math.abs(value - this.level) - this.spread) * rate;
    if (this.spread > 0 && 1 - this.residualMean / this.spread < this.cfg.minStrength) out = 0;
    this.baseline[b] = this.baseline[b]! + this.cfg.baselineRate * residual;
    return out;
  }
}
