/**
 * The device hub, assembled: registry, policies, the message pipeline (group commit, routing,
 * bindings, sinks), the embedded MQTT broker with the IoT Hub front door, C2D, direct methods, and
 * the HTTP surfaces as API modules. The platform creates it (before the API server, so the modules
 * can be mounted), then calls `listen`, and `close` on the way down.
 */
import type { EventBus, TelemetryReceived } from '../bus/index.js';
import type { Logger, Metrics } from '../observability/index.js';
import type { StorageAdapter, TimePoint } from '../storage/index.js';
import type { ApiModule } from '../api/index.js';
import { createEmbeddedBroker, type BrokerListenOptions, type BrokerPorts, type EmbeddedBroker, type MqttAuthenticator } from './broker.js';
import { parseHubConfig, type HubConfig } from './config.js';
import { DeviceRegistry } from './registry/registry.js';
import { PolicyStore } from './identity/policies.js';
import { DeviceAuthenticator } from './identity/authenticate.js';
import { GroupCommitter } from './pipeline/committer.js';
import { RateLimiter } from './pipeline/limits.js';
import { WriteAheadLog } from './wal/log.js';
import { Ingestor } from './pipeline/ingest.js';
import { Router } from './routing/router.js';
import { BindingSet } from './twins/bindings.js';
import { TwinSink } from './twins/sink.js';
import type { TwinUpdater } from './twins/port.js';
import { Webhook } from './sinks/webhook.js';
import { createHubMetrics, perTurn, type HubMetrics } from './metrics.js';
import { SessionTable } from './mqtt/sessions.js';
import { compileGenericTopic } from './mqtt/generic.js';
import { createFront, type DpsFront } from './mqtt/front.js';
import { DeviceProtocol } from './mqtt/device-protocol.js';
import { MethodInvoker } from './methods/invoker.js';
import { C2dQueue } from './c2d/queue.js';
import { HubOperations } from './service/operations.js';
import { iothubRestModule } from './http/iothub-api.js';
import { platformHubModule } from './http/platform-api.js';
import { EnrollmentStore } from './dps/enrollments.js';
import { DpsService } from './dps/service.js';
import { startExternalSource, type ExternalSource } from './external/source.js';

export interface DeviceHubOptions {
  readonly store: StorageAdapter;
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The platform certificate: MQTT over TLS and secure WebSocket. */
  readonly tls?: { readonly cert: string; readonly key: string } | undefined;
  /** The host name devices and services use (the platform's public host); the IoT hub's name. */
  readonly hostName: string;
  readonly config?: HubConfig | undefined;
  /** The twin graph, for bindings and provisioning links; without it the `twins` endpoint does nothing. */
  readonly twins?: TwinUpdater | undefined;
  /**
   * The history context's durable telemetry write. When given, the `store` endpoint hands each message
   * to it (inside the group commit, before the PUBACK) instead of appending numeric points itself.
   */
  readonly telemetryStore?: { write(messages: readonly TelemetryReceived[]): Promise<void> } | undefined;
  /**
   * Directory of the hub's write-ahead log (config `wal`): given, and `wal.enabled` not false, the
   * PUBACK waits for the log's fsync instead of the store's commit, and the log applies the messages
   * to the store (or the history port) in the background; whatever was logged and not applied when
   * the process stopped is replayed here before the hub takes messages.
   */
  readonly walDir?: string | undefined;
  /** Lets platform users and API keys connect to the embedded broker as service clients. */
  readonly principals?: MqttAuthenticator | undefined;
}

export interface HubParts {
  readonly options: DeviceHubOptions;
  readonly config: HubConfig;
  readonly hubMetrics: HubMetrics;
  readonly registry: DeviceRegistry;
  readonly policies: PolicyStore;
  readonly devices: DeviceAuthenticator;
  readonly operations: HubOperations;
  readonly ingestor: Ingestor;
  readonly sessions: SessionTable;
  readonly hostNames: readonly string[];
  readonly enrollments: EnrollmentStore;
  readonly dps: DpsService;
}

