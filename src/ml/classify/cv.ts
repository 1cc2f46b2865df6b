/**
 * Leak-free stratified k-fold evaluation: for each outer fold the whole training procedure
 * (encoding, inner CV, calibration, threshold, final model) runs on the other folds only, and the
 * held-out fold is scored once. Reports per-fold and mean ± sd F1, precision, recall, PR-AUC.
 */
import { averagePrecision, binaryReport, confusion, meanStd, rocAuc, splitFold, stratifiedFolds, take } from '../core/index.js';
import { predictClassifier, trainClassifier, type ClassifierOptions } from './model.js';
import { selectRows, type Table } from './table.js';

export interface FoldResult {
  readonly fold: number;
  readonly rows: number;
  readonly positives: number;
  readonly f1: number;
  readonly precision: number;
  readonly recall: number;
  readonly prAuc: number;
  readonly rocAuc: number;
  readonly threshold: number;
  /** F1 of the inner cross-validation on this fold's training rows (selection evidence that never saw the fold). */
  readonly innerF1: number;
}

export interface CvResult {
  readonly folds: FoldResult[];
  readonly summary: Record<'f1' | 'precision' | 'recall' | 'prAuc' | 'rocAuc', { mean: number; std: number }>;
  /** Pooled over all held-out rows (each row predicted once). */
  readonly pooled: { f1: number; precision: number; recall: number; prAuc: number };
  readonly outOfFold: Float64Array;
}

export function crossValidate(table: Table, labels: Uint8Array, options: ClassifierOptions & { folds?: number; onFold?: (r: FoldResult) => void } = {}): CvResult {
  const k = options.folds ?? 5;
  const seed = options.seed ?? 1;
  const fold = stratifiedFolds(labels, k, seed);
  const results: FoldResult[] = [];
  const oofProb = new Float64Array(labels.length);
  const oofLabel = new Uint8Array(labels.length);
  for (let f = 0; f < k; f++) {
    const { train, test } = splitFold(fold, f);
    const model = trainClassifier(selectRows(table, train), Uint8Array.from(take(labels, train)), { ...options, seed: seed + f });
    const pred = predictClassifier(model, selectRows(table, test));
    const truth = take(labels, test);
    const rep = binaryReport(confusion(pred.label, truth));
    pred.probability.forEach((p, i) => {
      oofProb[test[i]!] = p;
      oofLabel[test[i]!] = pred.label[i]!;
    });
    const r: FoldResult = {
      fold: f + 1,
      rows: test.length,
      positives: truth.reduce((a, b) => a + b, 0),
      f1: rep.f1,
      precision: rep.precision,
      recall: rep.recall,
      prAuc: averagePrecision(pred.probability, truth),
      rocAuc: rocAuc(pred.probability, truth),
      threshold: model.threshold,
      innerF1: model.inner.f1,
    };
    results.push(r);
    options.onFold?.(r);
  }
  const stat = (key: 'f1' | 'precision' | 'recall' | 'prAuc' | 'rocAuc') => meanStd(results.map((r) => r[key]));
  const pooledRep = binaryReport(confusion(oofLabel, labels));
  return {
    folds: results,
    summary: { f1: stat('f1'), precision: stat('precision'), recall: stat('recall'), prAuc: stat('prAuc'), rocAuc: stat('rocAuc') },
    pooled: { f1: pooledRep.f1, precision: pooledRep.precision, recall: pooledRep.recall, prAuc: averagePrecision(oofProb, labels) },
    outOfFold: oofProb,
  };
}
