/**
 * NAB scoring (Lavin & Ahmad 2015, arXiv:1510.03336 §4; NAB v1.1 `nab/sweeper.py` semantics), written
 * from the published description:
 *
 * - The first 15% of each file (at most 750 rows: 0.15 × 5000) is probationary and not scored.
 * - A detection is any row whose anomaly score is ≥ the threshold.
 * - Inside a window of width W (rows), the row at index i weighs
 *   σ(−(end − i + 1)/W) / σ(−1) · tpWeight, where σ(x) = 2/(1+e^{5x}) − 1 is the scaled sigmoid;
 *   a window counts only its best (= earliest) detection. A window with no detection costs −fnWeight.
 * - Outside windows a detection weighs σ(|i − prevEnd| / (prevW − 1)) · fpWeight, which is close to 0 just
 *   after a window and −fpWeight far from it (σ = −1 beyond 3 window widths, and before the first window).
 * - One threshold per profile is chosen for the whole corpus by sweeping every distinct score
 *   (plus 1.1, "no detection"), keeping the best total (ties go to the higher threshold).
 * - Normalised score = 100 · (raw − null) / (perfect − null), where null is the raw score of a detector
 *   that outputs a constant 0.5 and perfect = tpWeight × (number of labelled windows).
 */
import type { IndexWindow } from './corpus.js';

export type ProfileName = 'standard' | 'reward_low_FP_rate' | 'reward_low_FN_rate';

export interface CostMatrix {
  readonly tpWeight: number;
  readonly fpWeight: number;
  readonly fnWeight: number;
}

/** NAB `config/profiles.json`. */
export const NAB_PROFILES: Readonly<Record<ProfileName, CostMatrix>> = {
  standard: { tpWeight: 1.0, fpWeight: 0.11, fnWeight: 1.0 },
  reward_low_FP_rate: { tpWeight: 1.0, fpWeight: 0.22, fnWeight: 1.0 },
  reward_low_FN_rate: { tpWeight: 1.0, fpWeight: 0.11, fnWeight: 2.0 },
};

export const PROFILE_NAMES: readonly ProfileName[] = ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'];
export const DEFAULT_PROBATION_PERCENT = 0.15;
/** The sweep's starting threshold: above every valid score, so nothing is detected. */
export const NO_DETECTION_THRESHOLD = 1.1;

/** σ(x) = 2·sigmoid(−5x) − 1, and −1 from 3 window widths on (NAB sweeper). */
export function scaledSigmoid(relativePosition: number): number {
  if (relativePosition >= 3.0) return -1.0;
  return 2 / (1 + Math.exp(5 * relativePosition)) - 1;
}

export function probationLength(rows: number, percent = DEFAULT_PROBATION_PERCENT): number {
  return Math.min(Math.floor(percent * rows), percent * 5000);
}

export interface ScoredSeries {
  readonly relPath: string;
  readonly scores: ArrayLike<number>;
  readonly windows: readonly IndexWindow[];
}

/** Per-row contribution if detected, and the row's window (−1 outside any window, −2 probationary). */
export interface SweepRows {
  readonly weight: Float64Array;
  readonly window: Int32Array;
}

export const OUTSIDE = -1;
export const PROBATIONARY = -2;

export function sweepRows(rows: number, windows: readonly IndexWindow[], cost: CostMatrix, probationPercent = DEFAULT_PROBATION_PERCENT): SweepRows {
  const weight = new Float64Array(rows);
  const window = new Int32Array(rows).fill(OUTSIDE);
  const maxTp = scaledSigmoid(-1.0);
  const probation = probationLength(rows, probationPercent);
  let next = 0;
  let prevEnd = -1;
  let prevWidth = 0;
  for (let i = 0; i < rows; i++) {
    const w = windows[next];
    if (w !== undefined && i >= w.start && i <= w.end) {
      const width = w.end - w.start + 1;
      weight[i] = (scaledSigmoid(-(w.end - i + 1) / width) * cost.tpWeight) / maxTp;
      window[i] = next;
      if (i === w.end) {
        prevEnd = w.end;
        prevWidth = width;
        next++;
      }
    } else {
      // A one-row window has width − 1 = 0: NAB would divide by zero; we treat such rows as far away.
      const position = prevEnd < 0 || prevWidth <= 1 ? 3.0 : Math.abs(prevEnd - i) / (prevWidth - 1);
      weight[i] = scaledSigmoid(position) * cost.fpWeight;
    }
    if (i < probation) window[i] = PROBATIONARY;
  }
  return { weight, window };
}

export interface FileScore {
  readonly relPath: string;
  readonly score: number;
  /** Row counts at the threshold, as in NAB's score tables. */
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly tn: number;
  /** Windows with at least one detection / windows scored. */
  readonly windowsDetected: number;
  readonly windowsScored: number;
  /** Index of the first detection in each scored window, −1 when missed. */
  readonly firstDetection: readonly number[];
}

