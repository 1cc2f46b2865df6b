/** Error catalogue of the DTDL context for API callers (stable codes, see src/shared/errors.ts). */
import { defineErrors } from '../shared/errors.js';

export const DtdlErrors = defineErrors('dtdl', {
  /** details.errors: DtdlError[] (code, modelId, path, rule, section, message). */
  invalid_model: { kind: 'invalid', title: 'The DTDL model is invalid' },
  /** details.unresolved: DTMIs referenced but neither supplied nor resolvable. */
  unresolved_reference: { kind: 'invalid', title: 'The DTDL model refers to models that are not available' },
  /** The element named for value validation is not a schema. */
  not_a_schema: { kind: 'invalid', title: 'The element is not a schema' },
  /** details.problems: value validation problems with paths. */
  invalid_value: { kind: 'invalid', title: 'The value does not conform to its DTDL schema' },
});
