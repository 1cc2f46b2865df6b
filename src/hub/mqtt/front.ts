/**
 * The MQTT front door: implements the broker hooks. It authenticates CONNECTs (device SAS, key or
 * X.509; DPS registrations; platform principals), enforces the topic rules (a device publishes and
 * subscribes only to its own topics; refusals are logged and counted), turns telemetry into
 * pipeline messages (the PUBACK waits for the durable hand-off) and answers the device's twin and
 * method traffic.
 */
import type { Client, PublishPacket, Subscription } from 'aedes';
import type { EventBus } from '../../bus/index.js';
import type { Logger } from '../../observability/index.js';
import { HubErrors } from '../errors.js';
import type { BrokerHooks, MqttAuthenticator } from '../broker.js';
import type { DeviceAuthenticator } from '../identity/authenticate.js';
import { hostAliases } from '../identity/hosts.js';
import type { Ingestor } from '../pipeline/ingest.js';
import type { HubMetrics } from '../metrics.js';
import { connectionFacts, parseUsername } from './connect.js';
import { matchGenericTopic, type GenericTopic } from './generic.js';
import { Outbound, type DeviceSession, type DpsSession, type SessionTable } from './sessions.js';
import { DEVICE_FILTERS, dpsTopics, parsePropertyBag, parseTelemetryTopic, deviceTopics } from './topics.js';
import type { DeviceProtocol } from './device-protocol.js';
import type { C2dQueue } from '../c2d/queue.js';
import type { DeviceRegistry } from '../registry/registry.js';
import type { PeerCertificate } from '../identity/authenticate.js';

/** The provisioning service's part of the front door (src/hub/dps). */
export interface DpsFront {
  readonly idScope: string;
  authenticate(registrationId: string, secret: string | undefined, certificate: PeerCertificate | undefined): Promise<{ ok: true; enrollment: DpsSession['enrollment'] } | { ok: false; reason: string; message: string }>;
  /** Keeps what the connection authenticated with: provisioning gives the device the matching identity. */
  remember(session: DpsSession, credentials: { secret?: string; certificate?: PeerCertificate }): void;
  request(session: DpsSession, topic: string, body: Buffer): void;
}

export interface FrontDeps {
  readonly logger: Logger;
  readonly metrics: HubMetrics;
  readonly bus: EventBus;
  readonly sessions: SessionTable;
  readonly devices: DeviceAuthenticator;
  readonly registry: DeviceRegistry;
  readonly ingestor: Ingestor;
  readonly protocol: DeviceProtocol;
  readonly c2d: C2dQueue;
  readonly topics: readonly GenericTopic[];
  readonly hostNames: readonly string[];
  readonly principals?: MqttAuthenticator | undefined;
  readonly dps?: DpsFront | undefined;
}

class Refusal extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export function createFront(deps: FrontDeps): BrokerHooks {
  const log = deps.logger.child({ context: 'hub' });
  const { sessions, metrics } = deps;

  const refuseConnect = (client: Client, reason: string, message: string) => {
    metrics.refuse('connect', reason);
    log.warn({ clientId: client.id, reason }, `MQTT connection refused: ${message}`);
    return false;
  };

  async function authenticate(client: Client, username: string | undefined, password: Buffer | undefined): Promise<boolean> {
    const facts = connectionFacts(client);
    const secret = password && password.length > 0 ? password.toString('utf8') : undefined;
    const u = parseUsername(username);
    if (u.kind === 'dps') {
      if (!deps.dps || u.idScope !== deps.dps.idScope) return refuseConnect(client, 'unknown_scope', `ID scope '${u.idScope}' is not served here`);
      if (client.id !== u.registrationId) return refuseConnect(client, 'client_id_mismatch', 'the client id must be the registration id');
      const r = await deps.dps.authenticate(u.registrationId, secret, facts.certificate);
      if (!r.ok) return refuseConnect(client, r.reason, r.message);
      const session: DpsSession = { kind: 'dps', registrationId: u.registrationId, client, enrollment: r.enrollment, outbound: new Outbound(client) };
      sessions.set(client, session);
      deps.dps.remember(session, { ...(secret ? { secret } : {}), ...(facts.certificate ? { certificate: facts.certificate } : {}) });
      return true;
    }
    if (u.kind === 'iothub') {
      if (u.moduleId) return refuseConnect(client, 'modules_not_supported', 'module identities are not supported');
      if (client.id !== u.deviceId) return refuseConnect(client, 'client_id_mismatch', `client id '${client.id}' differs from device '${u.deviceId}' in the user name`);
    }
    const deviceId = u.kind === 'iothub' ? u.deviceId : client.id;
    const hosts = hostAliases(deps.hostNames, { address: facts.localAddress, port: facts.localPort, servername: facts.servername });
    const r = await deps.devices.authenticate({ deviceId, secret, certificate: facts.certificate, hosts });
    if (!r.ok) {
      // Not a device: a platform user or API key may connect as a service client (plain MQTT only).
      if (r.reason === 'unknown_device' && u.kind === 'generic' && deps.principals && secret) {
        const p = await deps.principals(client.id, username, secret).catch(() => undefined);
        if (p) {
          sessions.set(client, { kind: 'principal', subject: p.subject, client });
          return true;
        }
      }
      return refuseConnect(client, r.reason, r.message);
    }
    const modelId = u.kind === 'iothub' ? u.modelId : undefined;
    const session: DeviceSession = {
      kind: 'device',
      deviceId,
      client,
      auth: r.method,
      dialect: u.kind === 'iothub' ? 'iothub' : 'generic',
      ...(modelId ? { modelId } : {}),
      device: r.device,
      connectedAt: Date.now(),
      subscribed: { c2d: false, methods: false, desired: false, twin: false },
      outbound: new Outbound(client),
      inflight: new Set(),
    };
    sessions.set(client, session);
    if (modelId && r.device.modelId !== modelId) void deps.registry.setTwinLink(deviceId, r.device.twinId, modelId).catch(() => undefined);
    return true;
  }

