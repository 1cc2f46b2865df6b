/**
 * TEST STAND-IN, used only while the platform serves no live change stream: bus twin events as
 * ADT CloudEvents over SSE at the route the app uses (`GET /api/events/stream`), so the browser
 * tests can exercise the app's live path end to end. The twins context owns the real stream; the
 * harness uses it whenever the platform serves it.
 */
import type { ApiModule } from '../../api/index.js';
import type { EventBus } from '../../bus/index.js';

export function twinEventStandIn(bus: EventBus): ApiModule {
  const clients = new Set<(chunk: string) => void>();
  let seq = 0;
  let subscribed: Promise<unknown> | undefined;
  return {
    name: 'web-test-stand-in-events',
    register(app) {
      subscribed ??= bus.subscribe('twin.*', async (e) => {
        const cloud =
          e.name === 'twin.updated'
            ? { type: 'Microsoft.DigitalTwins.Twin.Update', subject: e.payload.twinId, data: { modelId: e.payload.modelId, patch: e.payload.patch } }
            : e.name === 'twin.created'
              ? { type: 'Microsoft.DigitalTwins.Twin.Create', subject: e.payload.twinId, data: e.payload.twin }
              : e.name === 'twin.deleted'
                ? { type: 'Microsoft.DigitalTwins.Twin.Delete', subject: e.payload.twinId, data: e.payload.twin ?? {} }
                : undefined;
        if (!cloud) return;
        const chunk = `id: ${++seq}\nevent: ${cloud.type}\ndata: ${JSON.stringify({ specversion: '1.0', id: String(seq), source: 'twinworks', ...cloud })}\n\n`;
        for (const send of clients) send(chunk);
      });
      app.get('/api/events/stream', { config: { permission: 'platform.read' }, schema: { hide: true } }, async (request, reply) => {
        await subscribed;
        reply.hijack();
        reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        reply.raw.write(': connected\n\n');
        const send = (chunk: string) => reply.raw.write(chunk);
        clients.add(send);
        request.raw.on('close', () => clients.delete(send));
      });
    },
  };
}
