/**
 * Two of NAB's own baseline detectors, rewritten from their published descriptions so that our scorer
 * can be checked against NAB's published scores (datasets README §3: null 0, windowedGaussian 39.65 /
 * 20.87 / 47.41). They are not meant for live use.
 */
import type { DetectorFactory, SignalDetector } from '../anomaly/index.js';

/** NAB "null": a constant 0.5, the zero point of the normalised scale. */
export const nullDetectorFactory: DetectorFactory = {
  name: 'null',
  create: () => ({ update: () => 0.5 }),
};

/**
 * Complementary error function to near double precision: the Maclaurin series of erf below 2, and the
 * continued fraction erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))) from 2 on
 * (Abramowitz & Stegun 7.1.5 and 7.1.14). Accuracy in the far tail matters here: 1 − Q(z) reaches exactly
 * 1.0 in doubles near z ≈ 8.3, and NAB's windowedGaussian threshold sits on that plateau.
 */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) {
    // erf(x) = 2/√π Σ (−1)^n x^{2n+1} / (n! (2n+1)); 60 terms are far past convergence for x < 2.
    let term = x;
    let sum = x;
    for (let n = 1; n < 60; n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  let f = x;
  for (let k = 80; k >= 1; k--) f = x + k / 2 / f;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/**
 * NAB "windowedGaussian": score = 1 − Q(|x − μ|/σ), with μ, σ (population) over a window of the last
 * 6400 values that grows one value at a time, then slides in steps of 100 values.
 */
export class WindowedGaussian implements SignalDetector {
  private readonly window: number[] = [];
  private readonly pending: number[] = [];
  private mean = 0;
  private std = 1;
  private m2 = 0;

  constructor(
    private readonly size = 6400,
    private readonly step = 100,
  ) {}

  update(_time: number, value: number): number {
    let score = 0;
    if (this.window.length > 0) {
      const z = Math.abs(value - this.mean) / this.std;
      score = 1 - 0.5 * erfc(z / Math.SQRT2);
    }
    if (this.window.length < this.size) {
      this.window.push(value);
      // Growing phase: Welford's update keeps this O(1) and exact for constant input; the spread is
      // recomputed from scratch once the window slides.
      const n = this.window.length;
      const delta = value - this.mean;
      this.mean += delta / n;
      this.m2 += delta * (value - this.mean);
      this.setStd(this.m2 / n);
    } else {
      this.pending.push(value);
      if (this.pending.length === this.step) {
        this.window.splice(0, this.step);
        this.window.push(...this.pending);
        this.pending.length = 0;
        this.recompute();
      }
    }
    return score;
  }

  private recompute(): void {
    let s = 0;
    for (const v of this.window) s += v;
    this.mean = s / this.window.length;
    let q = 0;
    for (const v of this.window) q += (v - this.mean) * (v - this.mean);
    this.setStd(q / this.window.length);
  }

  private setStd(variance: number): void {
    const std = Math.sqrt(variance);
    this.std = std === 0 ? 0.000001 : std;
  }
}

export const windowedGaussianFactory: DetectorFactory = {
  name: 'windowedGaussian',
  create: () => new WindowedGaussian(),
};
