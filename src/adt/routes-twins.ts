/**
 * ADT REST "DigitalTwins": twins (get, add/replace, update, delete), components (get, update) and
 * telemetry. Statuses as ADT: PUT 200 with the twin, PATCH and DELETE 204, with the ETag header on
 * every response that has a twin version.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TwinGraph } from '../twins/index.js';
import { TwinsErrors } from '../twins/index.js';
import { preconditions } from './scope.js';
import { anyObject, errors, etagHeaders, jsonPatch, query, TAG } from './schemas.js';

type TwinReq = FastifyRequest<{ Params: { id: string } }>;
type CompReq = FastifyRequest<{ Params: { id: string; path: string } }>;

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', description: 'Twin id' } } } as const;
const compParams = { type: 'object', required: ['id', 'path'], properties: { id: { type: 'string' }, path: { type: 'string', description: 'Component name' } } } as const;
const telemetryHeaders = {
  type: 'object',
  properties: { 'message-id': { type: 'string', description: 'Unique per twin; used to drop duplicates' }, 'telemetry-source-time': { type: 'string', description: 'RFC 3339 time the values were measured' } },
} as const;

export function twinRoutes(app: FastifyInstance, graph: TwinGraph): void {
  app.get('/digitaltwins/:id', {
    config: { permission: 'platform.read' },
    schema: { summary: 'Get a twin', tags: [TAG], params: idParams, querystring: query(), response: { 200: anyObject, ...errors } },
  }, async (request: TwinReq, reply) => {
    const twin = graph.getTwin(request.params.id);
    return reply.header('etag', twin.$etag).send(twin);
  });

  app.put('/digitaltwins/:id', {
    config: { permission: 'twins.write' },
    schema: { summary: 'Create or replace a twin (If-None-Match: * to only create)', tags: [TAG], params: idParams, querystring: query(), headers: etagHeaders, body: anyObject, response: { 200: anyObject, ...errors } },
  }, async (request: TwinReq, reply) => {
    const twin = await graph.upsertTwin(request.params.id, request.body, preconditions(request));
    return reply.header('etag', twin.$etag).send(twin);
  });

  app.patch('/digitaltwins/:id', {
    config: { permission: 'twins.write' },
    schema: { summary: 'Update a twin with JSON Patch (If-Match for optimistic concurrency)', tags: [TAG], params: idParams, querystring: query(), headers: etagHeaders, body: jsonPatch, response: errors },
  }, async (request: TwinReq, reply) => {
    const twin = await graph.patchTwin(request.params.id, request.body, preconditions(request));
    return reply.code(204).header('etag', twin.$etag).send();
  });

  app.delete('/digitaltwins/:id', {
    config: { permission: 'twins.write' },
    schema: { summary: 'Delete a twin that has no relationships', tags: [TAG], params: idParams, querystring: query(), headers: etagHeaders, response: errors },
  }, async (request: TwinReq, reply) => {
    await graph.deleteTwin(request.params.id, preconditions(request));
    return reply.code(204).send();
  });

  app.get('/digitaltwins/:id/components/:path', {
    config: { permission: 'platform.read' },
    schema: { summary: 'Get a component of a twin', tags: [TAG], params: compParams, querystring: query(), response: { 200: anyObject, ...errors } },
  }, async (request: CompReq, reply) => {
    const component = graph.getComponent(request.params.id, request.params.path);
    return reply.header('etag', graph.getTwin(request.params.id).$etag).send(component);
  });

  app.patch('/digitaltwins/:id/components/:path', {
    config: { permission: 'twins.write' },
    schema: { summary: 'Update a component with JSON Patch (paths relative to the component)', tags: [TAG], params: compParams, querystring: query(), headers: etagHeaders, body: jsonPatch, response: errors },
  }, async (request: CompReq, reply) => {
    const twin = await graph.patchComponent(request.params.id, request.params.path, request.body, preconditions(request));
    return reply.code(204).header('etag', twin.$etag).send();
  });

  const sendTelemetry = async (request: FastifyRequest<{ Params: { id: string; path?: string } }>) => {
    const messageId = request.headers['message-id'];
    if (typeof messageId !== 'string' || messageId === '') throw TwinsErrors.create('invalid_argument', 'The Message-Id header is required');
    const sourceTime = request.headers['telemetry-source-time'];
    await graph.sendTelemetry(request.params.id, { messageId, component: request.params.path, body: request.body, sourceTime: typeof sourceTime === 'string' ? sourceTime : undefined });
  };
  app.post('/digitaltwins/:id/telemetry', {
    config: { permission: 'twins.write' },
    schema: { summary: 'Send telemetry on behalf of a twin', tags: [TAG], params: idParams, querystring: query(), headers: telemetryHeaders, body: anyObject, response: errors },
  }, async (request: TwinReq, reply) => {
    await sendTelemetry(request);
    return reply.code(204).send();
  });
  app.post('/digitaltwins/:id/components/:path/telemetry', {
    config: { permission: 'twins.write' },
    schema: { summary: 'Send telemetry on behalf of a component', tags: [TAG], params: compParams, querystring: query(), headers: telemetryHeaders, body: anyObject, response: errors },
  }, async (request: CompReq, reply) => {
    await sendTelemetry(request);
    return reply.code(204).send();
  });
}
