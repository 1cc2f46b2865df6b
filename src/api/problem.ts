import type { ErrorKind } from '../shared/errors.js';
import { TwinworksError } from '../shared/errors.js';
import { defineErrors } from '../shared/errors.js';

/** The one place where error kinds become HTTP statuses. */
export const STATUS_BY_KIND: Readonly<Record<ErrorKind, number>> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export const ApiErrors = defineErrors('api', {
  route_not_found: { kind: 'not_found', title: 'No such route' },
  malformed_json: { kind: 'invalid', title: 'The request body is not valid JSON' },
  invalid_request: { kind: 'invalid', title: 'The request does not match the route schema' },
  unsupported_media_type: { kind: 'invalid', title: 'The request content type is not supported' },
  body_too_large: { kind: 'too_large', title: 'The request body is too large' },
  internal: { kind: 'internal', title: 'Internal error' },
});

/** RFC 9457 problem details, plus the stable `code` and the error's details. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly instance?: string;
  readonly [extra: string]: unknown;
}

export function toProblem(err: TwinworksError, instance?: string): Problem {
  const status = STATUS_BY_KIND[err.kind];
  return {
    ...err.details,
    type: `https://twinworks.dev/problems/${err.code}`,
    title: titleOf(err),
    status,
    detail: err.message,
    code: err.code,
    ...(instance ? { instance } : {}),
  };
}

function titleOf(err: TwinworksError): string {
  return err.code.replace(/^[^.]+\./, '').replaceAll('_', ' ');
}

/** Fastify's own errors (parsing, validation, limits) turned into catalogue errors. */
export function fromFrameworkError(err: unknown): TwinworksError {
  if (err instanceof TwinworksError) return err;
  const e = err as { code?: string; statusCode?: number; message?: string; validation?: unknown; validationContext?: string };
  if (e.validation) return ApiErrors.create('invalid_request', `${e.validationContext ?? 'request'} ${e.message ?? 'is not valid'}`, { validation: e.validation });
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return ApiErrors.create('malformed_json', `request body is not valid JSON: ${e.message ?? ''}`);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return ApiErrors.create('body_too_large', e.message ?? 'request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return ApiErrors.create('unsupported_media_type', e.message ?? 'unsupported content type');
    default:
      if (e.message && /JSON/.test(e.message) && e.statusCode === 400) return ApiErrors.create('malformed_json', e.message);
      if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return ApiErrors.create('invalid_request', e.message ?? 'bad request');
      return ApiErrors.create('internal', 'internal error; the server log has the details', {}, err);
  }
}
