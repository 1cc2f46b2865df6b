/**
 * Error catalogue of the NAB benchmark tooling (CONTRIBUTING §Errors). Codes are stable; never rename one.
 * Kept apart from the `ml` catalogue of ml/core so the benchmark can evolve without touching it.
 */
import { defineErrors } from '../../shared/errors.js';

export const NabErrors = defineErrors('ml.nab', {
  missing_flag: { kind: 'invalid', title: 'A required command-line flag is missing' },
  unknown_flag: { kind: 'invalid', title: 'Unknown command-line flag' },
  bad_flag_value: { kind: 'invalid', title: 'A command-line flag has a malformed value' },
  corpus_not_found: { kind: 'not_found', title: 'NAB corpus directory or file not found' },
  bad_data: { kind: 'invalid', title: 'A NAB data, label or result file is malformed' },
  unknown_detector: { kind: 'invalid', title: 'No detector with that name' },
  result_missing: { kind: 'not_found', title: 'A result file for a corpus series is missing' },
});
