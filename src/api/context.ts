import type { FastifyInstance } from 'fastify';
import type { AuthService, Permission, Principal } from '../auth/index.js';
import type { Logger, Metrics } from '../observability/index.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Every route says who may call it: a permission, or 'public' for the few open routes. */
    permission?: Permission | 'public';
  }
  interface FastifyRequest {
    principal?: Principal;
  }
  /** Documentation keywords read by the OpenAPI collector (src/api/openapi.ts). */
  interface FastifySchema {
    summary?: string;
    description?: string;
    tags?: readonly string[];
    /** Leave the route out of the OpenAPI document. */
    hide?: boolean;
  }
}

/** What route modules get from the API layer. */
export interface ApiDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly auth: AuthService;
  /** Each check resolves to undefined when ready, or a reason string when not. */
  readonly readinessChecks: ReadonlyArray<{ name: string; check: () => Promise<string | undefined> }>;
}

/**
 * A bounded context's HTTP front door. Contexts export one of these from their index.ts and the
 * composition root hands it to the API server: the API layer never imports a context's internals.
 */
export interface ApiModule {
  readonly name: string;
  register(app: FastifyInstance): Promise<void> | void;
}
