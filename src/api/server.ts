import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { describeListenError } from '../shared/listen-errors.js';
import { ApiErrors, fromFrameworkError, toProblem } from './problem.js';
import { installGuard } from './guard.js';
import type { ApiDeps, ApiModule } from './context.js';
import { systemRoutes } from './routes/system.js';
import { authRoutes } from './routes/auth.js';
import { userRoutes } from './routes/users.js';
import { OpenApiCollector } from './openapi.js';

export interface ApiServer {
  readonly app: FastifyInstance;
  /** Binds HTTP (and HTTPS when TLS material is given). Throws platform errors on EADDRINUSE. */
  listen(options: { host: string; httpPort: number; httpsPort?: number | undefined }): Promise<{ httpPort: number; httpsPort?: number }>;
  close(): Promise<void>;
}

export interface ApiServerOptions {
  readonly tls?: { cert: string; key: string } | undefined;
  readonly modules?: readonly ApiModule[];
  readonly bodyLimitBytes?: number;
  /** Shown in the OpenAPI document. */
  readonly version?: string;
}

/**
 * One Fastify app served on two Node servers (plain HTTP and HTTPS) through `serverFactory`,
 * so both ports see identical routes, hooks and error mapping.
 */
export async function createApiServer(deps: ApiDeps, options: ApiServerOptions = {}): Promise<ApiServer> {
  let httpServer: HttpServer | undefined;
  let httpsServer: HttpsServer | undefined;
  const app = Fastify({
    // pino's Logger is Fastify's logger; the cast only widens its generic parameters.
    loggerInstance: deps.logger.child({ context: 'api' }) as FastifyBaseLogger,
    // Per-request log lines would dominate the log at device rates; metrics count requests instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes ?? 8 * 1024 * 1024,
    serverFactory: (handler) => {
      httpServer = createHttpServer(handler);
      if (options.tls) httpsServer = createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler);
      return httpServer;
    },
  });

  app.setErrorHandler((error, request, reply) => {
    const err = fromFrameworkError(error);
    if (err.kind === 'internal') request.log.error({ err: error, url: request.url }, 'request failed');
    const problem = toProblem(err, request.url);
    if (err.kind === 'unauthenticated') reply.header('www-authenticate', 'Bearer realm="twinworks"');
    void reply.code(problem.status).type('application/problem+json').send(problem);
  });
  app.setNotFoundHandler((request, reply) => {
    const problem = toProblem(ApiErrors.create('route_not_found', `no route ${request.method} ${request.url.split('?')[0]}`), request.url);
    void reply.code(404).type('application/problem+json').send(problem);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    deps.metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    deps.metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  installGuard(app, deps.auth, deps.metrics);
  const openapi = new OpenApiCollector();
  openapi.install(app);
  app.get('/api/openapi.json', { config: { permission: 'platform.read' }, schema: { summary: 'This OpenAPI document', tags: ['platform'] } }, async () =>
    openapi.document({ version: options.version ?? '0.0.0' }),
  );
  await app.register(systemRoutes(deps));
  await app.register(authRoutes(deps));
  await app.register(userRoutes(deps));
  for (const m of options.modules ?? []) await app.register(async (scope) => m.register(scope));
  await app.ready();

  return {
    app,
    async listen({ host, httpPort, httpsPort }) {
      await app.listen({ host, port: httpPort }).catch((err: unknown) => {
        throw describeListenError(err, 'HTTP', httpPort, '--http-port', 'TWINWORKS_HTTP_PORT');
      });
      const out: { httpPort: number; httpsPort?: number } = { httpPort: (httpServer!.address() as AddressInfo).port };
      if (httpsServer && httpsPort !== undefined) {
        const server = httpsServer;
        await new Promise<void>((resolve, reject) => {
          server.once('error', (err) => reject(describeListenError(err, 'HTTPS', httpsPort, '--https-port', 'TWINWORKS_HTTPS_PORT')));
          server.listen(httpsPort, host, () => resolve());
        });
        out.httpsPort = (server.address() as AddressInfo).port;
      }
      return out;
    },
    async close() {
      if (httpsServer?.listening) await new Promise<void>((r) => httpsServer!.close(() => r()));
      await app.close();
    },
  };
}
