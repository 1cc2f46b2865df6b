/**
 * A small splittable pseudo-random generator. Every machine (and every purpose inside a machine)
 * draws from its own stream derived from `(seed, key)` by hashing, so adding a machine, or
 * drawing one more number for one purpose, never shifts any other stream. The generator is
 * sfc32 (Chris Doty-Humphrey's "small fast counting" generator, 128-bit state), which passes
 * PractRand to 2^42 bytes and needs only 32-bit integer arithmetic.
 */

/** 32-bit finaliser from MurmurHash3 (fmix32): full avalanche on every input bit. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Four independent 32-bit words from a string: FNV-1a over the text with four different offsets. */
function hash128(text: string): [number, number, number, number] {
  const out: [number, number, number, number] = [0x811c9dc5, 0x01000193 ^ 0x9e3779b9, 0x7f4a7c15, 0xdeadbeef];
  for (let lane = 0; lane < 4; lane++) {
    let h = out[lane]!;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    out[lane] = fmix32(h ^ Math.imul(lane + 1, 0x9e3779b9));
  }
  return out;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | undefined;

  /** `seed` is the run's seed, `key` names the stream (`LINE-1-CNC/noise`). */
  constructor(
    readonly seed: number | string,
    readonly key = '',
  ) {
    [this.a, this.b, this.c, this.d] = hash128(`${seed}\u0000${key}`);
    // Discard the first outputs: sfc32 mixes its counter into the state over ~12 rounds.
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  /** A child stream; independent of how much this stream has been used. */
  fork(subKey: string): Rng {
    return new Rng(this.seed, this.key === '' ? subKey : `${this.key}/${subKey}`);
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }

  /** Integer uniform in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  /** Standard normal by the Marsaglia polar method (keeps the spare value). */
  normal(mean = 0, sd = 1): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + sd * z;
    }
    // Bounded: the acceptance probability is pi/4, so 64 tries fail with probability < 1e-40.
    for (let i = 0; i < 64; i++) {
      const u = 2 * this.float() - 1;
      const v = 2 * this.float() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * Math.log(s)) / s);
        this.spareNormal = v * f;
        return mean + sd * u * f;
      }
    }
    return mean;
  }

  /** Exponentially distributed with the given mean (waiting time of a Poisson process). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.float() * items.length)]!;
  }
}