  const refusePublish = (client: Client, reason: string, message: string, topic: string): Refusal => {
    metrics.refuse('publish', reason);
    log.warn({ clientId: client.id, topic: topic.slice(0, 200), reason }, `MQTT publish refused: ${message}`);
    return new Refusal(reason, message);
  };

  async function ingestOrRefuse(s: DeviceSession, packet: PublishPacket, run: () => Promise<void>): Promise<void> {
    const client = s.client;
    const work = run();
    s.inflight.add(work);
    try {
      await work;
    } catch (err) {
      // Closing the connection at once would also lose the PUBACKs of earlier messages that are
      // still committing; let those finish (and be acknowledged) first.
      s.inflight.delete(work);
      await Promise.allSettled([...s.inflight]);
      await new Promise((r) => setImmediate(r)); // their PUBACKs are written in the callbacks that follow
      const reason = HubErrors.is(err) ? err.code.slice(4) : 'error';
      const refusal = refusePublish(client, reason, (err as Error).message, packet.topic);
      // QoS 0 has no acknowledgement to withhold: drop (counted) and keep the connection. QoS 1:
      // MQTT 3.1.1 has no negative PUBACK, so the connection is closed (what IoT Hub does).
      if (packet.qos === 0) return;
      throw refusal;
    } finally {
      s.inflight.delete(work);
    }
  }

  async function authorizePublish(client: Client, packet: PublishPacket): Promise<void> {
    const s = sessions.get(client);
    const topic = packet.topic;
    if (!s) throw refusePublish(client, 'no_session', 'unauthenticated client', topic);
    if (packet.qos === 2) throw refusePublish(client, 'qos_not_supported', 'IoT Hub does not support QoS 2', topic);
    const payload = packet.payload as Buffer;
    if (s.kind === 'device') {
      const t = parseTelemetryTopic(topic);
      if (t) {
        if (t.deviceId !== s.deviceId || t.moduleId) throw refusePublish(client, 'topic_not_allowed', `device '${s.deviceId}' may not publish to '${topic}'`, topic);
        const bag = parsePropertyBag(t.bag);
        return ingestOrRefuse(s, packet, () =>
          deps.ingestor.ingest({ deviceId: s.deviceId, source: 'mqtt', topic, body: payload, system: bag.system, app: bag.app, arrivalMs: Date.now(), device: s.device }),
        );
      }
      if (topic.startsWith('$iothub/')) {
        if (!deps.protocol.handle(s, topic, payload)) throw refusePublish(client, 'topic_not_allowed', `unknown IoT Hub topic '${topic}'`, topic);
        return;
      }
      const g = matchGenericTopic(deps.topics, topic);
      if (g) {
        if (g.deviceId !== s.deviceId) throw refusePublish(client, 'topic_not_allowed', `device '${s.deviceId}' may not publish for device '${g.deviceId}'`, topic);
        const ct = g.topic.config.contentType ?? 'application/json';
        return ingestOrRefuse(s, packet, () =>
          deps.ingestor.ingest({ deviceId: s.deviceId, source: 'mqtt', topic, body: payload, system: { 'content-type': ct }, app: {}, arrivalMs: Date.now(), device: s.device, assumeJson: ct === 'application/json' }),
        );
      }
      throw refusePublish(client, 'topic_not_allowed', `device '${s.deviceId}' may not publish to '${topic}'`, topic);
    }
    if (s.kind === 'dps') {
      if (!topic.startsWith('$dps/registrations/') || !deps.dps) throw refusePublish(client, 'topic_not_allowed', `a provisioning client may not publish to '${topic}'`, topic);
      deps.dps.request(s, topic, payload);
      return;
    }
    // Service clients: the plain-broker part of the namespace only.
    if (topic.startsWith('$') || topic.startsWith('devices/') || matchGenericTopic(deps.topics, topic)) {
      throw refusePublish(client, 'topic_not_allowed', `service client '${s.subject}' may not publish to device topics`, topic);
    }
  }

