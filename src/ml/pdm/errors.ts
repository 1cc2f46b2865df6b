/**
 * Error catalogue of live predictive maintenance (CONTRIBUTING §Errors). Codes are stable; never
 * rename one. Kept apart from the `ml` catalogue of ml/core so this context can grow on its own.
 */
import { defineErrors } from '../../shared/errors.js';

export const PdmErrors = defineErrors('ml.pdm', {
  bad_model: { kind: 'invalid', title: 'Document is not a predictive-maintenance model this build can run' },
  model_not_found: { kind: 'not_found', title: 'No model with that version in the registry' },
  no_promoted_model: { kind: 'conflict', title: 'No model has been promoted yet' },
  machine_not_found: { kind: 'not_found', title: 'The scorer has no data for that machine' },
  too_few_failures: { kind: 'invalid', title: 'The training history holds too few failures to learn from' },
  bad_window: { kind: 'invalid', title: 'A time window is empty, reversed or overlaps where it must not' },
  bad_flag: { kind: 'invalid', title: 'A command-line flag is missing, unknown or malformed' },
  bad_data: { kind: 'invalid', title: 'History or label data is malformed' },
  training_busy: { kind: 'conflict', title: 'A training run is already in progress' },
  training_unavailable: { kind: 'unavailable', title: 'Training from history is not configured on this platform' },
  training_failed: { kind: 'internal', title: 'The training worker stopped without a model (crashed or ran out of memory)' },
  training_stopped: { kind: 'unavailable', title: 'The training run was stopped because the platform is shutting down' },
  unreachable: { kind: 'internal', title: 'A case the code does not handle (a bug)' },
});
