/**
 * The twin graph's error catalogue. Names follow the Azure Digital Twins data-plane error codes
 * (the ADT REST reference lists them per operation) so the ADT front door can translate each one
 * to ADT's code and status without guessing; see src/adt/errors.ts for that table.
 */
import { defineErrors } from '../shared/errors.js';

export const TwinsErrors = defineErrors('twins', {
  invalid_argument: { kind: 'invalid', title: 'An id or argument is not valid' },
  validation_failed: { kind: 'invalid', title: 'The document does not match its DTDL model' },
  json_patch_invalid: { kind: 'invalid', title: 'The JSON Patch document is not valid' },
  precondition_failed: { kind: 'precondition_failed', title: 'The If-Match / If-None-Match precondition failed' },
  limit_exceeded: { kind: 'invalid', title: 'A limit was exceeded' },

  model_not_found: { kind: 'not_found', title: 'No such model' },
  model_already_exists: { kind: 'conflict', title: 'A model with this id already exists' },
  dtdl_parser_error: { kind: 'invalid', title: 'The models are not valid DTDL' },
  model_decommissioned: { kind: 'invalid', title: 'The model is decommissioned and takes no new twins' },
  model_references_not_decommissioned: { kind: 'conflict', title: 'Only the decommissioned flag of a model can be changed' },
  model_in_use: { kind: 'conflict', title: 'The model is still used by another model or by twins' },

  twin_not_found: { kind: 'not_found', title: 'No such digital twin' },
  relationships_not_deleted: { kind: 'conflict', title: 'The twin still has relationships' },
  component_not_found: { kind: 'not_found', title: 'No such component on the twin' },

  relationship_not_found: { kind: 'not_found', title: 'No such relationship' },
  invalid_relationship: { kind: 'invalid', title: 'The relationship is not allowed by the source model' },
  self_relationship: { kind: 'invalid', title: 'A relationship cannot connect a twin to itself' },
  target_twin_not_found: { kind: 'not_found', title: 'The target twin of the relationship does not exist' },

  event_route_not_found: { kind: 'not_found', title: 'No such event route' },
  event_route_filter_invalid: { kind: 'invalid', title: 'The event route filter is not valid' },
  endpoint_not_found: { kind: 'not_found', title: 'No such endpoint' },
  endpoint_invalid: { kind: 'invalid', title: 'The endpoint definition is not valid' },
  endpoint_in_use: { kind: 'conflict', title: 'The endpoint is still used by event routes' },

  concurrent_writer: { kind: 'conflict', title: 'Another writer changed the stored document' },
});

export type TwinsErrorCode = keyof typeof TwinsErrors.specs;
