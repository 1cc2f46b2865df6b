/**
 * Remaining-useful-life model: per-condition standardised sensors → causal window features →
 * an ensemble of gradient-boosted trees and small MLPs, trained on the piece-wise linear target
 * min(RUL, cap) (cap 125 as in Li et al. 2018 and most C-MAPSS papers; README §1).
 * Training uses k engine-grouped folds: each fold trains one GBDT and one MLP on the other engines
 * with early stopping on its own held-out engines; the held-out (out-of-fold) predictions choose the
 * GBDT/MLP blend weight. Prediction averages all fold members. Arrays in, JSON model out.
 */
import { groupFolds, MlErrors, predictGbdt, predictMlp, rmse, splitFold, take, takeRows, trainGbdt, trainMlp, type GbdtModel, type GbdtParams, type Matrix, type MlpModel, type MlpParams } from '../core/index.js';
import { fitConditions, type ConditionModel } from './conditions.js';
import { DEFAULT_FEATURE_SPEC, featureCount, historyFeatures, type FeatureSpec } from './features.js';
import { fitNormaliser, standardiseHistory, type SensorNormaliser } from './normalise.js';
import type { EngineHistory } from './types.js';

export const RUL_MODEL_VERSION = 1;

export interface RulModel {
  readonly kind: 'twinworks.rul';
  readonly version: typeof RUL_MODEL_VERSION;
  readonly cap: number;
  readonly conditions: ConditionModel;
  readonly normaliser: SensorNormaliser;
  readonly features: FeatureSpec;
  readonly gbdt: GbdtModel[];
  readonly mlp: MlpModel[];
  /** Weight of the GBDT mean in the blend; the MLP mean gets 1 − w. */
  readonly gbdtWeight: number;
  /** Out-of-fold RMSE on every training cycle (capped target), for each member kind and the blend. */
  readonly validation: { gbdt: number; mlp: number; blend: number };
}

export interface RulTrainOptions {
  readonly cap?: number;
  /** Force the number of operating conditions instead of choosing it from the settings. */
  readonly conditions?: number;
  readonly features?: Partial<FeatureSpec>;
  readonly folds?: number;
  readonly seed?: number;
  readonly gbdt?: Partial<GbdtParams> | false;
  readonly mlp?: Partial<MlpParams> | false;
  readonly onProgress?: (message: string) => void;
}

export const DEFAULT_RUL_GBDT: Partial<GbdtParams> = {
  objective: 'squared',
  rounds: 2000,
  learningRate: 0.03,
  maxLeaves: 31,
  maxDepth: 8,
  minSamplesLeaf: 40,
  lambda: 5,
  subsample: 0.8,
  colsample: 0.5,
  maxBins: 128,
  earlyStoppingRounds: 100,
};

export const DEFAULT_RUL_MLP: Partial<MlpParams> = { hidden: [64, 32], epochs: 40, batchSize: 128, learningRate: 2e-3, weightDecay: 1e-4 };

/** Feature matrix of every cycle of the given histories (rows in history order). */
export function buildFeatures(histories: readonly EngineHistory[], conditions: ConditionModel, norm: SensorNormaliser, spec: FeatureSpec): Matrix {
  const S = norm.used.length;
  const F = featureCount(spec, S);
  const rows = histories.reduce((a, h) => a + h.sensors.length, 0);
  const data = new Float64Array(rows * F);
  let offset = 0;
  for (const h of histories) {
    const T = h.sensors.length;
    historyFeatures(standardiseHistory(h, conditions, norm), T, S, spec, data, offset);
    offset += T;
  }
  return { rows, cols: F, data };
}

