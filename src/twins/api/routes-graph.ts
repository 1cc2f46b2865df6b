/**
 * The platform's own twin API under /api (problem-details errors, platform conventions), on the same
 * engine as the ADT data plane: models, twins, relationships, queries with EXPLAIN, graph statistics.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TwinGraph } from '../graph/twin-graph.js';

const TAG = 'twins';
const open = { type: 'object', additionalProperties: true } as const;
const patch = { type: 'array', items: open, description: 'RFC 6902 JSON Patch (add, replace, remove)' } as const;
const id = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;
const rel = { type: 'object', required: ['id', 'rel'], properties: { id: { type: 'string' }, rel: { type: 'string' } } } as const;
const etagHeaders = { type: 'object', properties: { 'if-match': { type: 'string' }, 'if-none-match': { type: 'string' } } } as const;

type IdReq = FastifyRequest<{ Params: { id: string } }>;
type RelReq = FastifyRequest<{ Params: { id: string; rel: string } }>;

function pre(request: FastifyRequest) {
  const h = request.headers;
  return { ...(typeof h['if-match'] === 'string' ? { ifMatch: h['if-match'] } : {}), ...(typeof h['if-none-match'] === 'string' ? { ifNoneMatch: h['if-none-match'] } : {}) };
}

export function graphRoutes(app: FastifyInstance, graph: TwinGraph): void {
  app.get('/api/models', { config: { permission: 'platform.read' }, schema: { summary: 'List models', tags: [TAG] } }, async () => ({
    value: graph.listModels().map((m) => ({ id: m.id, displayName: m.info.displayName, uploadTime: m.uploadTime, decommissioned: m.decommissioned, extends: m.info.extends })),
  }));
  app.get('/api/models/:id', { config: { permission: 'platform.read' }, schema: { summary: 'Get a model with its definition', tags: [TAG], params: id } }, async (r: IdReq) => {
    const m = graph.getModel(r.params.id);
    return { id: m.id, uploadTime: m.uploadTime, decommissioned: m.decommissioned, model: m.definition, descendants: graph.models.descendants(m.id) };
  });
  app.post('/api/models', { config: { permission: 'models.write' }, schema: { summary: 'Upload DTDL models (all or none)', tags: [TAG], body: { type: 'array', items: open } } }, async (r, reply) => {
    const records = await graph.createModels(r.body);
    return reply.code(201).send({ value: records.map((m) => ({ id: m.id, uploadTime: m.uploadTime })) });
  });
  app.post('/api/models/:id/decommission', { config: { permission: 'models.write' }, schema: { summary: 'Decommission a model (irreversible)', tags: [TAG], params: id } }, async (r: IdReq, reply) => {
    await graph.decommissionModel(r.params.id);
    return reply.code(204).send();
  });
  app.delete('/api/models/:id', { config: { permission: 'models.write' }, schema: { summary: 'Delete an unused model', tags: [TAG], params: id } }, async (r: IdReq, reply) => {
    await graph.deleteModel(r.params.id);
    return reply.code(204).send();
  });

  app.get('/api/twins/:id', { config: { permission: 'platform.read' }, schema: { summary: 'Get a twin', tags: [TAG], params: id } }, async (r: IdReq, reply) => {
    const t = graph.getTwin(r.params.id);
    return reply.header('etag', t.$etag).send(t);
  });
  app.put('/api/twins/:id', { config: { permission: 'twins.write' }, schema: { summary: 'Create or replace a twin', tags: [TAG], params: id, headers: etagHeaders, body: open } }, async (r: IdReq, reply) => {
    const t = await graph.upsertTwin(r.params.id, r.body, pre(r));
    return reply.header('etag', t.$etag).send(t);
  });
  app.patch('/api/twins/:id', { config: { permission: 'twins.write' }, schema: { summary: 'Patch a twin (returns the new twin)', tags: [TAG], params: id, headers: etagHeaders, body: patch } }, async (r: IdReq, reply) => {
    const t = await graph.patchTwin(r.params.id, r.body, pre(r));
    return reply.header('etag', t.$etag).send(t);
  });
  app.delete('/api/twins/:id', { config: { permission: 'twins.write' }, schema: { summary: 'Delete a twin without relationships', tags: [TAG], params: id, headers: etagHeaders } }, async (r: IdReq, reply) => {
    await graph.deleteTwin(r.params.id, pre(r));
    return reply.code(204).send();
  });
  app.get('/api/twins/:id/relationships', {
    config: { permission: 'platform.read' },
    schema: { summary: 'Outgoing relationships (optionally ?name=)', tags: [TAG], params: id, querystring: { type: 'object', properties: { name: { type: 'string' } } } },
  }, async (r: FastifyRequest<{ Params: { id: string }; Querystring: { name?: string } }>) => ({ value: graph.listRelationships(r.params.id, r.query.name || undefined) }));
  app.get('/api/twins/:id/incoming', { config: { permission: 'platform.read' }, schema: { summary: 'Incoming relationships', tags: [TAG], params: id } }, async (r: IdReq) => ({
    value: graph.listIncomingRelationships(r.params.id),
  }));
  app.put('/api/twins/:id/relationships/:rel', { config: { permission: 'twins.write' }, schema: { summary: 'Create or replace a relationship', tags: [TAG], params: rel, headers: etagHeaders, body: open } }, async (r: RelReq, reply) => {
    const x = await graph.upsertRelationship(r.params.id, r.params.rel, r.body, pre(r));
    return reply.header('etag', x.$etag).send(x);
  });
  app.patch('/api/twins/:id/relationships/:rel', { config: { permission: 'twins.write' }, schema: { summary: 'Patch relationship properties', tags: [TAG], params: rel, headers: etagHeaders, body: patch } }, async (r: RelReq, reply) => {
    const x = await graph.patchRelationship(r.params.id, r.params.rel, r.body, pre(r));
    return reply.header('etag', x.$etag).send(x);
  });
  app.delete('/api/twins/:id/relationships/:rel', { config: { permission: 'twins.write' }, schema: { summary: 'Delete a relationship', tags: [TAG], params: rel, headers: etagHeaders } }, async (r: RelReq, reply) => {
    await graph.deleteRelationship(r.params.id, r.params.rel, pre(r));
    return reply.code(204).send();
  });

  const queryBody = {
    type: 'object', required: ['query'],
    properties: { query: { type: 'string' }, pageSize: { type: 'integer', minimum: 1, maximum: 1000 }, continuationToken: { type: 'string' } },
  } as const;
  app.post('/api/query', { config: { permission: 'platform.read' }, schema: { summary: 'Run a query (ADT language with Twinworks extensions)', tags: [TAG], body: queryBody } }, async (r: FastifyRequest<{ Body: { query: string; pageSize?: number; continuationToken?: string } }>) =>
    graph.query(r.body.query, { ...(r.body.pageSize ? { pageSize: r.body.pageSize } : {}), ...(r.body.continuationToken ? { continuationToken: r.body.continuationToken } : {}) }));
  app.post('/api/query/explain', { config: { permission: 'platform.read' }, schema: { summary: 'The plan a query would run with', tags: [TAG], body: { type: 'object', required: ['query'], properties: { query: { type: 'string' } } } } }, async (r: FastifyRequest<{ Body: { query: string } }>) =>
    graph.explain(r.body.query));
  app.get('/api/graph/stats', { config: { permission: 'platform.read' }, schema: { summary: 'Sizes, indexes and write-pipeline counters of the twin graph', tags: [TAG] } }, async () => ({
    models: graph.models.size,
    twins: graph.index.twinCount(),
    relationships: graph.index.relationshipCount(),
    propertyIndexes: graph.index.indexedPaths(),
    writes: { ...graph.writeStats },
  }));
}
