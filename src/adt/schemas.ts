/**
 * JSON schemas for the ADT routes: enough for the OpenAPI document (/api/openapi.json) and for
 * Fastify to check parameters, while twin and relationship bodies stay open (their shape comes from
 * DTDL models, checked by the twin graph with ADT's error codes).
 */
export const TAG = 'Azure Digital Twins data plane';

const apiVersion = { type: 'string', description: 'ADT data-plane version: 2020-10-31, 2022-05-31 or 2023-10-31' } as const;

export function query(extra: Record<string, unknown> = {}) {
  return { type: 'object', properties: { 'api-version': apiVersion, ...extra } } as const;
}

export const continuation = { continuationToken: { type: 'string', description: 'Token from a previous nextLink' } } as const;

export const pagingHeaders = {
  type: 'object',
  properties: { 'max-items-per-page': { type: 'integer', minimum: 1, description: 'Page size (at most 1000)' } },
} as const;

export const etagHeaders = {
  type: 'object',
  properties: {
    'if-match': { type: 'string', description: 'Only if the current ETag is one of these, or *' },
    'if-none-match': { type: 'string', description: 'Only `*`: create only if absent' },
  },
} as const;

export const anyObject = { type: 'object', additionalProperties: true } as const;

export const jsonPatch = {
  type: 'array',
  description: 'RFC 6902 JSON Patch; ADT accepts add, replace and remove',
  items: { type: 'object', additionalProperties: true },
} as const;

export const error = {
  type: 'object',
  description: 'ADT ErrorResponse; the code is also in the x-ms-error-code header',
  properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, additionalProperties: true } },
} as const;

export function list(item: Record<string, unknown> = anyObject) {
  return { type: 'object', properties: { value: { type: 'array', items: item }, nextLink: { type: ['string', 'null'] } } } as const;
}

export const modelData = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    displayName: { type: 'object', additionalProperties: { type: 'string' } },
    description: { type: 'object', additionalProperties: { type: 'string' } },
    uploadTime: { type: 'string', format: 'date-time' },
    decommissioned: { type: 'boolean' },
    model: anyObject,
  },
} as const;

export const errors = { '4xx': error, '5xx': error } as const;
