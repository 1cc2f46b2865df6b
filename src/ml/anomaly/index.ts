/** Streaming anomaly detection: public surface of src/ml/anomaly (see docs/ml-anomaly.md). */
export type { SignalDetector, DetectorFactory } from './types.js';
