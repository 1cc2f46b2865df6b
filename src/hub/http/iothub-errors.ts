/**
 * Errors on IoT Hub's own REST surfaces, in IoT Hub's shape: the status codes its SDKs map to error
 * classes, and the body `{ "Message": "ErrorCode:{code};{text}" }` they parse (azure-iothub
 * `Http.parseErrorBody`). The RFC 9457 fields and our stable `code` are included as well.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_BY_KIND, toProblem } from '../../api/index.js';
import { TwinworksError } from '../../shared/errors.js';

const IOTHUB: Readonly<Record<string, [number, string]>> = {
  'hub.device_not_found': [404, 'DeviceNotFound'],
  'hub.device_exists': [409, 'DeviceAlreadyExists'],
  'hub.etag_mismatch': [412, 'PreconditionFailed'],
  'hub.unauthorized': [401, 'IotHubUnauthorizedAccess'],
  'hub.forbidden': [401, 'IotHubUnauthorizedAccess'],
  'hub.device_disabled': [401, 'DeviceDisabled'],
  'hub.device_not_online': [404, 'DeviceNotOnline'],
  'hub.method_timeout': [504, 'GatewayTimeout'],
  'hub.rate_limited': [429, 'ThrottlingException'],
  'hub.c2d_queue_full': [403, 'DeviceMaximumQueueDepthExceeded'],
  'hub.message_too_large': [413, 'MessageTooLarge'],
  'hub.policy_not_found': [401, 'IotHubUnauthorizedAccess'],
};

export function iothubErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const err =
    error instanceof TwinworksError
      ? error
      : new TwinworksError('api.invalid_request', (error as { statusCode?: number }).statusCode === 413 ? 'too_large' : (error as { statusCode?: number }).statusCode && (error as { statusCode: number }).statusCode < 500 ? 'invalid' : 'internal', (error as Error).message ?? 'error');
  const [status, code] = IOTHUB[err.code] ?? [STATUS_BY_KIND[err.kind], err.kind === 'invalid' ? 'ArgumentInvalid' : err.kind === 'internal' ? 'ServerError' : 'ServiceUnavailable'];
  if (status >= 500 && err.kind === 'internal') request.log.error({ err: error, url: request.url }, 'IoT Hub REST request failed');
  // ';' separates code and text in IoT Hub's Message; keep the text free of it.
  const text = err.kind === 'internal' ? 'internal error; the server log has the details' : err.message.replace(/;/g, ',');
  void reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ Message: `ErrorCode:${code};${text}`, ExceptionMessage: '', ...toProblem(err, request.url), status });
}
