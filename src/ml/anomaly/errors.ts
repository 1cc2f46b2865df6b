/** Error catalogue of streaming anomaly detection (CONTRIBUTING §Errors). Codes are stable; never rename one. */
import { defineErrors } from '../../shared/errors.js';

export const AnomalyErrors = defineErrors('ml.anomaly', {
  bad_config: { kind: 'invalid', title: 'Detector configuration value out of range' },
});
