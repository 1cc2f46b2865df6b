/** ADT REST "EventRoutes": list, get, add/replace (204), delete (204). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EventRouting } from '../twins/index.js';
import { page } from './paging.js';
import { continuation, errors, list, pagingHeaders, query, TAG } from './schemas.js';

const route = { type: 'object', properties: { id: { type: 'string' }, endpointName: { type: 'string' }, filter: { type: 'string' } } } as const;
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', description: 'Event route id' } } } as const;

export function eventRouteRoutes(app: FastifyInstance, routing: EventRouting): void {
  app.get('/eventroutes', {
    config: { permission: 'platform.read' },
    schema: { summary: 'List event routes', tags: [TAG], headers: pagingHeaders, querystring: query(continuation), response: { 200: list(route), ...errors } },
  }, async (request) => page(request, routing.listRoutes()));

  app.get('/eventroutes/:id', {
    config: { permission: 'platform.read' },
    schema: { summary: 'Get an event route', tags: [TAG], params: idParams, querystring: query(), response: { 200: route, ...errors } },
  }, async (request: FastifyRequest<{ Params: { id: string } }>) => routing.getRoute(request.params.id));

  app.put('/eventroutes/:id', {
    config: { permission: 'models.write' },
    schema: {
      summary: 'Create or replace an event route (endpoint + filter)', tags: [TAG], params: idParams, querystring: query(),
      body: { type: 'object', properties: { endpointName: { type: 'string' }, filter: { type: 'string' } } }, response: errors,
    },
  }, async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
    await routing.putRoute(request.params.id, request.body);
    return reply.code(204).send();
  });

  app.delete('/eventroutes/:id', {
    config: { permission: 'models.write' },
    schema: { summary: 'Delete an event route', tags: [TAG], params: idParams, querystring: query(), response: errors },
  }, async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
    await routing.deleteRoute(request.params.id);
    return reply.code(204).send();
  });
}