/** Scores one file at a fixed threshold (detections are rows with score ≥ threshold). */
export function scoreFile(series: ScoredSeries, cost: CostMatrix, threshold: number, probationPercent = DEFAULT_PROBATION_PERCENT): FileScore {
  const n = series.scores.length;
  const { weight, window } = sweepRows(n, series.windows, cost, probationPercent);
  const scored = new Set<number>();
  for (let i = 0; i < n; i++) if (window[i]! >= 0) scored.add(window[i]!);
  const best = new Map<number, number>();
  const first = new Map<number, number>();
  let fpSum = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let i = 0; i < n; i++) {
    const win = window[i]!;
    if (win === PROBATIONARY) continue;
    const detected = series.scores[i]! >= threshold;
    if (win === OUTSIDE) {
      if (detected) {
        fp++;
        fpSum += weight[i]!;
      } else tn++;
    } else if (detected) {
      tp++;
      if (!first.has(win)) first.set(win, i);
      best.set(win, Math.max(best.get(win) ?? -Infinity, weight[i]!));
    } else fn++;
  }
  let score = fpSum;
  const firstDetection: number[] = [];
  for (const win of [...scored].sort((a, b) => a - b)) {
    score += best.get(win) ?? -cost.fnWeight;
    firstDetection.push(first.get(win) ?? -1);
  }
  return { relPath: series.relPath, score, tp, fp, fn, tn, windowsDetected: best.size, windowsScored: scored.size, firstDetection };
}

export interface ThresholdChoice {
  readonly threshold: number;
  readonly score: number;
}

/**
 * Sweeps every distinct score over the whole corpus (NAB `calcScoreByThreshold` over all files at once)
 * and returns the threshold with the best total raw score.
 */
export function optimiseThreshold(corpus: readonly ScoredSeries[], cost: CostMatrix, probationPercent = DEFAULT_PROBATION_PERCENT): ThresholdChoice {
  let total = 0;
  for (const s of corpus) total += s.scores.length;
  const score = new Float64Array(total);
  const weight = new Float64Array(total);
  const windowId = new Int32Array(total);
  let k = 0;
  let windowBase = 0;
  let windowsScored = 0;
  for (const s of corpus) {
    const rows = sweepRows(s.scores.length, s.windows, cost, probationPercent);
    const seen = new Set<number>();
    for (let i = 0; i < s.scores.length; i++) {
      const win = rows.window[i]!;
      if (win === PROBATIONARY) continue;
      score[k] = s.scores[i]!;
      weight[k] = rows.weight[i]!;
      windowId[k] = win === OUTSIDE ? OUTSIDE : windowBase + win;
      if (win >= 0) seen.add(win);
      k++;
    }
    windowsScored += seen.size;
    windowBase += s.windows.length;
  }
  const order = new Uint32Array(k);
  for (let i = 0; i < k; i++) order[i] = i;
  order.sort((a, b) => score[b]! - score[a]!);

  const bestInWindow = new Float64Array(windowBase).fill(Number.NaN);
  let current = -cost.fnWeight * windowsScored;
  let best: ThresholdChoice = { threshold: NO_DETECTION_THRESHOLD, score: current };
  for (let j = 0; j < k; ) {
    const threshold = score[order[j]!]!;
    // Every row sharing this score becomes a detection at once.
    while (j < k && score[order[j]!] === threshold) {
      const i = order[j]!;
      const win = windowId[i]!;
      if (win === OUTSIDE) current += weight[i]!;
      else {
        const old = bestInWindow[win]!;
        const previous = Number.isNaN(old) ? -cost.fnWeight : old;
        if (Number.isNaN(old) || weight[i]! > old) {
          bestInWindow[win] = weight[i]!;
          current += weight[i]! - previous;
        }
      }
      j++;
    }
    if (current > best.score) best = { threshold, score: current };
  }
  return best;
}

export interface ProfileResult {
  readonly profile: ProfileName;
  readonly threshold: number;
  readonly raw: number;
  readonly nullRaw: number;
  readonly perfectRaw: number;
  /** 100 · (raw − null) / (perfect − null). */
  readonly normalised: number;
  readonly files: readonly FileScore[];
}

export function normalise(raw: number, nullRaw: number, perfectRaw: number): number {
  return (100 * (raw - nullRaw)) / (perfectRaw - nullRaw);
}

/** Raw score of NAB's null detector (constant 0.5) with its own optimal threshold. */
export function nullDetectorRaw(corpus: readonly ScoredSeries[], cost: CostMatrix, probationPercent = DEFAULT_PROBATION_PERCENT): number {
  const constant = corpus.map((s) => ({ ...s, scores: new Float64Array(s.scores.length).fill(0.5) }));
  return optimiseThreshold(constant, cost, probationPercent).score;
}

/** Full NAB scoring of one detector's results for one profile. */
export function scoreProfile(corpus: readonly ScoredSeries[], profile: ProfileName, probationPercent = DEFAULT_PROBATION_PERCENT): ProfileResult {
  const cost = NAB_PROFILES[profile];
  const { threshold } = optimiseThreshold(corpus, cost, probationPercent);
  const files = corpus.map((s) => scoreFile(s, cost, threshold, probationPercent));
  const raw = files.reduce((acc, f) => acc + f.score, 0);
  const nullRaw = nullDetectorRaw(corpus, cost, probationPercent);
  const windows = corpus.reduce((acc, s) => acc + s.windows.length, 0);
  const perfectRaw = windows * cost.tpWeight;
  return { profile, threshold, raw, nullRaw, perfectRaw, normalised: normalise(raw, nullRaw, perfectRaw), files };
}

export function scoreAllProfiles(corpus: readonly ScoredSeries[], probationPercent = DEFAULT_PROBATION_PERCENT): ProfileResult[] {
  return PROFILE_NAMES.map((p) => scoreProfile(corpus, p, probationPercent));
}
