/**
 * Cross-validation splits. Stratified k-fold keeps each fold's positive rate equal to the whole
 * (needed with 3.4 % positives in AI4I); group k-fold keeps all rows of one group (one engine, one
 * machine) in one fold so windows of the same history never sit on both sides of a split.
 */
import { MlErrors } from './errors.js';
import { Rng } from './rng.js';

/** Fold number (0..k−1) per sample; each class is shuffled then dealt round-robin. */
export function stratifiedFolds(labels: ArrayLike<number>, k: number, seed: number): Int32Array {
  if (!(k >= 2)) throw MlErrors.create('bad_params', `folds must be ≥ 2, got ${k}`, { folds: k });
  const rng = new Rng(seed);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const list = byClass.get(labels[i]!) ?? [];
    list.push(i);
    byClass.set(labels[i]!, list);
  }
  const fold = new Int32Array(labels.length);
  let next = 0;
  for (const key of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = byClass.get(key)!;
    if (members.length < k) {
      throw MlErrors.create('too_few_samples', `class ${key} has ${members.length} samples, fewer than ${k} folds`, { label: key, count: members.length, folds: k });
    }
    rng.shuffle(members);
    // Continue dealing where the previous class stopped so fold sizes stay balanced overall.
    for (const i of members) fold[i] = next++ % k;
  }
  return fold;
}

/** Fold per sample such that all samples of a group share a fold; groups are shuffled then dealt. */
export function groupFolds(groups: ArrayLike<number | string>, k: number, seed: number): Int32Array {
  const distinct = [...new Set(Array.from(groups))];
  if (distinct.length < k) throw MlErrors.create('too_few_samples', `${distinct.length} groups, fewer than ${k} folds`, { groups: distinct.length, folds: k });
  new Rng(seed).shuffle(distinct);
  const foldOf = new Map(distinct.map((g, i) => [g, i % k]));
  return Int32Array.from(Array.from(groups), (g) => foldOf.get(g)!);
}

/** Indices where fold == f (test) and != f (train). */
export function splitFold(fold: Int32Array, f: number): { train: Uint32Array; test: Uint32Array } {
  const train: number[] = [], test: number[] = [];
  for (let i = 0; i < fold.length; i++) (fold[i] === f ? test : train).push(i);
  return { train: Uint32Array.from(train), test: Uint32Array.from(test) };
}
