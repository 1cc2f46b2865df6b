/**
 * Operating-condition handling. C-MAPSS FD002/FD004 run in 6 flight regimes whose settings move
 * the sensors far more than degradation does (datasets README §1); the usual remedy is to cluster
 * the settings and standardise each sensor within its regime. Settings are scaled by their global
 * standard deviation, clustered by k-means (k-means++ seeding), and k is the smallest value whose
 * clusters explain ≥ 99.9 % of the settings' variance — 1 when the settings are just noise (FD001/FD003:
 * even k = 8 leaves 15 % unexplained), 6 for FD002/FD004 (k = 5 leaves 0.7 %, k = 6 leaves 0.0001 %).
 */
import { MlErrors, Rng } from '../core/index.js';

export interface ConditionModel {
  /** Per-setting scale applied before distance computations. */
  readonly scale: number[];
  /** Cluster centres in scaled setting space. */
  readonly centers: number[][];
}

function sqDist(a: ArrayLike<number>, b: ArrayLike<number>, scale: readonly number[]): number {
  let s = 0;
  for (let j = 0; j < scale.length; j++) s += ((a[j]! - b[j]!) / scale[j]!) ** 2;
  return s;
}

/** Lloyd's k-means on already-scaled points; returns centres and the within-cluster sum of squares. */
function kmeans(points: Float64Array[], k: number, rng: Rng, iterations = 50): { centers: number[][]; sse: number } {
  const dim = points[0]!.length;
  const ones = new Array<number>(dim).fill(1);
  const centers: number[][] = [Array.from(points[rng.int(points.length)]!)];
  const d2 = new Float64Array(points.length);
  while (centers.length < k) {
    let total = 0;
    points.forEach((p, i) => {
      d2[i] = Math.min(...centers.map((c) => sqDist(p, c, ones)));
      total += d2[i]!;
    });
    let r = rng.next() * total, pick = 0;
    for (; pick < points.length - 1 && r > d2[pick]!; pick++) r -= d2[pick]!;
    centers.push(Array.from(points[pick]!));
  }
  const assign = new Int32Array(points.length);
  let sse = 0;
  for (let it = 0; it < iterations; it++) {
    sse = 0;
    let moved = false;
    points.forEach((p, i) => {
      let best = 0, bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const d = sqDist(p, centers[c]!, ones);
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      if (assign[i] !== best) moved = true;
      assign[i] = best;
      sse += bestD;
    });
    if (!moved && it > 0) break;
    const sums = Array.from({ length: k }, () => new Array<number>(dim).fill(0));
    const counts = new Array<number>(k).fill(0);
    points.forEach((p, i) => {
      counts[assign[i]!]!++;
      for (let j = 0; j < dim; j++) sums[assign[i]!]![j]! += p[j]!;
    });
    for (let c = 0; c < k; c++) if (counts[c]! > 0) centers[c] = sums[c]!.map((s) => s / counts[c]!);
  }
  return { centers, sse };
}

/**
 * Fits the condition model on all training setting rows. `k` forces the number of regimes;
 * otherwise it is chosen automatically (1..maxK) by the 99.9 %-of-variance rule.
 */
export function fitConditions(settingRows: ReadonlyArray<ArrayLike<number>>, options: { k?: number; maxK?: number; seed?: number } = {}): ConditionModel {
  if (settingRows.length === 0) throw MlErrors.create('too_few_samples', 'no setting rows to cluster', {});
  const dim = settingRows[0]!.length;
  if (dim === 0) return { scale: [], centers: [[]] };
  const mean = new Array<number>(dim).fill(0);
  for (const r of settingRows) for (let j = 0; j < dim; j++) mean[j]! += r[j]! / settingRows.length;
  const scale = mean.map((m, j) => {
    let v = 0;
    for (const r of settingRows) v += (r[j]! - m) ** 2;
    const sd = Math.sqrt(v / settingRows.length);
    return sd > 1e-12 ? sd : 1;
  });
  // Subsample for speed: regimes are few and dense, 5 000 rows locate them precisely.
  const rng = new Rng(options.seed ?? 1);
  const step = Math.max(1, Math.floor(settingRows.length / 5000));
  const pts: Float64Array[] = [];
  for (let i = 0; i < settingRows.length; i += step) pts.push(Float64Array.from({ length: dim }, (_, j) => settingRows[i]![j]! / scale[j]!));
  const total = kmeans(pts, 1, rng).sse;
  const pick = (k: number) => {
    // Best of 3 restarts: k-means++ can still merge two regimes by bad luck.
    let best = kmeans(pts, k, rng);
    for (let r = 0; r < 2; r++) {
      const c = kmeans(pts, k, rng);
      if (c.sse < best.sse) best = c;
    }
    return best;
  };
  let chosen: number[][] | undefined;
  if (options.k !== undefined) chosen = pick(options.k).centers;
  else {
    for (let k = 1; k <= (options.maxK ?? 8) && chosen === undefined; k++) {
      const res = k === 1 ? { centers: [mean.map((m, j) => m / scale[j]!)], sse: total } : pick(k);
      if (total === 0 || res.sse / total < 1e-3) chosen = res.centers;
    }
    chosen ??= [mean.map((m, j) => m / scale[j]!)];
  }
  // Store centres in raw setting units so assignment needs only the scale.
  return { scale, centers: chosen.map((c) => c.map((v, j) => v * scale[j]!)) };
}

/** Condition index for a raw settings row. */
export function conditionOf(model: ConditionModel, settings: ArrayLike<number>): number {
  let best = 0, bestD = Infinity;
  for (let c = 0; c < model.centers.length; c++) {
    const d = sqDist(settings, model.centers[c]!, model.scale);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}
