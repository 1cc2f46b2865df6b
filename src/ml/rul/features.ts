/**
 * Per-cycle features from a standardised sensor history. Every feature at cycle t uses cycles 1..t
 * only (causal), so training rows and the last cycle of a test engine are computed the same way.
 * Per sensor: adjusted exponentially weighted means at several spans (denoise; the raw C-MAPSS
 * sensors are noisy), rolling means, least-squares slopes over trailing windows (the degradation
 * trend), the drift of the smoothed value from the engine's own first cycles (removes the unit-to-unit
 * offset from manufacturing variation, Saxena et al. 2008 §III), and the latest value. Plus the cycle.
 */
export interface FeatureSpec {
  readonly ewmSpans: number[];
  readonly meanWindows: number[];
  readonly slopeWindows: number[];
  /** Cycles averaged for the engine's own baseline; 0 disables the drift features. */
  readonly baselineCycles: number;
  /** Span of the smoothed value compared with the baseline. */
  readonly driftSpan: number;
}

export const DEFAULT_FEATURE_SPEC: FeatureSpec = { ewmSpans: [5, 15, 40], meanWindows: [10, 30], slopeWindows: [15, 50], baselineCycles: 15, driftSpan: 15 };

export function featureNames(spec: FeatureSpec, sensors: readonly string[]): string[] {
  const names = ['cycle'];
  for (const s of sensors) {
    names.push(`${s}_last`);
    for (const k of spec.ewmSpans) names.push(`${s}_ewm${k}`);
    for (const w of spec.meanWindows) names.push(`${s}_mean${w}`);
    for (const w of spec.slopeWindows) names.push(`${s}_slope${w}`);
    if (spec.baselineCycles > 0) names.push(`${s}_drift`);
  }
  return names;
}

export function featureCount(spec: FeatureSpec, sensorCount: number): number {
  const per = 1 + spec.ewmSpans.length + spec.meanWindows.length + spec.slopeWindows.length + (spec.baselineCycles > 0 ? 1 : 0);
  return 1 + per * sensorCount;
}

/**
 * Features for every cycle of one history: z is T×S standardised sensor values (row-major);
 * writes T rows of featureCount(spec, S) values into out starting at row `rowOffset`.
 */
export function historyFeatures(z: Float64Array, T: number, S: number, spec: FeatureSpec, out: Float64Array, rowOffset: number): void {
  const F = featureCount(spec, S);
  const series = new Float64Array(T);
  const prefix = new Float64Array(T + 1); // Σ z
  const prefixTz = new Float64Array(T + 1); // Σ t·z
  const ewm = new Float64Array(T);
  for (let t = 0; t < T; t++) out[(rowOffset + t) * F] = t + 1;
  for (let s = 0; s < S; s++) {
    for (let t = 0; t < T; t++) {
      series[t] = z[t * S + s]!;
      prefix[t + 1] = prefix[t]! + series[t]!;
      prefixTz[t + 1] = prefixTz[t]! + t * series[t]!;
    }
    let col = 1 + s * (F - 1) / S;
    for (let t = 0; t < T; t++) out[(rowOffset + t) * F + col] = series[t]!;
    col++;
    const smoothed = (span: number): Float64Array => {
      // Adjusted EWMA: Σ (1−α)^i x_{t−i} / Σ (1−α)^i, unbiased for short histories.
      const decay = 1 - 2 / (span + 1);
      let num = 0, den = 0;
      for (let t = 0; t < T; t++) {
        num = series[t]! + decay * num;
        den = 1 + decay * den;
        ewm[t] = num / den;
      }
      return ewm;
    };
    for (const span of spec.ewmSpans) {
      const e = smoothed(span);
      for (let t = 0; t < T; t++) out[(rowOffset + t) * F + col] = e[t]!;
      col++;
    }
    for (const w of spec.meanWindows) {
      for (let t = 0; t < T; t++) {
        const a = Math.max(0, t + 1 - w);
        out[(rowOffset + t) * F + col] = (prefix[t + 1]! - prefix[a]!) / (t + 1 - a);
      }
      col++;
    }
    for (const w of spec.slopeWindows) {
      for (let t = 0; t < T; t++) {
        // OLS slope of z on cycle index over cycles a..t (at least 3 points, else 0 = "no trend yet").
        const a = Math.max(0, t + 1 - w);
        const n = t + 1 - a;
        let slope = 0;
        if (n >= 3) {
          const sx = ((a + t) * n) / 2;
          const sxx = (t * (t + 1) * (2 * t + 1) - (a - 1) * a * (2 * a - 1)) / 6;
          const sz = prefix[t + 1]! - prefix[a]!;
          const sxz = prefixTz[t + 1]! - prefixTz[a]!;
          slope = (n * sxz - sx * sz) / (n * sxx - sx * sx);
        }
        out[(rowOffset + t) * F + col] = slope;
      }
      col++;
    }
    if (spec.baselineCycles > 0) {
      const e = smoothed(spec.driftSpan);
      for (let t = 0; t < T; t++) {
        const b = Math.min(t + 1, spec.baselineCycles);
        out[(rowOffset + t) * F + col] = e[t]! - prefix[b]! / b;
      }
      col++;
    }
  }
}
