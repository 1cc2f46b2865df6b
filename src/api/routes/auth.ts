import type { FastifyPluginAsync } from 'fastify';
import { AuthErrors } from '../../auth/index.js';
import type { ApiDeps } from '../context.js';

const tokenBody = {
  type: 'object',
  required: ['username', 'password'],
  additionalProperties: false,
  properties: { username: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 1024 } },
} as const;

const apiKeyBody = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 },
    roles: { type: 'array', items: { type: 'string' }, minItems: 1 },
    expiresAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** Sign-in, the caller's own identity, and the caller's API keys. */
export function authRoutes(deps: ApiDeps): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Body: { username: string; password: string } }>('/api/auth/token', { config: { permission: 'public' }, schema: { body: tokenBody } }, async (request, reply) => {
      try {
        const token = await deps.auth.login(request.body.username, request.body.password);
        return reply.header('cache-control', 'no-store').send(token);
      } catch (err) {
        if (AuthErrors.is(err, 'invalid_credentials')) {
          deps.metrics.authFailures.inc({ reason: 'auth.invalid_credentials' });
          request.log.warn({ username: request.body.username, ip: request.ip }, 'sign-in refused');
        }
        throw err;
      }
    });

    app.get('/api/auth/me', { config: { permission: 'platform.read' } }, async (request) => {
      const p = request.principal!;
      return { username: p.subject, roles: p.roles, via: p.via };
    });

    app.get('/api/auth/api-keys', { config: { permission: 'apikeys.own' } }, async (request) => ({ value: await deps.auth.apiKeys.list(request.principal!.subject) }));

    app.post<{ Body: { name: string; roles?: string[]; expiresAt?: string } }>(
      '/api/auth/api-keys',
      { config: { permission: 'apikeys.own' }, schema: { body: apiKeyBody } },
      async (request, reply) => {
        const { key, record } = await deps.auth.apiKeys.create({
          owner: request.principal!.subject,
          name: request.body.name,
          roles: request.body.roles,
          expiresAt: request.body.expiresAt ? new Date(request.body.expiresAt) : null,
        });
        // The key is shown this once; only its hash is stored.
        return reply.code(201).header('cache-control', 'no-store').send({ ...record, key });
      },
    );

    app.delete<{ Params: { id: string } }>('/api/auth/api-keys/:id', { config: { permission: 'apikeys.own' } }, async (request, reply) => {
      const key = await deps.auth.apiKeys.get(request.params.id);
      const p = request.principal!;
      // Someone else's key is reported as missing, not forbidden, so key ids are not probed; admins may revoke any.
      if (!key || (key.owner !== p.subject && !p.roles.includes('admin'))) {
        throw AuthErrors.create('api_key_not_found', `no API key '${request.params.id}'`, { id: request.params.id });
      }
      await deps.auth.apiKeys.revoke(request.params.id);
      return reply.code(204).send();
    });
  };
}
