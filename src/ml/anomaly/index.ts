/** Streaming anomaly detection: public surface of src/ml/anomaly (see docs/ml-anomaly.md). */
export type { SignalDetector, DetectorFactory } from './types.js';
export { NoveltyDetector, noveltyDetectorFactory } from './detector.js';
export { DetectorBank, type DetectorBankOptions } from './bank.js';
export { DEFAULT_CONFIG, resolveConfig, type NoveltyDetectorConfig, type ConfigOverrides } from './config.js';
export { AnomalyErrors } from './errors.js';