  function authorizeSubscribe(client: Client, sub: Subscription): Subscription | null {
    const s = sessions.get(client);
    const refuse = (why: string) => {
      metrics.refuse('subscribe', 'topic_not_allowed');
      log.warn({ clientId: client.id, topic: sub.topic.slice(0, 200), reason: 'topic_not_allowed' }, `MQTT subscription refused: ${why}`);
      return null;
    };
    if (!s) return refuse('unauthenticated client');
    // IoT Hub grants at most QoS 1. aedes fixes the SUBACK code before this hook runs, so a QoS 2
    // request is still answered with 2; what matters is that the hub never delivers above QoS 1.
    if (sub.qos > 1) (sub as { qos: number }).qos = 1;
    const granted = sub;
    if (s.kind === 'device') {
      if (sub.topic === deviceTopics.c2dFilter(s.deviceId)) {
        s.subscribed.c2d = true;
        setImmediate(() => {
          if (sessions.device(s.deviceId) === s) deps.c2d.pump(s);
        });
        return granted;
      }
      const i = (DEVICE_FILTERS as readonly string[]).indexOf(sub.topic);
      if (i < 0) return refuse(`device '${s.deviceId}' may only subscribe to its own topics`);
      if (i === 0) s.subscribed.twin = true;
      if (i === 1) s.subscribed.desired = true;
      if (i === 2) s.subscribed.methods = true;
      sessions.notify(s.deviceId);
      return granted;
    }
    if (s.kind === 'dps') return sub.topic === dpsTopics.responseFilter ? granted : refuse('a provisioning client may only subscribe to its responses');
    if (sub.topic.startsWith('$iothub') || sub.topic.startsWith('$dps') || /^(devices|\+)\/[^/]+\/messages\/devicebound/.test(sub.topic)) return refuse('IoT Hub device topics are private to each device');
    return granted;
  }

  // Connection-state writes per device run one after another and record what is true when they run,
  // so a takeover (old disconnect and new connect racing) cannot leave a connected device 'Disconnected'.
  const stateChains = new Map<string, Promise<void>>();
  const syncState = (deviceId: string) => {
    const prev = stateChains.get(deviceId) ?? Promise.resolve();
    const next = prev
      .then(() => deps.registry.setConnectionState(deviceId, sessions.device(deviceId) ? 'Connected' : 'Disconnected'))
      .catch((err: unknown) => log.warn({ err, deviceId }, 'could not record connection state'));
    stateChains.set(deviceId, next);
    void next.finally(() => {
      if (stateChains.get(deviceId) === next) stateChains.delete(deviceId);
    });
  };

  return {
    authenticate,
    authorizePublish,
    authorizeSubscribe,
    authorizeForward(client, packet) {
      const s = sessions.get(client);
      return s?.kind === 'principal' && !packet.topic.startsWith('$iothub') && !packet.topic.startsWith('$dps');
    },
    connected(client) {
      const s = sessions.get(client);
      if (s?.kind !== 'device') return;
      sessions.activate(s);
      syncState(s.deviceId);
      void deps.bus.publish('device.connected', { deviceId: s.deviceId, protocol: 'mqtt', time: new Date().toISOString() }, { key: s.deviceId }).catch(() => undefined);
      if (s.subscribed.c2d) deps.c2d.pump(s);
    },
    disconnected(client) {
      const s = sessions.remove(client);
      if (s?.kind !== 'device') return;
      const replaced = sessions.device(s.deviceId) !== undefined;
      const reason = replaced ? 'kicked' : 'client';
      void deps.bus.publish('device.disconnected', { deviceId: s.deviceId, protocol: 'mqtt', reason, time: new Date().toISOString() }, { key: s.deviceId }).catch(() => undefined);
      syncState(s.deviceId);
    },
    puback(client, packetId) {
      const s = sessions.get(client);
      if (s && s.kind !== 'principal') s.outbound.acked(packetId);
    },
  };
}
