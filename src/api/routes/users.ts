import type { FastifyPluginAsync } from 'fastify';
import { AuthErrors, ROLES } from '../../auth/index.js';
import type { ApiDeps } from '../context.js';

const roles = { type: 'array', items: { type: 'string', enum: [...ROLES] }, minItems: 1 } as const;
const createBody = {
  type: 'object',
  required: ['username', 'password', 'roles'],
  additionalProperties: false,
  properties: { username: { type: 'string' }, password: { type: 'string' }, roles, displayName: { type: 'string', maxLength: 200 } },
} as const;
const patchBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { password: { type: 'string' }, roles, disabled: { type: 'boolean' }, displayName: { type: 'string', maxLength: 200 } },
} as const;

/** User administration (admins only). */
export function userRoutes(deps: ApiDeps): FastifyPluginAsync {
  return async (app) => {
    const users = deps.auth.users;
    app.get('/api/users', { config: { permission: 'users.manage' } }, async () => ({ value: await users.list() }));
    app.get<{ Params: { username: string } }>('/api/users/:username', { config: { permission: 'users.manage' } }, async (request) => {
      const list = await users.list();
      const user = list.find((u) => u.username === request.params.username);
      if (!user) throw AuthErrors.create('user_not_found', `no user '${request.params.username}'`, { username: request.params.username });
      return user;
    });
    app.post<{ Body: { username: string; password: string; roles: string[]; displayName?: string } }>(
      '/api/users',
      { config: { permission: 'users.manage' }, schema: { body: createBody } },
      async (request, reply) => reply.code(201).send(await users.create(request.body)),
    );
    app.patch<{ Params: { username: string }; Body: { password?: string; roles?: string[]; disabled?: boolean; displayName?: string } }>(
      '/api/users/:username',
      { config: { permission: 'users.manage' }, schema: { body: patchBody } },
      async (request) => users.update(request.params.username, request.body),
    );
    app.delete<{ Params: { username: string } }>('/api/users/:username', { config: { permission: 'users.manage' } }, async (request, reply) => {
      await users.remove(request.params.username);
      return reply.code(204).send();
    });
  };
}
