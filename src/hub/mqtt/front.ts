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
import type { BrokerHooks, MqttAuthenticator, PublishDone } from '../broker.js';
import type { DeviceAuthenticator } from '../identity/authenticate.js';
import { hostAliases } from '../identity/hosts.js';
import type { Ingestor } from '../pipeline/ingest.js';
import type { IncomingMessage } from '../pipeline/message.js';
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
      pending: 0,
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

  /**
   * Hands a message to the pipeline; `done` (aedes' callback, which writes the PUBACK) runs once it
   * is durable. A refusal first lets the connection's earlier messages finish: closing the connection
   * at once would also lose the PUBACKs of messages still committing.
   */
  function ingestOrRefuse(s: DeviceSession, packet: PublishPacket, message: IncomingMessage, done: PublishDone): void {
    s.pending++;
    deps.ingestor.accept(message, (err) => {
      s.pending--;
      if (s.pending === 0 && s.drained) s.drained();
      if (!err) return done(null);
      void untilDrained(s).then(() =>
        setImmediate(() => {
          // Their PUBACKs were written in the callbacks that just ran.
          const reason = HubErrors.is(err) ? err.code.slice(4) : 'error';
          const refusal = refusePublish(s.client, reason, err.message, packet.topic);
          // QoS 0 has no acknowledgement to withhold: drop (counted) and keep the connection. QoS 1:
          // MQTT 3.1.1 has no negative PUBACK, so the connection is closed (what IoT Hub does).
          done(packet.qos === 0 ? null : refusal);
        }),
      );
    });
  }

  /** Resolves when none of the connection's messages is in the pipeline (aedes reads no more meanwhile). */
  function untilDrained(s: DeviceSession): Promise<void> {
    if (s.pending === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const previous = s.drained;
      s.drained = () => {
        s.drained = undefined;
        previous?.();
        resolve();
      };
    });
  }

  function authorizePublish(client: Client, packet: PublishPacket, done: PublishDone): void {
    try {
      route(client, packet, done);
    } catch (err) {
      // route never calls `done` synchronously (see settle), so this cannot answer twice.
      settle(done, err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** Answers aedes on the next tick: code that aedes runs from `done` must not run inside route's try. */
  function settle(done: PublishDone, err: Error | null): void {
    process.nextTick(done, err);
  }

  function route(client: Client, packet: PublishPacket, done: PublishDone): void {
    const s = sessions.get(client);
    const topic = packet.topic;
    if (!s) return settle(done, refusePublish(client, 'no_session', 'unauthenticated client', topic));
    if (packet.qos === 2) return settle(done, refusePublish(client, 'qos_not_supported', 'IoT Hub does not support QoS 2', topic));
    const payload = packet.payload as Buffer;
    if (s.kind === 'device') {
      // A device publishes to the same telemetry topic over and over: its parse is kept per session.
      let t = s.lastTelemetry?.topic === topic ? s.lastTelemetry : undefined;
      if (!t) {
        const parsed = parseTelemetryTopic(topic);
        if (parsed) {
          if (parsed.deviceId !== s.deviceId || parsed.moduleId) return settle(done, refusePublish(client, 'topic_not_allowed', `device '${s.deviceId}' may not publish to '${topic}'`, topic));
          const bag = parsePropertyBag(parsed.bag);
          t = { topic, system: Object.freeze(bag.system), app: Object.freeze(bag.app) };
          s.lastTelemetry = t;
        }
      }
      if (t) return ingestOrRefuse(s, packet, { deviceId: s.deviceId, source: 'mqtt', topic, body: payload, system: t.system, app: t.app, arrivalMs: Date.now(), device: s.device }, done);
      if (topic.startsWith('$iothub/')) {
        if (!deps.protocol.handle(s, topic, payload)) return settle(done, refusePublish(client, 'topic_not_allowed', `unknown IoT Hub topic '${topic}'`, topic));
        return settle(done, null);
      }
      const g = matchGenericTopic(deps.topics, topic);
      if (g) {
        if (g.deviceId !== s.deviceId) return settle(done, refusePublish(client, 'topic_not_allowed', `device '${s.deviceId}' may not publish for device '${g.deviceId}'`, topic));
        const ct = g.topic.config.contentType ?? 'application/json';
        return ingestOrRefuse(s, packet, { deviceId: s.deviceId, source: 'mqtt', topic, body: payload, system: { 'content-type': ct }, app: {}, arrivalMs: Date.now(), device: s.device, assumeJson: ct === 'application/json' }, done);
      }
      return settle(done, refusePublish(client, 'topic_not_allowed', `device '${s.deviceId}' may not publish to '${topic}'`, topic));
    }
    if (s.kind === 'dps') {
      if (!topic.startsWith('$dps/registrations/') || !deps.dps) return settle(done, refusePublish(client, 'topic_not_allowed', `a provisioning client may not publish to '${topic}'`, topic));
      deps.dps.request(s, topic, payload);
      return settle(done, null);
    }
    // Service clients: the plain-broker part of the namespace only.
    if (topic.startsWith('$') || topic.startsWith('devices/') || matchGenericTopic(deps.topics, topic)) {
      return settle(done, refusePublish(client, 'topic_not_allowed', `service client '${s.subject}' may not publish to device topics`, topic));
    }
    settle(done, null);
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
    serviceSubscriptions++;
    serviceGrants.set(client, (serviceGrants.get(client) ?? 0) + 1);
    return granted;
  }

  // Only service clients ever receive broker-routed messages (authorizeForward), and only outside
  // `$…`; device traffic to devices goes through their Outbound. Grants are counted per service
  // client and dropped when a clean session ends (UNSUBSCRIBE is not seen: it only overcounts, which
  // costs the routing work, never a message). A persistent session's subscriptions outlive the
  // connection (its offline queue), so they stay counted.
  let serviceSubscriptions = 0;
  const serviceGrants = new Map<Client, number>();
  const mayHaveSubscribers = (_client: Client, packet: PublishPacket) => serviceSubscriptions > 0 && !packet.topic.startsWith('$');

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
    mayHaveSubscribers,
    disconnected(client) {
      const s = sessions.remove(client);
      const grants = serviceGrants.get(client);
      if (grants !== undefined) {
        serviceGrants.delete(client);
        if (client.clean) serviceSubscriptions -= grants;
      }
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
