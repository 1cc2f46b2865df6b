/** ADT REST "DigitalTwinModels": add (batch), list, get, update (decommission), delete. */
import type { FastifyInstance } from 'fastify';
import type { ModelRecord, TwinGraph } from '../twins/index.js';
import { page } from './paging.js';
import { anyObject, continuation, errors, jsonPatch, list, modelData, pagingHeaders, query, TAG } from './schemas.js';

function modelJson(r: ModelRecord, withDefinition: boolean): Record<string, unknown> {
  return {
    id: r.id,
    displayName: r.info.displayName,
    description: r.info.description,
    uploadTime: r.uploadTime,
    decommissioned: r.decommissioned,
    ...(withDefinition ? { model: r.definition } : {}),
  };
}

const flag = (v: unknown) => v === true || v === 'true';

export function modelRoutes(app: FastifyInstance, graph: TwinGraph): void {
  const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', description: 'Model DTMI' } } } as const;

  app.post('/models', {
    config: { permission: 'models.write' },
    schema: { summary: 'Upload DTDL models (all or none)', tags: [TAG], querystring: query(), body: { type: 'array', items: anyObject }, response: { 201: { type: 'array', items: modelData }, ...errors } },
  }, async (request, reply) => {
    const records = await graph.createModels(request.body);
    return reply.code(201).send(records.map((r) => modelJson(r, false)));
  });

  app.get<{ Querystring: { dependenciesFor?: string | string[]; includeModelDefinition?: string } }>('/models', {
    config: { permission: 'platform.read' },
    schema: {
      summary: 'List models (optionally a set of models with their dependencies)', tags: [TAG], headers: pagingHeaders,
      querystring: query({ dependenciesFor: { type: 'array', items: { type: 'string' } }, includeModelDefinition: { type: 'boolean' }, ...continuation }),
      response: { 200: list(modelData), ...errors },
    },
  }, async (request) => {
    const deps = request.query.dependenciesFor;
    // The SDKs send dependenciesFor as one comma-separated value (collectionFormat csv).
    const ids = (Array.isArray(deps) ? deps : deps === undefined ? [] : [deps]).flatMap((d) => d.split(',')).map((d) => d.trim()).filter((d) => d !== '');
    const withDefinition = flag(request.query.includeModelDefinition);
    return page(request, graph.listModels(ids).map((r) => modelJson(r, withDefinition)));
  });

  app.get<{ Params: { id: string }; Querystring: { includeModelDefinition?: string } }>('/models/:id', {
    config: { permission: 'platform.read' },
    schema: { summary: 'Get a model', tags: [TAG], params: idParams, querystring: query({ includeModelDefinition: { type: 'boolean' } }), response: { 200: modelData, ...errors } },
  }, async (request) => modelJson(graph.getModel(request.params.id), flag(request.query.includeModelDefinition)));

  app.patch<{ Params: { id: string } }>('/models/:id', {
    config: { permission: 'models.write' },
    schema: { summary: 'Decommission a model ([{"op":"replace","path":"/decommissioned","value":true}])', tags: [TAG], params: idParams, querystring: query(), body: jsonPatch, response: errors },
  }, async (request, reply) => {
    await graph.updateModel(request.params.id, request.body);
    return reply.code(204).send();
  });

  app.delete<{ Params: { id: string } }>('/models/:id', {
    config: { permission: 'models.write' },
    schema: { summary: 'Delete a model no other model or twin uses', tags: [TAG], params: idParams, querystring: query(), response: errors },
  }, async (request, reply) => {
    await graph.deleteModel(request.params.id);
    return reply.code(204).send();
  });
}
