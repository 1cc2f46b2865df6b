/**
 * Errors in Azure Digital Twins' shape: status, `x-ms-error-code` header and
 * `{"error":{"code","message"}}` body (ADT REST reference, ErrorResponse). Codes and statuses are the
 * ones the ADT data-plane reference lists per operation, e.g. DigitalTwinNotFound 404,
 * RelationshipsNotDeleted 400, ModelReferencesNotDeleted 409, PreconditionFailed 412. This table is
 * the only place our error catalogue codes meet ADT's names.
 */
import { TwinworksError } from '../shared/errors.js';

export interface AdtError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly details?: unknown;
}

const BY_CODE: Readonly<Record<string, readonly [number, string]>> = {
  'twins.invalid_argument': [400, 'InvalidArgument'],
  'twins.validation_failed': [400, 'ValidationFailed'],
  'twins.json_patch_invalid': [400, 'JsonPatchInvalid'],
  'twins.precondition_failed': [412, 'PreconditionFailed'],
  'twins.limit_exceeded': [400, 'LimitExceeded'],
  'twins.model_not_found': [404, 'ModelNotFound'],
  'twins.model_already_exists': [409, 'ModelAlreadyExists'],
  'twins.dtdl_parser_error': [400, 'DTDLParserError'],
  'twins.model_decommissioned': [400, 'ModelDecommissioned'],
  'twins.model_references_not_decommissioned': [409, 'ModelReferencesNotDecommissioned'],
  'twins.model_in_use': [409, 'ModelReferencesNotDeleted'],
  'twins.twin_not_found': [404, 'DigitalTwinNotFound'],
  'twins.relationships_not_deleted': [400, 'RelationshipsNotDeleted'],
  'twins.component_not_found': [404, 'ComponentNotFound'],
  'twins.relationship_not_found': [404, 'RelationshipNotFound'],
  'twins.invalid_relationship': [400, 'InvalidRelationship'],
  'twins.self_relationship': [400, 'OperationNotAllowed'],
  'twins.target_twin_not_found': [404, 'TargetTwinNotFound'],
  'twins.event_route_not_found': [404, 'EventRouteNotFound'],
  'twins.event_route_filter_invalid': [400, 'EventRouteFilterInvalid'],
  'twins.endpoint_not_found': [400, 'EventRouteEndpointInvalid'],
  'twins.endpoint_invalid': [400, 'InvalidArgument'],
  'twins.endpoint_in_use': [409, 'Conflict'],
  'twins.concurrent_writer': [412, 'PreconditionFailed'],
  'query.invalid_continuation': [400, 'BadRequest'],
  'query.invalid_page_size': [400, 'BadRequest'],
  'auth.missing_credentials': [401, 'Unauthorized'],
  'auth.invalid_token': [401, 'Unauthorized'],
  'auth.token_expired': [401, 'Unauthorized'],
  'auth.invalid_credentials': [401, 'Unauthorized'],
  'auth.forbidden': [403, 'Forbidden'],
  'adt.missing_api_version': [400, 'MissingApiVersionParameter'],
  'adt.unsupported_api_version': [400, 'UnsupportedApiVersion'],
};

const BY_KIND: Readonly<Record<string, readonly [number, string]>> = {
  invalid: [400, 'BadRequest'],
  unauthenticated: [401, 'Unauthorized'],
  forbidden: [403, 'Forbidden'],
  not_found: [404, 'NotFound'],
  conflict: [409, 'Conflict'],
  precondition_failed: [412, 'PreconditionFailed'],
  too_large: [413, 'PayloadTooLarge'],
  rate_limited: [429, 'QuotaReachedError'],
  unavailable: [503, 'ServiceUnavailable'],
  internal: [500, 'InternalServerError'],
};

/** `patchBody`: the request was a JSON Patch, so a malformed body is ADT's JsonPatchInvalid. */
export function toAdtError(err: unknown, patchBody = false): AdtError {
  if (err instanceof TwinworksError) {
    // Every other query error is a problem with the query text: ADT's SqlQueryError.
    const mapped = BY_CODE[err.code] ?? (err.code.startsWith('query.') ? ([400, 'SqlQueryError'] as const) : BY_KIND[err.kind]) ?? [500, 'InternalServerError'];
    const details = Object.keys(err.details).length > 0 ? err.details : undefined;
    return { status: mapped[0], code: mapped[1], message: err.message, ...(details ? { details } : {}) };
  }
  const e = err as { statusCode?: number; message?: string; validation?: unknown; validationContext?: string; code?: string };
  if (e.validation && patchBody && e.validationContext === 'body') return { status: 400, code: 'JsonPatchInvalid', message: `The JSON Patch document is not valid: ${e.message ?? ''}` };
  if (e.validation) return { status: 400, code: 'InvalidArgument', message: e.message ?? 'The request is not valid' };
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { status: 413, code: 'PayloadTooLarge', message: e.message ?? 'The request body is too large' };
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return { status: 415, code: 'UnsupportedMediaType', message: e.message ?? 'Unsupported content type' };
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) return { status: e.statusCode, code: 'BadRequest', message: e.message ?? 'Bad request' };
  return { status: 500, code: 'InternalServerError', message: 'Internal error; the server log has the details' };
}

/** ADT's ErrorResponse body. Our catalogue code and details ride along in `innererror` for debugging. */
export function errorBody(e: AdtError, ourCode?: string): Record<string, unknown> {
  const error: Record<string, unknown> = { code: e.code, message: e.message };
  if (ourCode) error['innererror'] = { code: ourCode, ...(e.details ? { details: e.details } : {}) };
  return { error };
}
