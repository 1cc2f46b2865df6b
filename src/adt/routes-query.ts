/**
 * ADT REST "Query": POST /query with `{ query, continuationToken }`, page size from
 * `max-items-per-page`, answer `{ value, continuationToken }` and the `query-charge` header. Our
 * charge is the number of documents read (ADT's query units are its own cost model; see docs/twins.md).
 * A write is visible to the next query at once: the graph applies it before acknowledging.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TwinGraph } from '../twins/index.js';
import { TwinsErrors } from '../twins/index.js';
import { pageSizeOf } from './paging.js';
import { errors, pagingHeaders, query, TAG } from './schemas.js';

const body = {
  type: 'object',
  properties: { query: { type: 'string' }, continuationToken: { type: ['string', 'null'] } },
} as const;

export function queryRoutes(app: FastifyInstance, graph: TwinGraph): void {
  app.post('/query', {
    config: { permission: 'platform.read' },
    schema: {
      summary: 'Run an ADT query (SELECT … FROM DIGITALTWINS / RELATIONSHIPS, JOIN, MATCH, with Twinworks extensions)',
      tags: [TAG], headers: pagingHeaders, querystring: query(), body,
      response: { 200: { type: 'object', properties: { value: { type: 'array', items: {} }, continuationToken: { type: ['string', 'null'] } } }, ...errors },
    },
  }, async (request: FastifyRequest<{ Body: { query?: string; continuationToken?: string | null } }>, reply) => {
    const text = request.body?.query;
    if (typeof text !== 'string' || text.trim() === '') throw TwinsErrors.create('invalid_argument', 'The body must have a non-empty "query"');
    const token = request.body.continuationToken ?? undefined;
    const result = graph.query(text, { pageSize: pageSizeOf(request), ...(token ? { continuationToken: token } : {}) });
    return reply.header('query-charge', String(result.charge)).send({ value: result.value, continuationToken: result.continuationToken ?? null });
  });
}