export function trainRul(histories: readonly EngineHistory[], options: RulTrainOptions = {}): RulModel {
  const cap = options.cap ?? 125;
  const k = options.folds ?? 5;
  const seed = options.seed ?? 1;
  const log = options.onProgress ?? (() => {});
  if (histories.length < k) throw MlErrors.create('too_few_samples', `need at least ${k} run-to-failure histories, got ${histories.length}`, { histories: histories.length, folds: k });
  if (options.gbdt === false && options.mlp === false) throw MlErrors.create('bad_params', 'at least one of gbdt and mlp must be enabled', {});
  for (const h of histories) {
    if (h.sensors.length === 0 || h.sensors.length !== h.settings.length) {
      throw MlErrors.create('bad_data', `history ${h.id}: ${h.settings.length} setting rows and ${h.sensors.length} sensor rows`, { id: h.id });
    }
  }
  const conditions = fitConditions(histories.flatMap((h) => h.settings), { k: options.conditions, seed });
  const normaliser = fitNormaliser(histories, conditions);
  const spec: FeatureSpec = { ...DEFAULT_FEATURE_SPEC, ...options.features };
  const x = buildFeatures(histories, conditions, normaliser, spec);
  const y = new Float64Array(x.rows);
  const group = new Int32Array(x.rows);
  let r = 0;
  histories.forEach((h, e) => {
    const T = h.sensors.length;
    for (let t = 0; t < T; t++, r++) {
      y[r] = Math.min(T - 1 - t, cap);
      group[r] = e;
    }
  });
  log(`${histories.length} histories, ${x.rows} cycles, ${conditions.centers.length} condition(s), ${normaliser.used.length} sensors, ${x.cols} features`);

  const fold = groupFolds(Array.from(group), k, seed);
  const oofG = new Float64Array(x.rows), oofM = new Float64Array(x.rows);
  const gbdt: GbdtModel[] = [], mlp: MlpModel[] = [];
  for (let f = 0; f < k; f++) {
    const { train, test } = splitFold(fold, f);
    const xt = takeRows(x, train), yt = take(y, train);
    const xv = takeRows(x, test), yv = take(y, test);
    if (options.gbdt !== false) {
      const res = trainGbdt(xt, yt, { params: { ...DEFAULT_RUL_GBDT, ...options.gbdt, seed: seed * 100 + f }, valid: { x: xv, y: yv } });
      gbdt.push(res.model);
      predictGbdt(res.model, xv).forEach((v, i) => (oofG[test[i]!] = v));
      log(`fold ${f + 1}/${k} gbdt: ${res.bestRounds} trees, held-out RMSE ${res.validLoss[res.bestRounds - 1]?.toFixed(2)}`);
    }
    if (options.mlp !== false) {
      const res = trainMlp(xt, yt, { params: { ...DEFAULT_RUL_MLP, ...options.mlp, seed: seed * 100 + f }, valid: { x: xv, y: yv } });
      mlp.push(res.model);
      predictMlp(res.model, xv).forEach((v, i) => (oofM[test[i]!] = v));
      log(`fold ${f + 1}/${k} mlp: best epoch ${res.bestEpoch}, held-out RMSE ${rmse(predictMlp(res.model, xv), yv).toFixed(2)}`);
    }
  }
  const clip = (v: number) => Math.min(cap, Math.max(0, v));
  const blendRmse = (w: number) => rmse(Array.from(oofG, (g, i) => clip(w * g + (1 - w) * oofM[i]!)), y);
  let gbdtWeight = mlp.length === 0 ? 1 : gbdt.length === 0 ? 0 : 0.5;
  if (gbdt.length > 0 && mlp.length > 0) {
    let best = Infinity;
    for (let s = 0; s <= 10; s++) {
      const e = blendRmse(s / 10);
      if (e < best) {
        best = e;
        gbdtWeight = s / 10;
      }
    }
  }
  const validation = {
    gbdt: gbdt.length > 0 ? blendRmse(1) : Number.NaN,
    mlp: mlp.length > 0 ? blendRmse(0) : Number.NaN,
    blend: blendRmse(gbdtWeight),
  };
  log(`out-of-fold RMSE gbdt ${validation.gbdt.toFixed(2)}, mlp ${validation.mlp.toFixed(2)}, blend (w=${gbdtWeight}) ${validation.blend.toFixed(2)}`);
  return { kind: 'twinworks.rul', version: RUL_MODEL_VERSION, cap, conditions, normaliser, features: spec, gbdt, mlp, gbdtWeight, validation };
}

/** Predicted RUL at every cycle of each history (clipped to [0, cap]). */
export function predictRulSeries(model: RulModel, histories: readonly EngineHistory[]): Float64Array[] {
  const x = buildFeatures(histories, model.conditions, model.normaliser, model.features);
  const mean = (preds: Float64Array[]): Float64Array => {
    const out = new Float64Array(x.rows);
    for (const p of preds) for (let i = 0; i < x.rows; i++) out[i]! += p[i]! / preds.length;
    return out;
  };
  const g = model.gbdt.length > 0 ? mean(model.gbdt.map((m) => predictGbdt(m, x))) : undefined;
  const m = model.mlp.length > 0 ? mean(model.mlp.map((mm) => predictMlp(mm, x))) : undefined;
  const w = g === undefined ? 0 : m === undefined ? 1 : model.gbdtWeight;
  const all = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) all[i] = Math.min(model.cap, Math.max(0, w * (g?.[i] ?? 0) + (1 - w) * (m?.[i] ?? 0)));
  const out: Float64Array[] = [];
  let offset = 0;
  for (const h of histories) {
    out.push(all.slice(offset, offset + h.sensors.length));
    offset += h.sensors.length;
  }
  return out;
}

/** Predicted RUL at the last observed cycle of each history. */
export function predictRul(model: RulModel, histories: readonly EngineHistory[]): number[] {
  return predictRulSeries(model, histories).map((s) => s[s.length - 1]!);
}
