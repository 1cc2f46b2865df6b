/**
 * Probability calibration of classifier scores, fitted on out-of-fold predictions:
 * - isotonic regression by pool-adjacent-violators (Zadrozny & Elkan 2002; Barlow et al. 1972),
 *   kept as block end points and linearly interpolated between them (as scikit-learn does), clamped
 *   outside the fitted range; monotone non-decreasing by construction;
 * - Platt scaling (Platt 1999): p = σ(a·s + b) fitted by Newton's method on Platt's smoothed targets
 *   (N₊+1)/(N₊+2) and 1/(N₋+2), better when there are few positives.
 */
import { MlErrors } from './errors.js';

export type Calibrator =
  | { readonly method: 'isotonic'; readonly x: number[]; readonly y: number[] }
  | { readonly method: 'platt'; readonly a: number; readonly b: number }
  | { readonly method: 'none' };

export function fitIsotonic(scores: ArrayLike<number>, labels: ArrayLike<number>, weights?: ArrayLike<number>): Calibrator {
  const n = scores.length;
  if (n === 0 || labels.length !== n) throw MlErrors.create('bad_data', 'isotonic: need equal, non-zero numbers of scores and labels', { scores: n, labels: labels.length });
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  // Blocks of the PAV stack: total weight, weighted label sum, score range.
  const bw: number[] = [], by: number[] = [], lo: number[] = [], hi: number[] = [];
  for (const i of order) {
    const w = weights ? weights[i]! : 1;
    const s = scores[i]!;
    if (bw.length > 0 && hi[hi.length - 1] === s) {
      // Equal scores must get one value: merge into the current block before checking order.
      bw[bw.length - 1]! += w;
      by[by.length - 1]! += w * labels[i]!;
    } else {
      bw.push(w);
      by.push(w * labels[i]!);
      lo.push(s);
      hi.push(s);
    }
    while (bw.length > 1 && by[by.length - 2]! / bw[bw.length - 2]! >= by[by.length - 1]! / bw[bw.length - 1]!) {
      const w2 = bw.pop()!, y2 = by.pop()!, h2 = hi.pop()!;
      lo.pop();
      bw[bw.length - 1]! += w2;
      by[by.length - 1]! += y2;
      hi[hi.length - 1] = h2;
    }
  }
  const x: number[] = [], y: number[] = [];
  for (let k = 0; k < bw.length; k++) {
    const v = by[k]! / bw[k]!;
    x.push(lo[k]!);
    y.push(v);
    if (hi[k]! > lo[k]!) {
      x.push(hi[k]!);
      y.push(v);
    }
  }
  return { method: 'isotonic', x, y };
}

export function fitPlatt(scores: ArrayLike<number>, labels: ArrayLike<number>): Calibrator {
  const n = scores.length;
  let pos = 0;
  for (let i = 0; i < n; i++) if (labels[i] === 1) pos++;
  const neg = n - pos;
  const tPos = (pos + 1) / (pos + 2), tNeg = 1 / (neg + 2);
  let a = 1, b = 0;
  for (let iter = 0; iter < 100; iter++) {
    // Newton step on the mean cross-entropy: gradient (ga, gb), Hessian [[haa, hab], [hab, hbb]].
    let ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
    for (let i = 0; i < n; i++) {
      const s = scores[i]!;
      const p = 1 / (1 + Math.exp(-(a * s + b)));
      const t = labels[i] === 1 ? tPos : tNeg;
      const r = p - t, q = Math.max(p * (1 - p), 1e-12);
      ga += r * s;
      gb += r;
      haa += q * s * s;
      hab += q * s;
      hbb += q;
    }
    haa += 1e-9;
    hbb += 1e-9;
    const det = haa * hbb - hab * hab;
    if (!(Math.abs(det) > 0)) break;
    const da = (hbb * ga - hab * gb) / det, db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-10) break;
  }
  return { method: 'platt', a, b };
}

export function applyCalibrator(c: Calibrator, score: number): number {
  switch (c.method) {
    case 'none':
      return score;
    case 'platt':
      return 1 / (1 + Math.exp(-(c.a * score + c.b)));
    case 'isotonic': {
      const { x, y } = c;
      if (score <= x[0]!) return y[0]!;
      if (score >= x[x.length - 1]!) return y[y.length - 1]!;
      let lo = 0, hi = x.length - 1;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (x[mid]! <= score) lo = mid;
        else hi = mid;
      }
      const t = (score - x[lo]!) / (x[hi]! - x[lo]!);
      return y[lo]! + t * (y[hi]! - y[lo]!);
    }
    default:
      return assertNever(c);
  }
}

function assertNever(x: never): never {
  throw MlErrors.create('bad_model', `unknown calibration method ${JSON.stringify(x)}`, {});
}
