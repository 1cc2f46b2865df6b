/**
 * Pattern-novelty expert: is the recent shape of the signal unlike every shape remembered so far?
 *
 * - Points are averaged in blocks of `blockSize` (noise shrinks by √blockSize, cost is paid once a block).
 * - The feature is the last `windowBlocks` block means (a short trajectory at the block time scale).
 * - A bounded memory of prototypes is kept by leader clustering: a trajectory farther than
 *   `newPrototypeDistance` (RMS, in units of the block-mean range seen so far) from every prototype
 *   becomes a new prototype (least recently matched one replaced when full); otherwise the nearest
 *   prototype moves towards it by `learningRate`.
 * - Novelty is the distance to the nearest prototype relative to a slowly forgotten record of such
 *   distances: R = d / max(d earlier, decayed by `recordDecay` per block). The expert reports R − 1
 *   when R > 1, i.e. only trajectories that are more novel than anything recently novel.
 * Cost: O(prototypes × windowBlocks) once per block; memory: prototypes × windowBlocks float32s.
 */
export interface PatternNoveltyConfig {
  readonly blockSize: number;
  readonly windowBlocks: number;
  readonly prototypes: number;
  readonly newPrototypeDistance: number;
  readonly learningRate: number;
  readonly recordDecay: number;
  /** Points to see before distances start to feed the record (the memory is still empty early on). */
  readonly recordAfterPoints: number;
}

export class PatternNovelty {
  private readonly protos: Float32Array;
  private readonly lastUsed: Int32Array;
  private count = 0;
  private readonly recent: Float64Array;
  private readonly feature: Float64Array;
  private filled = 0;
  private head = 0;
  private blockSum = 0;
  private blockN = 0;
  private blocks = 0;
  private points = 0;
  private lo = Number.POSITIVE_INFINITY;
  private hi = Number.NEGATIVE_INFINITY;
  private record = 0;
  private origin = Number.NaN;

  constructor(private readonly cfg: PatternNoveltyConfig) {
    this.protos = new Float32Array(cfg.prototypes * cfg.windowBlocks);
    this.lastUsed = new Int32Array(cfg.prototypes);
    this.recent = new Float64Array(cfg.windowBlocks);
    this.feature = new Float64Array(cfg.windowBlocks);
  }

  /** Returns max(0, R − 1) at the end of each block, 0 for the other points. */
  update(value: number): number {
    this.points++;
    this.blockSum += value;
    if (++this.blockN < this.cfg.blockSize) return 0;
    const mean = this.blockSum / this.blockN;
    this.blockSum = 0;
    this.blockN = 0;
    this.blocks++;
    const w = this.cfg.windowBlocks;
    this.recent[this.head] = mean;
    this.head = (this.head + 1) % w;
    if (this.filled < w) this.filled++;
    if (mean < this.lo) this.lo = mean;
    if (mean > this.hi) this.hi = mean;
    if (this.filled < w) return 0;
    // Prototypes are stored as float32 relative to the first block mean: distances do not change under
    // a shift, and a large offset (e.g. a counter near 1e9) cannot eat float32's 24-bit mantissa.
    if (Number.isNaN(this.origin)) this.origin = this.recent[0]!;
    for (let j = 0; j < w; j++) this.feature[j] = this.recent[(this.head + j) % w]! - this.origin;

    const { index, distance } = this.nearest();
    const range = this.hi - this.lo || 1;
    const d = index < 0 ? 0 : distance / range;
    if (index < 0 || d > this.cfg.newPrototypeDistance) this.remember();
    else this.adapt(index);

    if (this.points < this.cfg.recordAfterPoints) return 0;
    const ratio = this.record > 0 ? d / this.record : 0;
    this.record = Math.max(d, this.record * this.cfg.recordDecay);
    return ratio > 1 ? ratio - 1 : 0;
  }

  /** Nearest prototype by RMS distance over the window. */
  private nearest(): { index: number; distance: number } {
    const w = this.cfg.windowBlocks;
    let best = Number.POSITIVE_INFINITY;
    let index = -1;
    for (let k = 0; k < this.count; k++) {
      const base = k * w;
      let s = 0;
      // Early abandon: once the partial sum passes the best so far this prototype cannot win.
      for (let j = 0; j < w && s < best; j++) {
        const diff = this.feature[j]! - this.protos[base + j]!;
        s += diff * diff;
      }
      if (s < best) {
        best = s;
        index = k;
      }
    }
    return { index, distance: index < 0 ? 0 : Math.sqrt(best / w) };
  }

  private remember(): void {
    let slot = this.count;
    if (this.count < this.cfg.prototypes) this.count++;
    else {
      slot = 0;
      for (let k = 1; k < this.count; k++) if (this.lastUsed[k]! < this.lastUsed[slot]!) slot = k;
    }
    this.protos.set(this.feature, slot * this.cfg.windowBlocks);
    this.lastUsed[slot] = this.blocks;
  }

  private adapt(index: number): void {
    const w = this.cfg.windowBlocks;
    const base = index * w;
    for (let j = 0; j < w; j++) this.protos[base + j]! += this.cfg.learningRate * (this.feature[j]! - this.protos[base + j]!);
    this.lastUsed[index] = this.blocks;
  }
}
