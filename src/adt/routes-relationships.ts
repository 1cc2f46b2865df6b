/** ADT REST "DigitalTwins" relationship operations: get, add/replace, update, delete, list, list incoming. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TwinGraph } from '../twins/index.js';
import { page } from './paging.js';
import { preconditions } from './scope.js';
import { anyObject, continuation, errors, etagHeaders, jsonPatch, list, pagingHeaders, query, TAG } from './schemas.js';

type RelReq = FastifyRequest<{ Params: { id: string; relationshipId: string } }>;

const relParams = { type: 'object', required: ['id', 'relationshipId'], properties: { id: { type: 'string', description: 'Source twin id' }, relationshipId: { type: 'string' } } } as const;
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;
const incoming = {
  type: 'object',
  properties: { $relationshipId: { type: 'string' }, $sourceId: { type: 'string' }, $relationshipName: { type: 'string' }, $relationshipLink: { type: 'string' } },
} as const;

export function relationshipRoutes(app: FastifyInstance, graph: TwinGraph): void {
  app.get('/digitaltwins/:id/relationships/:relationshipId', {
    config: { permission: 'platform.read' },
    schema: { summary: 'Get a relationship', tags: [TAG], params: relParams, querystring: query(), response: { 200: anyObject, ...errors } },
  }, async (request: RelReq, reply) => {
    const rel = graph.getRelationship(request.params.id, request.params.relationshipId);
    return reply.header('etag', rel.$etag).send(rel);
  });

  app.put('/digitaltwins/:id/relationships/:relationshipId', {
    config: { permission: 'twins.write' },
    schema: { summary: 'Create or replace a relationship', tags: [TAG], params: relParams, querystring: query(), headers: etagHeaders, body: anyObject, response: { 200: anyObject, ...errors } },
  }, async (request: RelReq, reply) => {
    const rel = await graph.upsertRelationship(request.params.id, request.params.relationshipId, request.body, preconditions(request));
    return reply.header('etag', rel.$etag).send(rel);
  });

  app.patch('/digitaltwins/:id/relationships/:relationshipId', {
    config: { permission: 'twins.write' },
    schema: { summary: 'Update relationship properties with JSON Patch', tags: [TAG], params: relParams, querystring: query(), headers: etagHeaders, body: jsonPatch, response: errors },
  }, async (request: RelReq, reply) => {
    const rel = await graph.patchRelationship(request.params.id, request.params.relationshipId, request.body, preconditions(request));
    return reply.code(204).header('etag', rel.$etag).send();
  });

  app.delete('/digitaltwins/:id/relationships/:relationshipId', {
    config: { permission: 'twins.write' },
    schema: { summary: 'Delete a relationship', tags: [TAG], params: relParams, querystring: query(), headers: etagHeaders, response: errors },
  }, async (request: RelReq, reply) => {
    await graph.deleteRelationship(request.params.id, request.params.relationshipId, preconditions(request));
    return reply.code(204).send();
  });

  app.get('/digitaltwins/:id/relationships', {
    config: { permission: 'platform.read' },
    schema: { summary: 'List the outgoing relationships of a twin', tags: [TAG], params: idParams, headers: pagingHeaders, querystring: query({ relationshipName: { type: 'string' }, ...continuation }), response: { 200: list(), ...errors } },
  }, async (request: FastifyRequest<{ Params: { id: string }; Querystring: { relationshipName?: string } }>) =>
    page(request, graph.listRelationships(request.params.id, request.query.relationshipName || undefined)));

  app.get('/digitaltwins/:id/incomingrelationships', {
    config: { permission: 'platform.read' },
    schema: { summary: 'List the relationships that point at a twin', tags: [TAG], params: idParams, headers: pagingHeaders, querystring: query(continuation), response: { 200: list(incoming), ...errors } },
  }, async (request: FastifyRequest<{ Params: { id: string } }>) =>
    page(
      request,
      graph.listIncomingRelationships(request.params.id).map((r) => ({
        $relationshipId: r.$relationshipId,
        $sourceId: r.$sourceId,
        $relationshipName: r.$relationshipName,
        $relationshipLink: `/digitaltwins/${encodeURIComponent(r.$sourceId)}/relationships/${encodeURIComponent(r.$relationshipId)}`,
      })),
    ));
}
