import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import type { PlatformConfig } from '../config/index.js';
import { createLogger, createMetrics, type Logger, type Metrics } from '../observability/index.js';
import { createApiServer, type ApiServer } from '../api/index.js';
import { createAuthService, type AuthService } from '../auth/index.js';
import { ensureTlsMaterial } from '../tls/index.js';
import type { DeviceHub } from '../hub/index.js';
import type { StorageAdapter } from '../storage/index.js';
import type { EventBus } from '../bus/index.js';
import type { TwinGraph } from '../twins/index.js';
import { chooseBus, chooseStorage } from './adapters.js';
import { backfillStart, EmbeddedSimulator, localAddressFor } from './simulator.js';
import { createPlatformHub } from './hub.js';
import { startHistory, type HistoryParts } from './history.js';
import { commandsModule } from './commands.js';
import { startPdm } from './pdm.js';
import { createWebModule, defaultWebRoot, DEFAULT_API_PREFIXES } from '../web/index.js';
import { startTwins } from './twins.js';

export interface PlatformPorts {
  readonly http: number;
  readonly https?: number;
  readonly mqtt: number;
  readonly mqtts?: number;
  readonly mqttWs?: number;
  readonly mqttWss?: number;
}

export interface RunningPlatform {
  readonly config: PlatformConfig;
  readonly ports: PlatformPorts;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly store: StorageAdapter;
  readonly bus: EventBus;
  readonly auth: AuthService;
  readonly twins: TwinGraph;
  readonly hub: DeviceHub;
  readonly history: HistoryParts;
  /** PEM of the serving certificate, for clients that pin it. */
  readonly certificate: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly config: PlatformConfig;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly logger?: Logger;
  /** Where the one-time generated admin password is shown; default stderr. */
  readonly announce?: (text: string) => void;
}

/**
 * The composition root: builds every part from the config, in dependency order, and tears them
 * down in reverse. A failure half-way stops what was already started before rethrowing.
 */
export async function startPlatform(options: StartOptions): Promise<RunningPlatform> {
  const { config } = options;
  const env = options.env ?? process.env;
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const announce = options.announce ?? ((text: string) => process.stderr.write(`${text}\n`));
  const stack: Array<{ name: string; stop: () => Promise<void> }> = [];
  const stopAll = async () => {
    for (const part of stack.reverse()) {
      const started = Date.now();
      // A part that takes long to stop says so (and which one), instead of a silent hang.
      const slow = setInterval(() => logger.warn({ part: part.name, waitedMs: Date.now() - started }, 'still stopping'), 10_000);
      try {
        await part.stop();
      } catch (err) {
        logger.error({ err, part: part.name }, 'stop failed');
      } finally {
        clearInterval(slow);
      }
      logger.debug({ part: part.name, ms: Date.now() - started }, 'stopped');
    }
    stack.length = 0;
  };

  try {
    mkdirSync(config.data, { recursive: true });
    const metrics = createMetrics();

    const store = chooseStorage(config);
    await store.open();
    stack.push({ name: 'store', stop: () => store.close() });

    const bus = await chooseBus(config, logger);
    stack.push({ name: 'bus', stop: () => bus.close() });

    const auth = await createAuthService(store);
    const admin = await auth.ensureFirstAdmin(env['TWINWORKS_ADMIN_PASSWORD']);
    if (admin.generatedPassword) {
      announce(
        [
          '',
          '  First start: created user "admin" with the generated password',
          `      ${admin.generatedPassword}`,
          '  It is shown only this once. Set TWINWORKS_ADMIN_PASSWORD before the first start to choose it.',
          '',
        ].join('\n'),
      );
    } else if (admin.created) {
      logger.info('first start: created user admin with the password from TWINWORKS_ADMIN_PASSWORD');
    }

    const twins = await startTwins({ store, bus, logger, source: config.publicHost ?? hostname(), seedDemo: config.demo });
    stack.push({ name: 'twins', stop: () => twins.stop() });

    const publicHost = config.publicHost ?? hostname();
    const tls = await ensureTlsMaterial({ dataDir: config.data, certFile: config.tlsCert, keyFile: config.tlsKey, hosts: [publicHost] });
    if (tls.generated) logger.info({ certFile: tls.certFile, fingerprint256: tls.fingerprint256 }, 'generated a self-signed TLS certificate');

    const history = await startHistory({ config, store, bus, graph: twins.graph, logger });
    stack.push({ name: 'history', stop: () => history.stop() });

    const pdm = await startPdm({ store, bus, graph: twins.graph, history, logger, demo: config.demo && config.pdmBootstrap, dataDir: config.data });
    stack.push({ name: 'pdm', stop: () => pdm.stop() });

    const simulator = config.simulator ? new EmbeddedSimulator() : undefined;
    const hub = await createPlatformHub({ config, store, bus, logger, metrics, tls, hostName: publicHost, graph: twins.graph, auth, history: history.telemetryStore });
    stack.push({ name: 'hub', stop: () => hub.close() });

    const web = createWebModule({ root: env['TWINWORKS_WEB_ROOT'] ?? defaultWebRoot(), apiPrefixes: [...DEFAULT_API_PREFIXES, '/devices', '/twins'] });
    const api: ApiServer = await createApiServer(
      {
        logger,
        metrics,
        auth,
        readinessChecks: [
          {
            name: 'store',
            check: async () => {
              await store.count('settings');
              return undefined;
            },
          },
        ],
      },
      { tls, version: PLATFORM_VERSION, modules: [...twins.modules, ...hub.apiModules, ...history.modules, pdm.api, commandsModule(twins.graph, hub), web] },
    );
    stack.push({ name: 'api', stop: () => api.close() });
    const httpPorts = await api.listen({ host: config.host, httpPort: config.httpPort, httpsPort: config.httpsPort });

    const mqttPorts = await hub.listen({
      host: config.host,
      port: config.mqttPort,
      tlsPort: config.mqttsPort,
      ...(config.mqttWsPort !== 'off' ? { wsPort: config.mqttWsPort } : {}),
      ...(config.mqttWssPort !== 'off' ? { wssPort: config.mqttWssPort } : {}),
    });

    if (simulator) {
      const from = config.demo ? await backfillStart(store, config.demoHistoryDays) : undefined;
      await simulator.start({ hub, mqttHost: localAddressFor(config.host), mqttPort: mqttPorts.port!, logger, ...(from !== undefined ? { from } : {}) });
      stack.push({ name: 'simulator', stop: () => simulator.stop() });
    }

    const ports: PlatformPorts = { http: httpPorts.httpPort, https: httpPorts.httpsPort, mqtt: mqttPorts.port!, mqtts: mqttPorts.tlsPort, mqttWs: mqttPorts.wsPort, mqttWss: mqttPorts.wssPort };
    await bus.publish('platform.started', { version: PLATFORM_VERSION, nodeId: `${hostname()}:${process.pid}`, storage: store.kind, bus: bus.kind, time: new Date().toISOString() });
    logger.info({ ports, store: store.kind, bus: bus.kind, data: config.data }, 'platform ready');

    let stopped = false;
    return {
      config,
      ports,
      logger,
      metrics,
      store,
      bus,
      auth,
      twins: twins.graph,
      hub,
      history,
      certificate: tls.cert,
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopAll();
        logger.info('platform stopped');
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

export const PLATFORM_VERSION = '0.1.0';
