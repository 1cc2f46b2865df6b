import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { PlatformConfig } from '../config/index.js';
import type { AuthService } from '../auth/index.js';
import type { EventBus, TelemetryReceived } from '../bus/index.js';
import { createDeviceHub, loadHubConfig, parseHubConfig, type DeviceHub, type HubConfig, type HubConfigInput, type TwinUpdater } from '../hub/index.js';
import type { Logger, Metrics } from '../observability/index.js';
import type { StorageAdapter } from '../storage/index.js';
import type { TwinGraph } from '../twins/index.js';

/**
 * The telemetry-to-twin binding used when no hub file is given: the demo models' Machine interface
 * (models/Machine.json). State and its reason are twin properties; the signals are twin telemetry
 * (DTDL Telemetry is not stored on the twin; history keeps every value).
 */
export const DEFAULT_BINDINGS: NonNullable<HubConfigInput['bindings']> = [
  {
    devices: '*',
    properties: [
      { from: 'state', to: '/state' },
      { from: 'stateReason', to: '/stateReason' },
    ],
    telemetry: ['temperature', 'vibration', 'vibrationHighBand', 'power', 'pressure', 'goodCount', 'rejectCount', 'cycleTime', { from: 'speed', name: 'actualSpeed' }],
  },
];

/**
 * Without a hub file: IoT Hub's fallback route, plus the `events` endpoint so every commit also
 * publishes one `telemetry.batch` event (alerts and the live predictive-maintenance scorer read it).
 */
export function defaultHubConfig(config: PlatformConfig): HubConfigInput {
  return {
    fallback: { enabled: true, endpoints: ['store', 'twins', 'events'] },
    bindings: DEFAULT_BINDINGS,
    ...(config.mqttUrl ? { externalBroker: { url: config.mqttUrl } } : {}),
  };
}

/** The hub's port to the twin graph (see src/hub/twins/port.ts). */
export function twinUpdaterFor(graph: TwinGraph): TwinUpdater {
  return {
    patchTwin: async (id, patch) => void (await graph.patchTwin(id, patch, {}, { trusted: true })),
    twinExists: async (id) => {
      try {
        graph.getTwin(id);
        return true;
      } catch {
        return false;
      }
    },
    publishTelemetry: async (id, values, { sourceTime }) => void (await graph.sendTelemetry(id, { messageId: randomUUID(), body: values, sourceTime })),
    createTwin: async (id, modelId, props) => void (await graph.upsertTwin(id, { $metadata: { $model: modelId }, ...props })),
  };
}

export interface HubDeps {
  readonly config: PlatformConfig;
  readonly store: StorageAdapter;
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly tls: { readonly cert: string; readonly key: string };
  readonly hostName: string;
  readonly graph: TwinGraph;
  readonly auth: AuthService;
  /** The history context's durable telemetry write (inside the hub's group commit). */
  readonly history: { write(messages: readonly TelemetryReceived[]): Promise<void> };
  /** Extra MQTT principals accepted besides platform users and API keys (the embedded simulator). */
  readonly extraPrincipal?: (username: string | undefined, password: string | undefined) => boolean;
}

/**
 * Where the hub's write-ahead log lives, or undefined for none. Off unless the hub file says
 * `wal.enabled: true`. It was meant to keep DuckDB's commits and checkpoints off the PUBACK path, but
 * since the store commits its appends asynchronously (off the main thread) the log only added work:
 * at 20,000 msg/s offered, PUBACK p99 1.6 s with it against 0.8 s without (docs/hub.md, 2026-11-22).
 * `storeKind` stays in the signature for a store-dependent default later.
 */
export function hubWalDir(config: PlatformConfig, hub: HubConfig, _storeKind: string): string | undefined {
  const enabled = hub.wal.enabled ?? false;
  return enabled ? join(config.data, 'hub-wal') : undefined;
}

export async function createPlatformHub(d: HubDeps): Promise<DeviceHub> {
  const file = d.config.hubConfig ? loadHubConfig(d.config.hubConfig) : undefined;
  const config = file
    ? d.config.mqttUrl && !file.externalBroker
      ? parseHubConfig({ ...file, externalBroker: { url: d.config.mqttUrl } }, d.config.hubConfig)
      : file
    : parseHubConfig(defaultHubConfig(d.config), 'built-in hub defaults');
  return createDeviceHub({
    store: d.store,
    bus: d.bus,
    logger: d.logger,
    metrics: d.metrics,
    tls: d.tls,
    hostName: d.hostName,
    config,
    walDir: hubWalDir(d.config, config, d.store.kind),
    twins: twinUpdaterFor(d.graph),
    telemetryStore: d.history,
    // Platform users (user name + password) and API keys (any user name, the key as password) may
    // connect as service clients on generic topics; devices use their own identities.
    principals: async (_clientId, username, password) => {
      if (password === undefined) return undefined;
      if (d.extraPrincipal?.(username, password)) return { subject: `service:${username ?? ''}` };
      if (username) {
        try {
          await d.auth.users.verify(username, password);
          return { subject: `user:${username}` };
        } catch {
          // fall through: the password may be an API key
        }
      }
      return d.auth.chain.fromCredential(password).then(
        (p) => ({ subject: p.subject }),
        () => undefined,
      );
    },
  });
}
