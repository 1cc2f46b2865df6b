/** Shared maths for the ml models: matrices, seeded RNG, metrics, CSV, folds, calibration, GBDT, MLP. */
export { MlErrors } from './errors.js';
export { Rng, permutation } from './rng.js';
export { type Matrix, zeros, fromRows, getRow, takeRows, take, columnStats } from './matrix.js';
export {
  rmse,
  mae,
  phm08Score,
  confusion,
  binaryReport,
  averagePrecision,
  rocAuc,
  logLoss,
  bestF1Threshold,
  meanStd,
  type Confusion,
  type BinaryReport,
} from './metrics.js';
export { parseCsv, formatCsv, parseNumberTable, type CsvTable } from './csv.js';
export { stratifiedFolds, groupFolds, splitFold } from './folds.js';
export { fitIsotonic, fitPlatt, applyCalibrator, type Calibrator } from './calibration.js';
export { Adam, type AdamOptions } from './adam.js';
export { parseFlags, requireFile, runSubcommand, type FlagSpec, type Flags, type SubcommandIO } from './args.js';
export {
  trainGbdt,
  predictGbdt,
  predictGbdtRaw,
  assertGbdtModel,
  DEFAULT_GBDT_PARAMS,
  GBDT_MODEL_VERSION,
  type GbdtModel,
  type GbdtParams,
  type GbdtTraining,
  type Objective,
} from './gbdt/boost.js';
export { trainMlp, predictMlp, assertMlpModel, DEFAULT_MLP_PARAMS, MLP_MODEL_VERSION, type MlpModel, type MlpParams } from './nn/regressor.js';
