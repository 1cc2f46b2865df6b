/**
 * External-broker mode (`externalBroker.url`): instead of (or besides) the embedded broker, the hub
 * consumes device telemetry from an existing broker (Mosquitto, EMQX) as a client:
 * - shared subscriptions (`$share/{group}/…`, MQTT 5 §4.8.2) on `devices/+/messages/events/#` and
 *   on every generic topic filter, so several platform replicas split the stream;
 * - a persistent session (clean start off, session expiry 1 day) with QoS 1, so the broker keeps
 *   what arrives while the platform is down;
 * - the PUBACK to the broker is sent only after the durable hand-off (mqtt.js `customHandleAcks`);
 *   on a transient failure the connection is dropped without acknowledging, and the broker
 *   redelivers after the reconnect. Messages refused for good (malformed, too large) are acknowledged
 *   and counted, or the broker would redeliver them forever.
 * Device authentication and topic rules are the external broker's job in this mode; the IoT Hub
 * twin, method and C2D topics need per-device isolation only the embedded broker provides.
 */
import { hostname } from 'node:os';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from '../../observability/index.js';
import { HubErrors } from '../errors.js';
import type { Ingestor } from '../pipeline/ingest.js';
import type { HubMetrics } from '../metrics.js';
import { matchGenericTopic, type GenericTopic } from '../mqtt/generic.js';
import { parsePropertyBag, parseTelemetryTopic } from '../mqtt/topics.js';

export interface ExternalSourceOptions {
  readonly url: string;
  readonly group: string;
  readonly shared: boolean;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly clientId?: string | undefined;
  readonly topics: readonly GenericTopic[];
  readonly ingestor: Ingestor;
  readonly logger: Logger;
  readonly metrics: HubMetrics;
  readonly ca?: string | undefined;
}

export interface ExternalSource {
  readonly client: MqttClient;
  /** Resolves once subscribed. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

const TRANSIENT = new Set(['hub.store_failed', 'hub.overloaded', 'hub.closed']);

export function startExternalSource(o: ExternalSourceOptions): ExternalSource {
  const log = o.logger.child({ context: 'hub-external' });
  const filters = ['devices/+/messages/events/#', ...o.topics.map((t) => t.filter)].map((f) => (o.shared ? `$share/${o.group}/${f}` : f));
  let closing = false;
  const client: MqttClient = mqtt.connect(o.url, {
    clientId: o.clientId ?? `twinworks-${o.group}-${hostname()}-${process.pid}`,
    protocolVersion: 5,
    clean: false,
    properties: { sessionExpiryInterval: 86_400 },
    reconnectPeriod: 1000,
    ...(o.username ? { username: o.username } : {}),
    ...(o.password ? { password: o.password } : {}),
    ...(o.ca ? { ca: o.ca } : {}),
    customHandleAcks: (topic, payload, packet, done) => {
      void handle(topic, payload, packet.properties?.userProperties, packet.properties?.contentType).then(
        () => done(0),
        (err: unknown) => {
          if (HubErrors.is(err) && TRANSIENT.has(err.code)) {
            // Not acknowledged: drop the connection so the broker redelivers after the reconnect.
            log.warn({ err: err.message }, 'durable hand-off failed; reconnecting without acknowledging');
            client.stream?.destroy();
            return;
          }
          o.metrics.refuse('publish', HubErrors.is(err) ? err.code.slice(4) : 'error');
          log.warn({ topic: topic.slice(0, 200), err: (err as Error).message }, 'message from the external broker refused');
          done(0);
        },
      );
    },
  });

  async function handle(topic: string, payload: Buffer, userProps: Record<string, string | string[]> | undefined, contentType: string | undefined): Promise<void> {
    const app: Record<string, string> = {};
    for (const [k, v] of Object.entries(userProps ?? {})) app[k] = Array.isArray(v) ? v.join(',') : v;
    const t = parseTelemetryTopic(topic);
    if (t) {
      const bag = parsePropertyBag(t.bag);
      const system = { ...bag.system, ...(contentType ? { 'content-type': contentType } : {}) };
      await o.ingestor.ingest({ deviceId: t.deviceId, source: 'external', topic, body: payload, system, app: { ...bag.app, ...app }, arrivalMs: Date.now() });
      return;
    }
    const g = matchGenericTopic(o.topics, topic);
    if (!g) throw HubErrors.create('topic_not_allowed', `no mapping for topic '${topic}'`, { topic });
    const ct = contentType ?? g.topic.config.contentType ?? 'application/json';
    await o.ingestor.ingest({ deviceId: g.deviceId, source: 'external', topic, body: payload, system: { 'content-type': ct }, app, arrivalMs: Date.now(), assumeJson: ct === 'application/json' });
  }

  const ready = new Promise<void>((resolve, reject) => {
    const onConnect = () => {
      client.subscribe(
        filters.map((f) => [f, { qos: 1 as const }]).reduce<Record<string, { qos: 1 }>>((acc, [f, opt]) => ({ ...acc, [f as string]: opt as { qos: 1 } }), {}),
        (err, granted) => {
          if (err) return reject(err);
          const refused = (granted ?? []).filter((g) => g.qos > 2);
          if (refused.length > 0) log.error({ refused: refused.map((g) => g.topic) }, 'the external broker refused subscriptions');
          log.info({ url: o.url, filters }, 'consuming from the external broker');
          resolve();
        },
      );
    };
    client.on('connect', onConnect);
    client.once('error', (err) => {
      if (!closing) reject(err);
    });
  });
  client.on('error', (err) => log.warn({ err: err.message }, 'external broker connection error'));
  client.on('offline', () => log.warn('external broker offline; reconnecting'));

  return {
    client,
    ready,
    async close() {
      closing = true;
      await client.endAsync(false).catch(() => undefined);
    },
  };
}