export interface DeviceHub {
  readonly config: HubConfig;
  readonly registry: DeviceRegistry;
  readonly policies: PolicyStore;
  readonly operations: HubOperations;
  readonly ingestor: Ingestor;
  readonly broker: EmbeddedBroker;
  /** Internals other hub modules (DPS, HTTP, service API) build on. */
  readonly parts: HubParts;
  readonly apiModules: ApiModule[];
  listen(options: BrokerListenOptions): Promise<BrokerPorts>;
  /** `HostName=…;SharedAccessKeyName=…;SharedAccessKey=…` for a policy. */
  connectionString(policy?: string, hostName?: string): string;
  /** Registers the provisioning service on the MQTT front door (done by createDeviceHub when DPS is enabled). */
  attachDps(dps: DpsFront): void;
  /** Resolves when the write-ahead log's applier, twin updates and webhooks have caught up (tests). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export async function createDeviceHub(options: DeviceHubOptions): Promise<DeviceHub> {
  const config = options.config ?? parseHubConfig({});
  const log = options.logger.child({ context: 'hub' });
  const { store, bus } = options;
  const registry = new DeviceRegistry({ store });
  const policies = await PolicyStore.open(store);
  const sessions = new SessionTable();
  const hostNames = [options.hostName, ...config.hostNames];

  const webhooks = new Map<string, Webhook>();
  let committer: GroupCommitter | undefined;
  let twins: TwinSink | undefined;
  let walRef: WriteAheadLog | undefined;
  const hubMetrics = createHubMetrics(options.metrics.registry, {
    pending: () => committer?.pending ?? 0,
    twinBacklog: () => twins?.backlog ?? 0,
    connectedDevices: () => sessions.deviceCount,
    webhookDepth: () => Object.fromEntries([...webhooks].map(([n, w]) => [n, w.depth])),
    walLag: () => walRef?.lag ?? 0,
  });
  for (const [name, w] of Object.entries(config.webhooks)) webhooks.set(name, new Webhook(name, w, (err) => log.warn({ webhook: name, err: (err as Error).message }, 'webhook delivery failed')));

  const sinks = {
    appendPoints: (p: readonly TimePoint[]) => store.appendPoints(p),
    ...(options.telemetryStore ? { writeTelemetry: (m: readonly TelemetryReceived[]) => options.telemetryStore!.write(m) } : {}),
  };
  const wal =
    options.walDir && config.wal.enabled !== false
      ? await WriteAheadLog.open({
          dir: options.walDir,
          sinks,
          maxLagMessages: config.wal.maxLagMessages,
          segmentBytes: config.wal.segmentMb * 1024 * 1024,
          onProblem: (what, details) => log.warn(details, what),
          onApply: ({ ms }) => hubMetrics.walApplySeconds.observe(ms / 1000),
          onWrite: ({ ms }) => hubMetrics.walWriteSeconds.observe(ms / 1000),
        })
      : undefined;
  walRef = wal;
  if (wal && (wal.replayed.messages > 0 || wal.replayed.truncated.length > 0)) log.info({ dir: options.walDir, ...wal.replayed }, 'replayed the write-ahead log into the store');
  committer = new GroupCommitter({
    targets: {
      ...sinks,
      ...(wal ? { persist: (points: readonly TimePoint[], telemetry: readonly TelemetryReceived[], messages: number) => wal.append({ points, telemetry, messages }) } : {}),
      publishMany: (items) => bus.publishMany(items),
    },
    // Built for the event alone (see ingest.ts): handed over to the bus rather than copied.
    summarise: (summaries) => ({ name: 'telemetry.batch', payload: { messages: summaries as TelemetryReceived[] }, transfer: true }),
    maxBatch: config.commit.maxBatch,
    maxPending: config.commit.maxPending,
    maxWaitMs: config.commit.maxWaitMs,
    minIntervalMs: config.commit.minIntervalMs,
    concurrency: config.commit.concurrency,
    onBatch: ({ messages, ms, ok }) => {
      hubMetrics.commitSeconds.observe(ms / 1000);
      hubMetrics.commitBatch.observe(messages);
      if (!ok) log.error({ messages }, 'group commit failed; the messages were not acknowledged');
    },
  });
  let twinErrors = 0;
  const twinsApplied = perTurn(hubMetrics.twinUpdates.labels({ outcome: 'applied' })); // runs per twin update
  twins = options.twins
    ? new TwinSink(options.twins, {
        onError: (twinId, err) => {
          hubMetrics.twinUpdates.inc({ outcome: 'failed' });
          if (twinErrors++ % 100 === 0) log.warn({ twinId, err: (err as Error).message, failures: twinErrors }, 'twin update from a binding failed');
        },
        onUpdate: () => twinsApplied.inc(),
      })
    : undefined;

  const ingestor = new Ingestor({
    committer,
    router: new Router(config),
    bindings: new BindingSet(config.bindings),
    twins,
    webhooks,
    limiter: new RateLimiter(config.rateLimit),
    metrics: hubMetrics,
    hubName: options.hostName,
    findDevice: (id) => registry.find(id).catch(() => undefined),
    touch: (id, ms) => registry.touch(id, ms),
    historyPort: options.telemetryStore !== undefined,
  });

  const methods = new MethodInvoker(sessions, hubMetrics);
  const c2d = new C2dQueue(store, registry, bus, config.c2d, hubMetrics, (id) => sessions.device(id));
  const operations = new HubOperations(registry, sessions, methods, c2d, log);
  const devices = new DeviceAuthenticator(registry, policies);
  const protocol = new DeviceProtocol(registry, methods, log);
  const genericTopics = config.topics.map(compileGenericTopic);
  const enrollments = new EnrollmentStore(store);
  const dpsService = new DpsService({ idScope: config.idScope, enrollments, registry, twins: options.twins, logger: log, metrics: hubMetrics });
  let dps: DpsFront | undefined = dpsService;
  const front = createFront({
    logger: options.logger,
    metrics: hubMetrics,
    bus,
    sessions,
    devices,
    registry,
    ingestor,
    protocol,
    c2d,
    topics: genericTopics,
    hostNames,
    principals: options.principals,
    get dps() {
      return dps;
    },
  });
  const broker = await createEmbeddedBroker({ logger: options.logger, metrics: options.metrics, hooks: front, tls: options.tls, clientCas: config.x509.caCertificates });

  // Last activity is kept in memory per message and written every few seconds, not per message.
  const activityTimer = setInterval(() => void registry.flushActivity().catch((err: unknown) => log.warn({ err }, 'could not record device activity')), 15_000);
  activityTimer.unref();

  const parts: HubParts = { options, config, hubMetrics, registry, policies, devices, operations, ingestor, sessions, hostNames, enrollments, dps: dpsService };
  let external: ExternalSource | undefined;
  let closed = false;
  return {
    config,
    registry,
    policies,
    operations,
    ingestor,
    broker,
    parts,
    apiModules: [iothubRestModule(parts), platformHubModule(parts)],
    async listen(o) {
      const ports = await broker.listen(o);
      const x = config.externalBroker;
      if (x && !external) {
        external = startExternalSource({ ...x, topics: genericTopics, ingestor, logger: options.logger, metrics: hubMetrics });
        await external.ready;
      }
      return ports;
    },
    connectionString: (policy = 'iothubowner', hostName = options.hostName) => policies.connectionString(policy, hostName),
    attachDps(d) {
      dps = d;
    },
    async settled() {
      await wal?.drained();
      await twins?.idle();
      for (const w of webhooks.values()) await w.flush();
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(activityTimer);
      methods.close();
      await external?.close();
      await broker.close();
      await committer!.close();
      await wal?.close();
      await twins?.idle();
      for (const w of webhooks.values()) w.close();
      await registry.flushActivity().catch(() => undefined);
    },
  };
}
