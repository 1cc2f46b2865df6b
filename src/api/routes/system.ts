import type { FastifyPluginAsync } from 'fastify';
import type { ApiDeps } from '../context.js';

/** Liveness, readiness and Prometheus metrics. */
export function systemRoutes(deps: ApiDeps): FastifyPluginAsync {
  return async (app) => {
    // Liveness says only that the process serves HTTP; it reveals nothing, so it is open.
    app.get('/healthz', { config: { permission: 'public' } }, async () => ({ status: 'ok' }));

    // Readiness runs each dependency check (store, bus…) so a load balancer routes only to replicas that can work.
    app.get('/readyz', { config: { permission: 'public' } }, async (_request, reply) => {
      const results = await Promise.all(
        deps.readinessChecks.map(async (c) => {
          try {
            return { name: c.name, problem: await c.check() };
          } catch (err) {
            return { name: c.name, problem: (err as Error).message };
          }
        }),
      );
      const failing = results.filter((r) => r.problem !== undefined);
      const checks = Object.fromEntries(results.map((r) => [r.name, r.problem ?? 'ok']));
      return reply.code(failing.length === 0 ? 200 : 503).send({ status: failing.length === 0 ? 'ready' : 'not_ready', checks });
    });

    // Metrics need a credential like every other data route; Prometheus sends an API key with `authorization: { credentials: … }`.
    app.get('/metrics', { config: { permission: 'metrics.read' } }, async (_request, reply) => {
      return reply.type(deps.metrics.contentType).send(await deps.metrics.text());
    });
  };
}
