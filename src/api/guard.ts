import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isPermission, rolesAllow, AuthErrors, type AuthService, type Permission } from '../auth/index.js';
import type { Metrics } from '../observability/index.js';

/**
 * Role checks in one place. A route without a `permission` in its config is refused at
 * registration (fail closed), so no route can be added without saying who may call it.
 */
export function installGuard(app: FastifyInstance, auth: AuthService, metrics: Metrics): void {
  app.addHook('onRoute', (route) => {
    const permission = (route.config as { permission?: unknown } | undefined)?.permission;
    if (permission !== 'public' && !isPermission(permission)) {
      throw new Error(`route ${String(route.method)} ${route.url} declares no permission; add config.permission (a Permission or 'public')`);
    }
  });
  app.addHook('onRequest', async (request) => {
    const permission = request.routeOptions.config?.permission;
    if (permission === undefined || permission === 'public') return; // unknown routes reach the 404 handler
    await authorize(request, auth, metrics, permission);
  });
}

export async function authorize(request: FastifyRequest, auth: AuthService, metrics: Metrics, permission: Permission): Promise<void> {
  try {
    request.principal = await auth.chain.fromHeaders(request.headers);
  } catch (err) {
    metrics.authFailures.inc({ reason: AuthErrors.is(err) ? err.code : 'error' });
    throw err;
  }
  if (!rolesAllow(request.principal.roles, permission)) {
    metrics.authFailures.inc({ reason: 'auth.forbidden' });
    throw AuthErrors.create('forbidden', `'${request.principal.subject}' (roles: ${request.principal.roles.join(', ') || 'none'}) lacks permission '${permission}'`, {
      permission,
    });
  }
}
