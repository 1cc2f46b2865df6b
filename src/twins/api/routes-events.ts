/**
 * Endpoints for event routes (/api/endpoints) and the live change stream for browsers:
 * `GET /api/events/stream?filter=<ADT route filter>` as Server-Sent Events (WHATWG HTML §9.2), one
 * CloudEvent per message (`event:` the CloudEvent type, `data:` the event JSON). A client that reads
 * too slowly loses events rather than holding memory: past 1 MB buffered, events are dropped and a
 * `dropped` comment says how many.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EventBus } from '../../bus/index.js';
import { toCloudEvent } from '../events/cloudevents.js';
import { matches } from '../events/filter/evaluate.js';
import { parseFilter } from '../events/filter/parser.js';
import type { EventRouting } from '../events/routing.js';

const TAG = 'twins';
const MAX_BUFFERED = 1024 * 1024;
const HEARTBEAT_MS = 15_000;

export function eventRoutes(app: FastifyInstance, deps: { routing?: EventRouting | undefined; bus?: EventBus | undefined; source: string }): void {
  const { routing, bus, source } = deps;
  if (routing) {
    const name = { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } as const;
    app.get('/api/endpoints', { config: { permission: 'platform.read' }, schema: { summary: 'Event-route endpoints', tags: [TAG] } }, async () => ({ value: routing.listEndpoints() }));
    app.put('/api/endpoints/:name', {
      config: { permission: 'models.write' },
      schema: {
        summary: 'Create or replace an endpoint: {"kind":"webhook","url":…,"headers"?} or {"kind":"nats","url":…,"subject":…}', tags: [TAG], params: name,
        body: { type: 'object', properties: { kind: { type: 'string', enum: ['webhook', 'nats'] }, url: { type: 'string' }, subject: { type: 'string' }, headers: { type: 'object', additionalProperties: { type: 'string' } } } },
      },
    }, async (r: FastifyRequest<{ Params: { name: string } }>) => routing.putEndpoint(r.params.name, r.body));
    app.delete('/api/endpoints/:name', { config: { permission: 'models.write' }, schema: { summary: 'Delete an endpoint no route uses', tags: [TAG], params: name } }, async (r: FastifyRequest<{ Params: { name: string } }>, reply) => {
      await routing.deleteEndpoint(r.params.name);
      return reply.code(204).send();
    });
  }
  if (!bus) return;
  app.get('/api/events/stream', {
    config: { permission: 'platform.read' },
    schema: { summary: 'Live twin and relationship changes as Server-Sent Events (CloudEvents), filtered with the ADT route filter syntax', tags: [TAG], querystring: { type: 'object', properties: { filter: { type: 'string' } } } },
  }, async (request: FastifyRequest<{ Querystring: { filter?: string } }>, reply) => {
    const expr = parseFilter(request.query.filter ?? 'true');
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    raw.write(': connected\n\n');
    let dropped = 0;
    const sub = await bus.subscribe('>', (event) => {
      const cloud = toCloudEvent(event, source);
      if (!cloud || !matches(expr, cloud as unknown as Record<string, unknown>)) return;
      if (raw.writableLength > MAX_BUFFERED) {
        dropped++;
        return;
      }
      if (dropped > 0) {
        raw.write(`: dropped ${dropped}\n\n`);
        dropped = 0;
      }
      raw.write(`id: ${cloud.id}\nevent: ${cloud.type}\ndata: ${JSON.stringify(cloud)}\n\n`);
    }, { deliver: 'new', maxDeliver: 1 });
    const heartbeat = setInterval(() => raw.write(': ping\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    raw.on('close', () => {
      clearInterval(heartbeat);
      void sub.close();
    });
  });
}
