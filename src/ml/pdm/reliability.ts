/**
 * How far probabilities can be trusted: the reliability table and expected calibration error
 * (ECE, Naeini et al. 2015 / Guo et al. 2017): bin predictions into equal-width probability bins,
 * ECE = Σ_b (n_b / N) · |mean prediction_b − observed frequency_b|. Also the Brier score
 * (Brier 1950), the mean squared error of the probability.
 */
export interface ReliabilityBin {
  readonly lo: number;
  readonly hi: number;
  readonly count: number;
  readonly meanPredicted: number;
  readonly observed: number;
}

export interface ReliabilityReport {
  readonly count: number;
  readonly positives: number;
  readonly ece: number;
  readonly brier: number;
  readonly bins: readonly ReliabilityBin[];
}

/** `truth` entries < 0 (censored) are skipped. Empty bins are left out of the table. */
export function reliability(prob: ArrayLike<number>, truth: ArrayLike<number>, binCount = 10): ReliabilityReport {
  const n = new Float64Array(binCount), sp = new Float64Array(binCount), sy = new Float64Array(binCount);
  let count = 0, positives = 0, brier = 0;
  for (let i = 0; i < prob.length; i++) {
    const y = truth[i]!;
    const p = prob[i]!;
    if (y < 0 || !Number.isFinite(p)) continue;
    // p = 1 belongs to the last bin, not to a bin past the end.
    const b = Math.min(binCount - 1, Math.max(0, Math.floor(p * binCount)));
    n[b]!++;
    sp[b]! += p;
    sy[b]! += y;
    count++;
    positives += y;
    brier += (p - y) ** 2;
  }
  const bins: ReliabilityBin[] = [];
  let ece = 0;
  for (let b = 0; b < binCount; b++) {
    if (n[b] === 0) continue;
    const meanPredicted = sp[b]! / n[b]!, observed = sy[b]! / n[b]!;
    bins.push({ lo: b / binCount, hi: (b + 1) / binCount, count: n[b]!, meanPredicted, observed });
    ece += (n[b]! / count) * Math.abs(meanPredicted - observed);
  }
  return { count, positives, ece: count === 0 ? Number.NaN : ece, brier: count === 0 ? Number.NaN : brier / count, bins };
}
