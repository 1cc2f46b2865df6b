/**
 * Error catalogue of the ml context (CONTRIBUTING §Errors). Codes are stable; never rename one.
 * Shared by ml/core, ml/rul and ml/classify so the CLI prints one consistent `ml.<code>: message`.
 */
import { defineErrors } from '../../shared/errors.js';

export const MlErrors = defineErrors('ml', {
  unknown_flag: { kind: 'invalid', title: 'Unknown command-line flag' },
  missing_flag: { kind: 'invalid', title: 'A required command-line flag is missing' },
  bad_flag_value: { kind: 'invalid', title: 'A command-line flag has a malformed value' },
  unknown_subcommand: { kind: 'invalid', title: 'Unknown subcommand' },
  file_not_found: { kind: 'not_found', title: 'Input file not found' },
  bad_data: { kind: 'invalid', title: 'Input data is malformed' },
  unknown_column: { kind: 'invalid', title: 'Column not found in the data' },
  bad_model: { kind: 'invalid', title: 'Model document is not a model of the expected kind or version' },
  bad_params: { kind: 'invalid', title: 'Training parameters are out of range' },
  too_few_samples: { kind: 'invalid', title: 'Not enough samples to train or evaluate' },
});
