/**
 * Level-occupancy expert: does the signal dwell at a level it has (almost) never visited?
 *
 * A level shift that stays inside the range of an earlier spike breaks no record, and its trajectory
 * soon looks like the ones just remembered, so the other experts can miss it. Here block means (blocks of
 * `blockSize` points, which dilute single spikes) are counted in a histogram of fixed-width bins; a block
 * is rare when p, the share of earlier blocks in its bin and half of each neighbour (with a +1 prior), is
 * below 10^−minRarity — or, while the history is still too short for that (under 2·10^minRarity blocks),
 * when no earlier block lies in or next to its bin. The expert reports −log10 p minus the rarity needed
 * when the last `sustainBlocks` blocks are all rare, i.e. the signal dwells at a new level.
 *
 * Bin width: the range of the first `warmupBlocks` block means divided by `binsPerWarmupRange`; the
 * histogram has `bins` bins centred on the warm-up mid-range, outer bins absorb everything beyond.
 * Memory: `bins` doubles.
 */
export interface LevelOccupancyConfig {
  readonly blockSize: number;
  readonly warmupBlocks: number;
  readonly binsPerWarmupRange: number;
  readonly bins: number;
  readonly minRarity: number;
  readonly sustainBlocks: number;
}

export class LevelOccupancy {
  private readonly counts: Float64Array;
  private readonly warm: Float64Array;
  private warmN = 0;
  private total = 0;
  private width = 0;
  private origin = 0;
  private blockSum = 0;
  private blockN = 0;
  private rareRun = 0;
  private weakest = Number.POSITIVE_INFINITY;

  constructor(private readonly cfg: LevelOccupancyConfig) {
    this.counts = new Float64Array(cfg.bins);
    this.warm = new Float64Array(cfg.warmupBlocks);
  }

  update(value: number): number {
    this.blockSum += value;
    if (++this.blockN < this.cfg.blockSize) return 0;
    const mean = this.blockSum / this.blockN;
    this.blockSum = 0;
    this.blockN = 0;
    if (this.width === 0) {
      this.warm[this.warmN++] = mean;
      if (this.warmN === this.cfg.warmupBlocks) this.calibrate();
      return 0;
    }
    const b = this.bin(mean);
    const near = this.counts[b]! + 0.5 * ((b > 0 ? this.counts[b - 1]! : 0) + (b + 1 < this.cfg.bins ? this.counts[b + 1]! : 0));
    const rarity = -Math.log10((near + 1) / this.total);
    // Rare means rarer than 10^−minRarity or, while the history is too short to show that, never seen
    // nearby at all: near + 1 < 2 ⇔ −log10((near + 1)/total) > log10(total/2).
    const need = Math.min(this.cfg.minRarity, Math.log10(this.total / 2));
    this.counts[b]! += 1;
    this.total++;
    if (rarity > need) {
      this.rareRun++;
      this.weakest = Math.min(this.weakest, rarity);
    } else {
      this.rareRun = 0;
      this.weakest = Number.POSITIVE_INFINITY;
    }
    if (this.rareRun < this.cfg.sustainBlocks) return 0;
    const out = this.weakest - need;
    // Judge the next block with the last `sustainBlocks` ones only: restart the run from this block.
    if (this.cfg.sustainBlocks > 1) {
      this.rareRun = this.cfg.sustainBlocks - 1;
      this.weakest = rarity;
    }
    return out;
  }

  private calibrate(): void {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const v of this.warm) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    // A flat warm-up has no spread to scale by: fall back to a tiny fraction of the level.
    this.width = (hi - lo) / this.cfg.binsPerWarmupRange || Math.abs(lo) * 1e-3 || 1e-9;
    this.origin = (lo + hi) / 2;
    for (const v of this.warm) {
      this.counts[this.bin(v)]! += 1;
      this.total++;
    }
  }

  private bin(v: number): number {
    const b = Math.floor((v - this.origin) / this.width) + (this.cfg.bins >> 1);
    return Math.max(0, Math.min(this.cfg.bins - 1, b));
  }
}
