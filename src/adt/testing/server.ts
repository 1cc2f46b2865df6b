/** Test harness: memory store, auth with an admin and a viewer, the twin graph and the API server with the ADT module. */
import { createApiServer, type ApiModule, type ApiServer } from '../../api/index.js';
import { createAuthService, type AuthService } from '../../auth/index.js';
import { createInProcessBus, type EventBus } from '../../bus/index.js';
import { createMetrics, silentLogger } from '../../observability/index.js';
import { createMemoryStorage, type StorageAdapter } from '../../storage/index.js';
import { createTwinGraph, EventRouting, type TwinGraph } from '../../twins/index.js';
import { createAdtModule } from '../index.js';

export interface Harness {
  readonly api: ApiServer;
  readonly graph: TwinGraph;
  readonly auth: AuthService;
  readonly store: StorageAdapter;
  readonly routing: EventRouting;
  close(): Promise<void>;
  token(user?: 'admin' | 'viewer'): Promise<string>;
}

export async function startHarness(options: { tls?: { cert: string; key: string }; bus?: EventBus; modules?: (graph: TwinGraph) => ApiModule[] } = {}): Promise<Harness> {
  const store = createMemoryStorage();
  await store.open();
  const auth = await createAuthService(store);
  await auth.ensureFirstAdmin('admin-password');
  await auth.users.create({ username: 'viewer', password: 'viewer-password', roles: ['viewer'] });
  const bus = options.bus ?? createInProcessBus();
  const graph = createTwinGraph({ store, bus });
  await graph.load();
  const routing = new EventRouting({ store, bus, source: 'twinworks.test' });
  await routing.start();
  const api = await createApiServer(
    { logger: silentLogger(), metrics: createMetrics(), auth, readinessChecks: [] },
    { tls: options.tls, modules: options.modules ? options.modules(graph) : [createAdtModule(graph, { routing })] },
  );
  const tokens = new Map<string, string>();
  return {
    api, graph, auth, store, routing,
    async close() {
      await api.close();
      await routing.stop();
      if (!options.bus) await bus.close();
    },
    async token(user = 'admin') {
      let t = tokens.get(user);
      if (!t) {
        const res = await auth.login(user, user === 'admin' ? 'admin-password' : 'viewer-password');
        t = res.access_token;
        tokens.set(user, t);
      }
      return t;
    },
  };
}
