/**
 * Test helper: forwards requests under the given prefixes to the platform, for a side server that
 * serves parts the platform does not wire yet while the platform serves the rest. The platform
 * checks authentication itself, so these routes are 'public' here.
 */
import { Readable } from 'node:stream';
import type { ApiModule } from '../../api/index.js';

export function proxyModule(base: string, prefixes: readonly string[]): ApiModule {
  return {
    name: 'web-test-proxy',
    register(app) {
      app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
      for (const prefix of prefixes) {
        for (const url of [prefix, `${prefix}/*`]) {
          app.route({
            method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
            url,
            config: { permission: 'public' },
            schema: { hide: true },
            handler: async (request, reply) => {
              const headers: Record<string, string> = {};
              for (const h of ['authorization', 'content-type', 'if-match', 'if-none-match', 'accept']) {
                const v = request.headers[h];
                if (typeof v === 'string') headers[h] = v;
              }
              const body = request.body === undefined || request.body === null ? undefined : Buffer.isBuffer(request.body) ? request.body : JSON.stringify(request.body);
              const res = await fetch(`${base}${request.url}`, { method: request.method, headers, ...(body !== undefined && request.method !== 'GET' ? { body } : {}) });
              reply.code(res.status);
              for (const h of ['content-type', 'etag', 'x-ms-error-code', 'cache-control']) {
                const v = res.headers.get(h);
                if (v) reply.header(h, v);
              }
              // Streamed, so a live event stream passes through as it comes.
              return reply.send(res.body ? Readable.fromWeb(res.body as import('node:stream/web').ReadableStream) : '');
            },
          });
        }
      }
    },
  };
}
