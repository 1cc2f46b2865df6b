/**
 * A hub on ephemeral ports for tests: memory store (or a given one), in-process bus, the platform's
 * self-signed certificate in a temporary data dir, MQTT plain + TLS + WebSocket.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInProcessBus, type EventBus } from '../../bus/index.js';
import { createMetrics, silentLogger, type Logger, type Metrics } from '../../observability/index.js';
import { createMemoryStorage, type StorageAdapter } from '../../storage/index.js';
import { ensureTlsMaterial } from '../../tls/index.js';
import { parseHubConfig, type HubConfigInput } from '../config.js';
import { createDeviceHub, type DeviceHub } from '../index.js';
import type { TwinUpdater } from '../twins/port.js';
import type { BrokerPorts } from '../broker.js';
import { createApiServer, type ApiServer } from '../../api/index.js';
import { createAuthService, type AuthService } from '../../auth/index.js';

export interface TestHub {
  readonly hub: DeviceHub;
  readonly store: StorageAdapter;
  readonly bus: EventBus;
  readonly metrics: Metrics;
  readonly ports: Required<Pick<BrokerPorts, 'port' | 'tlsPort' | 'wsPort'>>;
  /** PEM the SDKs must trust. */
  readonly ca: string;
  readonly tls: { cert: string; key: string };
  readonly dataDir: string;
  /** With `api: true`: the platform API server carrying the hub's modules. */
  readonly api?: { readonly server: ApiServer; readonly auth: AuthService; readonly httpPort: number; readonly httpsPort: number };
  close(): Promise<void>;
}

export async function startTestHub(options: { config?: HubConfigInput; twins?: TwinUpdater; store?: StorageAdapter; logger?: Logger; hostName?: string; api?: boolean } = {}): Promise<TestHub> {
  const dataDir = mkdtempSync(join(tmpdir(), 'twinworks-hub-'));
  const logger = options.logger ?? silentLogger();
  const store = options.store ?? createMemoryStorage();
  await store.open();
  const bus = createInProcessBus({ logger });
  const metrics = createMetrics();
  const tls = await ensureTlsMaterial({ dataDir, hosts: ['localhost'] });
  const hub = await createDeviceHub({
    store,
    bus,
    logger,
    metrics,
    tls,
    hostName: options.hostName ?? 'hub.twinworks.test',
    config: parseHubConfig(options.config ?? {}),
    ...(options.twins ? { twins: options.twins } : {}),
  });
  let api: TestHub['api'];
  if (options.api) {
    const auth = await createAuthService(store);
    await auth.ensureFirstAdmin('admin-password-123');
    const server = await createApiServer({ logger, metrics, auth, readinessChecks: [] }, { tls, modules: hub.apiModules });
    const p = await server.listen({ host: '127.0.0.1', httpPort: 0, httpsPort: 0 });
    api = { server, auth, httpPort: p.httpPort, httpsPort: p.httpsPort! };
  }
  const bound = await hub.listen({ host: '127.0.0.1', port: 0, tlsPort: 0, wsPort: 0 });
  return {
    ...(api ? { api } : {}),
    hub,
    store,
    bus,
    metrics,
    ports: { port: bound.port!, tlsPort: bound.tlsPort!, wsPort: bound.wsPort! },
    ca: tls.cert,
    tls: { cert: tls.cert, key: tls.key },
    dataDir,
    async close() {
      await api?.server.close();
      await hub.close();
      await bus.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns a value other than undefined, or fails after `ms`. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, ms = 5000, what = 'condition'): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
