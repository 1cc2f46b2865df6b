/**
 * What every ADT route shares, set up once inside the module's Fastify scope (encapsulation keeps
 * it away from the platform's /api routes): the JSON Patch media type, the api-version check, and the
 * ADT error shape instead of the platform's problem details.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { defineErrors, TwinworksError } from '../shared/errors.js';
import { errorBody, toAdtError } from './errors.js';

export const AdtErrors = defineErrors('adt', {
  missing_api_version: { kind: 'invalid', title: 'The api-version query parameter is required' },
  unsupported_api_version: { kind: 'invalid', title: 'The api-version is not supported' },
});

/**
 * The data-plane versions the official SDKs send: 2020-10-31 (first GA), 2022-05-31 (the JS, .NET,
 * Java and Python SDKs' default) and 2023-10-31 (latest); the previews in between are accepted too,
 * since their shapes for the operations served here are the same.
 */
export const API_VERSIONS = ['2020-10-31', '2021-06-30-preview', '2022-05-31', '2023-06-30', '2023-10-31'] as const;

export function installAdtScope(app: FastifyInstance): void {
  app.addContentTypeParser('application/json-patch+json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch (err) {
      const e = err as Error & { statusCode?: number };
      e.statusCode = 400;
      done(e, undefined);
    }
  });
  app.addHook('preHandler', async (request) => {
    const version = (request.query as Record<string, unknown> | undefined)?.['api-version'];
    if (version === undefined || version === '') throw AdtErrors.create('missing_api_version', `The api-version query parameter is required (supported: ${API_VERSIONS.join(', ')})`);
    if (!(API_VERSIONS as readonly string[]).includes(String(version))) {
      throw AdtErrors.create('unsupported_api_version', `api-version '${String(version)}' is not supported (supported: ${API_VERSIONS.join(', ')})`, { supported: [...API_VERSIONS] });
    }
  });
  app.setErrorHandler((error, request: FastifyRequest, reply: FastifyReply) => {
    const e = toAdtError(error, request.method === 'PATCH');
    if (e.status >= 500) request.log.error({ err: error, url: request.url }, 'adt request failed');
    if (e.status === 401) void reply.header('www-authenticate', 'Bearer realm="twinworks"');
    void reply.code(e.status).header('x-ms-error-code', e.code).type('application/json; charset=utf-8').send(errorBody(e, error instanceof TwinworksError ? error.code : undefined));
  });
}

/** `If-Match` / `If-None-Match` as the graph takes them. */
export function preconditions(request: FastifyRequest): { ifMatch?: string; ifNoneMatch?: string } {
  const h = request.headers;
  const out: { ifMatch?: string; ifNoneMatch?: string } = {};
  if (typeof h['if-match'] === 'string') out.ifMatch = h['if-match'];
  if (typeof h['if-none-match'] === 'string') out.ifNoneMatch = h['if-none-match'];
  return out;
}
