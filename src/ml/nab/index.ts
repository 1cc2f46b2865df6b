/** NAB benchmark tooling: public surface of src/ml/nab (see docs/ml-anomaly.md). */
export { nabCommand, parseNabArgs, NAB_DETECTORS, type NabArgs } from './command.js';
export { loadNabCorpus, parseNabTimestamp, type NabCorpus, type NabSeries, type IndexWindow } from './corpus.js';
export {
  scoreAllProfiles,
  scoreProfile,
  scoreFile,
  optimiseThreshold,
  scaledSigmoid,
  probationLength,
  normalise,
  NAB_PROFILES,
  PROFILE_NAMES,
  type ProfileName,
  type ProfileResult,
  type ScoredSeries,
  type FileScore,
} from './scorer.js';
export { runDetector, type CorpusRun } from './runner.js';
export { readResults, writeResults, resultPath } from './results.js';
export { nullDetectorFactory, windowedGaussianFactory } from './reference-detectors.js';
export { NabErrors } from './errors.js';
