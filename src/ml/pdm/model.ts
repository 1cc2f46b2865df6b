/**
 * The trained predictive-maintenance model as one JSON document: per failure mode, calibrated
 * classifiers "fails within H" for each horizon and a capped remaining-useful-life regressor with an
 * interval, plus the warning policy, the training data window and the metrics measured out of fold.
 */
import { assertGbdtModel, type Calibrator, type GbdtModel } from '../core/index.js';
import { PdmErrors } from './errors.js';
import { FEATURE_NAMES } from './features/catalogue.js';
import type { ReliabilityReport } from './reliability.js';
import type { WarningPolicy } from './warnings.js';

export const PDM_MODEL_VERSION = 1;

export interface ClassifierMetrics {
  readonly rows: number;
  readonly positives: number;
  readonly averagePrecision: number;
  readonly rocAuc: number;
  /** Out-of-fold reliability of the calibrated probability (ECE, Brier, table). */
  readonly reliability: ReliabilityReport;
}

export interface ClassifierPart {
  readonly horizonHours: number;
  readonly gbdt: GbdtModel;
  readonly calibrator: Calibrator;
  readonly metrics: ClassifierMetrics;
}

export interface RulPart {
  readonly gbdt: GbdtModel;
  readonly capHours: number;
  /**
   * Split-conformal half-widths (Vovk et al. 2005; Lei et al. 2018): out-of-fold |error| quantile at
   * `coverage` within buckets of predicted RUL (`upper` bounds, ascending; the last is the cap).
   */
  readonly interval: { readonly coverage: number; readonly upper: readonly number[]; readonly halfWidth: readonly number[] };
  readonly metrics: { readonly rows: number; readonly maeHours: number; readonly maeNearHours: number; readonly nearRows: number; readonly coverage: number };
}

export interface ModePart {
  readonly mode: string;
  /** Failures of this mode in the training window. */
  readonly failures: number;
  readonly classifiers: readonly ClassifierPart[];
  readonly rul?: RulPart;
}

/**
 * Warnings: each mode raises on its own calibrated probability at `horizonHours` against its own
 * threshold; the machine's warning score is max over modes of p_mode / threshold_mode, raised at 1
 * and cleared below `clearRatio` (WarningPolicy on that score). Modes without a threshold never raise
 * (their probability is still reported): no threshold reached the precision target out of fold.
 */
export interface WarningPart {
  readonly horizonHours: number;
  readonly thresholds: Readonly<Record<string, number>>;
  /** Consecutive hourly scorings at or above the threshold before a mode raises, per mode. */
  readonly confirm: Readonly<Record<string, number>>;
  readonly clearAfter: number;
  readonly clearRatio: number;
  /** Replayed on out-of-fold probabilities of the training window: the union, and per mode. */
  readonly outOfFold: WarningStats & { readonly perMode: Readonly<Record<string, WarningStats & { readonly threshold: number | null; readonly confirm: number }>> };
}

export interface WarningStats {
  readonly precision: number;
  readonly recall: number;
  readonly medianLeadHours: number;
  readonly failures: number;
  readonly episodes: number;
}

/** The policy on the normalised warning score (max over modes of p / threshold). */
export function warningPolicy(w: Pick<WarningPart, 'clearRatio' | 'confirm' | 'clearAfter'>): WarningPolicy {
  return { raise: 1, clear: w.clearRatio, confirm: w.confirm, clearAfter: w.clearAfter };
}

export interface PdmModel {
  readonly kind: 'twinworks.pdm';
  readonly version: typeof PDM_MODEL_VERSION;
  readonly createdAt: string;
  readonly dataWindow: { readonly from: string; readonly to: string };
  readonly features: readonly string[];
  readonly horizonsHours: readonly number[];
  readonly rulCapHours: number;
  readonly modes: readonly ModePart[];
  readonly warning: WarningPart;
  readonly metrics: {
    readonly rows: number;
    readonly machines: number;
    readonly failures: Readonly<Record<string, number>>;
    readonly trainingSeconds: number;
    /** Out-of-fold reliability of the any-mode probability per horizon. */
    readonly combined: ReadonlyArray<{ readonly horizonHours: number; readonly reliability: ReliabilityReport }>;
  };
  readonly params: Readonly<Record<string, unknown>>;
  /**
   * False when trained without the streaming anomaly detectors: scoring then hides those features
   * (NaN), as in training, so a live tracker that has them cannot steer the trees somewhere new.
   */
  readonly anomalyFeatures?: boolean;
}

/** Checks a parsed document is a model this build can score with (kind, version, feature layout). */
export function assertPdmModel(doc: unknown, where = 'model'): PdmModel {
  const m = doc as Partial<PdmModel> | null;
  if (m === null || typeof m !== 'object' || m.kind !== 'twinworks.pdm') {
    throw PdmErrors.create('bad_model', `${where}: not a twinworks.pdm model`, { where });
  }
  if (m.version !== PDM_MODEL_VERSION) {
    throw PdmErrors.create('bad_model', `${where}: pdm model version ${String(m.version)}, this build reads ${PDM_MODEL_VERSION}`, { where, version: m.version });
  }
  if (!Array.isArray(m.features) || m.features.length !== FEATURE_NAMES.length || m.features.some((f, i) => f !== FEATURE_NAMES[i])) {
    throw PdmErrors.create('bad_model', `${where}: the model was trained on another feature layout; retrain it with this build`, { where });
  }
  if (!Array.isArray(m.modes) || !Array.isArray(m.horizonsHours) || typeof m.rulCapHours !== 'number' || !m.warning || !m.dataWindow) {
    throw PdmErrors.create('bad_model', `${where}: pdm model lacks modes, horizons, rulCapHours, warning or dataWindow`, { where });
  }
  m.modes.forEach((part: ModePart, i: number) => {
    if (!part || !Array.isArray(part.classifiers)) throw PdmErrors.create('bad_model', `${where}.modes[${i}] lacks classifiers`, { where });
    part.classifiers.forEach((c: ClassifierPart, j: number) => assertGbdtModel(c.gbdt, `${where}.modes[${i}].classifiers[${j}].gbdt`));
    if (part.rul) assertGbdtModel(part.rul.gbdt, `${where}.modes[${i}].rul.gbdt`);
  });
  return m as PdmModel;
}
