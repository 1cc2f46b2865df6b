/**
 * Why a tree ensemble said what it said, per prediction: each tree's raw output is split along the
 * decision path into a bias (the root's value) and one term per split, the change in node value the
 * split made (Saabas 2014, "interpreting random forests"; the path-attribution that TreeSHAP refines).
 * Our trees keep the Newton value of every internal node (it was a leaf before it split), so the
 * terms add up exactly: bias + Σ contributions = the model's raw score (log-odds for a classifier).
 */
import type { GbdtModel } from '../core/index.js';

export interface Contributions {
  /** baseScore + every tree's root value. */
  readonly bias: number;
  /** Per feature, in the model's raw units (log-odds for logistic models). */
  readonly perFeature: Float64Array;
}

export function contributions(model: GbdtModel, x: ArrayLike<number>): Contributions {
  const perFeature = new Float64Array(model.featureCount);
  let bias = model.baseScore;
  for (const tree of model.trees) {
    let node = 0;
    bias += tree.value[0]!;
    // Bounded by the tree depth: every step moves to a child with a larger index.
    while (tree.feature[node]! >= 0) {
      const f = tree.feature[node]!;
      const v = x[f]!;
      const next = v <= tree.threshold[node]! || Number.isNaN(v) ? tree.left[node]! : tree.right[node]!;
      perFeature[f]! += tree.value[next]! - tree.value[node]!;
      node = next;
    }
  }
  return { bias, perFeature };
}

/** Indices of the `k` largest positive contributions (what pushed the risk up), largest first. */
export function topDrivers(c: Contributions, k: number, skip: (feature: number) => boolean = () => false): number[] {
  const idx: number[] = [];
  for (let f = 0; f < c.perFeature.length; f++) if (c.perFeature[f]! > 0 && !skip(f)) idx.push(f);
  idx.sort((a, b) => c.perFeature[b]! - c.perFeature[a]! || a - b);
  return idx.slice(0, k);
}
