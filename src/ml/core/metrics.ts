/**
 * Evaluation metrics. Definitions follow the published protocols the benchmarks compare against:
 * RMSE and the PHM08 score (Saxena et al. 2008, C-MAPSS), F1/precision/recall and average precision
 * (PR-AUC as the step-wise sum Σ (R_n − R_{n−1}) P_n, the scikit-learn definition used in AI4I papers).
 */
import { MlErrors } from './errors.js';

function sameLength(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  if (a.length !== b.length) {
    throw MlErrors.create('bad_data', `${what}: ${a.length} predictions but ${b.length} true values`, { predictions: a.length, truth: b.length });
  }
  if (a.length === 0) throw MlErrors.create('too_few_samples', `${what}: no samples`, {});
}

export function rmse(pred: ArrayLike<number>, truth: ArrayLike<number>): number {
  sameLength(pred, truth, 'rmse');
  let s = 0;
  for (let i = 0; i < pred.length; i++) s += (pred[i]! - truth[i]!) ** 2;
  return Math.sqrt(s / pred.length);
}

export function mae(pred: ArrayLike<number>, truth: ArrayLike<number>): number {
  sameLength(pred, truth, 'mae');
  let s = 0;
  for (let i = 0; i < pred.length; i++) s += Math.abs(pred[i]! - truth[i]!);
  return s / pred.length;
}

/**
 * PHM08 challenge score (Saxena et al. 2008): d = predicted − true; late predictions (d ≥ 0) cost
 * e^(d/10) − 1, early ones e^(−d/13) − 1. A sum over engines, so only comparable within one subset.
 */
export function phm08Score(pred: ArrayLike<number>, truth: ArrayLike<number>): number {
  sameLength(pred, truth, 'phm08Score');
  let s = 0;
  for (let i = 0; i < pred.length; i++) {
    const d = pred[i]! - truth[i]!;
    s += d < 0 ? Math.exp(-d / 13) - 1 : Math.exp(d / 10) - 1;
  }
  return s;
}

export interface Confusion {
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
}

/** Counts for binary labels (1 = positive). */
export function confusion(predLabels: ArrayLike<number>, truth: ArrayLike<number>): Confusion {
  sameLength(predLabels, truth, 'confusion');
  let tp = 0, fp = 0, tn = 0, fn = 0;
  for (let i = 0; i < truth.length; i++) {
    const p = predLabels[i] === 1, t = truth[i] === 1;
    if (p && t) tp++;
    else if (p) fp++;
    else if (t) fn++;
    else tn++;
  }
  return { tp, fp, tn, fn };
}

export interface BinaryReport {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly accuracy: number;
}

/** Precision, recall, F1 and accuracy; an undefined ratio (0/0) is reported as 0, as scikit-learn does. */
export function binaryReport(c: Confusion): BinaryReport {
  const precision = c.tp + c.fp === 0 ? 0 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 0 : c.tp / (c.tp + c.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const accuracy = (c.tp + c.tn) / (c.tp + c.fp + c.tn + c.fn);
  return { precision, recall, f1, accuracy };
}

/** Indices sorted by descending score (stable, so equal scores keep input order). */
function byScoreDesc(scores: ArrayLike<number>): number[] {
  const idx = Array.from({ length: scores.length }, (_, i) => i);
  return idx.sort((a, b) => scores[b]! - scores[a]! || a - b);
}

/**
 * Average precision = area under the precision–recall curve as the step sum Σ (R_n − R_{n−1}) P_n
 * over distinct score thresholds (tied scores form one threshold).
 */
export function averagePrecision(scores: ArrayLike<number>, truth: ArrayLike<number>): number {
  sameLength(scores, truth, 'averagePrecision');
  let positives = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === 1) positives++;
  if (positives === 0) return 0;
  const order = byScoreDesc(scores);
  let tp = 0, fp = 0, prevRecall = 0, ap = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (truth[i] === 1) tp++;
    else fp++;
    const next = order[k + 1];
    if (next !== undefined && scores[next] === scores[i]) continue; // same threshold
    const recall = tp / positives;
    ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
  }
  return ap;
}

/** ROC AUC by the rank-sum (Mann–Whitney) formula, ties counted half. */
export function rocAuc(scores: ArrayLike<number>, truth: ArrayLike<number>): number {
  sameLength(scores, truth, 'rocAuc');
  const order = byScoreDesc(scores).reverse();
  const ranks = new Float64Array(order.length);
  for (let k = 0; k < order.length; ) {
    let e = k;
    while (e + 1 < order.length && scores[order[e + 1]!] === scores[order[k]!]) e++;
    const avg = (k + e) / 2 + 1;
    for (let q = k; q <= e; q++) ranks[order[q]!] = avg;
    k = e + 1;
  }
  let pos = 0, sumRanks = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === 1) { pos++; sumRanks += ranks[i]!; }
  const neg = truth.length - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  return (sumRanks - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Mean binary cross-entropy; probabilities clipped to [1e-15, 1 − 1e-15]. */
export function logLoss(prob: ArrayLike<number>, truth: ArrayLike<number>): number {
  sameLength(prob, truth, 'logLoss');
  let s = 0;
  for (let i = 0; i < prob.length; i++) {
    const p = Math.min(1 - 1e-15, Math.max(1e-15, prob[i]!));
    s -= truth[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return s / prob.length;
}

/**
 * The threshold on scores that maximises F1, with its F1. Candidates are midpoints between distinct
 * scores, so the threshold generalises instead of sitting exactly on a training score.
 */
export function bestF1Threshold(scores: ArrayLike<number>, truth: ArrayLike<number>): { threshold: number; f1: number } {
  sameLength(scores, truth, 'bestF1Threshold');
  let positives = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === 1) positives++;
  const order = byScoreDesc(scores);
  let tp = 0, fp = 0, best = { threshold: 0.5, f1: 0 };
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (truth[i] === 1) tp++;
    else fp++;
    const next = order[k + 1];
    if (next !== undefined && scores[next] === scores[i]) continue;
    const f1 = positives === 0 ? 0 : (2 * tp) / (tp + fp + positives);
    if (f1 > best.f1) {
      const lower = next === undefined ? scores[i]! - 1e-9 : scores[next]!;
      best = { threshold: (scores[i]! + lower) / 2, f1 };
    }
  }
  return best;
}

export function meanStd(values: readonly number[]): { mean: number; std: number } {
  if (values.length === 0) return { mean: Number.NaN, std: Number.NaN };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  // Sample standard deviation (n − 1), the usual "± sd over folds".
  const v = values.length < 2 ? 0 : values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
  return { mean, std: Math.sqrt(v) };
}
