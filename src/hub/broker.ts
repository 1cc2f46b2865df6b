/**
 * The embedded MQTT broker: aedes (MQTT 3.1 and 3.1.1) on plain TCP, TLS (the platform
 * certificate; client certificates requested for X.509 device authentication) and WebSocket
 * (plain and TLS). The hub decides everything through the hooks: who may connect, publish and
 * subscribe, and when a QoS 1 PUBLISH is acknowledged (aedes writes the PUBACK only after
 * `authorizePublish` calls back, so the hook returns once the message is durable).
 */
import { createServer as createNetServer, type Server as NetServer, type AddressInfo, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { createServer as createHttpServer, type Server as HttpServer, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { Aedes, type AedesPublishPacket, type AuthenticateError, type Client, type PublishPacket, type Subscription } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';
import type { Logger, Metrics } from '../observability/index.js';
import { describeListenError } from '../shared/listen-errors.js';

/**
 * Decides whether an MQTT CONNECT may proceed. Resolves to a principal-like identity, or
 * undefined to refuse with CONNACK "not authorized". Kept for platform users and API keys, which
 * the hub accepts as service clients.
 */
export type MqttAuthenticator = (clientId: string, username: string | undefined, password: string | undefined) => Promise<{ subject: string } | undefined>;

/** aedes' publish authorisation callback. */
export type PublishDone = (error: Error | null) => void;

export interface BrokerHooks {
  /** Resolves true to accept; false or a thrown error refuses with CONNACK 5 (not authorized). */
  authenticate(client: Client, username: string | undefined, password: Buffer | undefined): Promise<boolean>;
  /**
   * Calls `done(null)` to accept (for QoS 1: once durable; aedes then writes the PUBACK), or
   * `done(error)` to close the connection (MQTT 3.1.1 has no negative PUBACK). A callback rather
   * than a promise: this runs for every message.
   */
  authorizePublish(client: Client, packet: PublishPacket, done: PublishDone): void;
  /** The subscription to grant (possibly changed, e.g. QoS 2 → 1), or null to refuse (SUBACK 0x80). */
  authorizeSubscribe(client: Client, sub: Subscription): Subscription | null;
  /** Whether a broker-routed message may go to this client. */
  authorizeForward(client: Client, packet: PublishPacket): boolean;
  connected(client: Client): void;
  disconnected(client: Client): void;
  /** Every PUBACK a client sends (the hub matches its own packet identifiers). */
  puback(client: Client, packetId: number): void;
  /**
   * False when no subscriber can ever receive this accepted message (nobody subscribed to it, or
   * `authorizeForward` refuses everyone who did), so the broker skips its routing work for it:
   * subscription matching in two tries, offline-queue bookkeeping and a packet copy per message.
   * Leaving it out routes every message.
   */
  mayHaveSubscribers?(client: Client, packet: PublishPacket): boolean;
}

export interface BrokerListenOptions {
  readonly host: string;
  readonly port?: number | undefined;
  readonly tlsPort?: number | undefined;
  readonly wsPort?: number | undefined;
  readonly wssPort?: number | undefined;
}

export interface BrokerPorts {
  port?: number;
  tlsPort?: number;
  wsPort?: number;
  wssPort?: number;
}

export interface EmbeddedBroker {
  readonly aedes: Aedes;
  listen(options: BrokerListenOptions): Promise<BrokerPorts>;
  /** Replaces the CA certificates trusted for device client certificates. */
  setClientCas(cas: readonly string[]): void;
  close(): Promise<void>;
}

export interface BrokerOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly hooks: BrokerHooks;
  readonly tls?: { cert: string; key: string } | undefined;
  /** CA certificates for X.509 CA-signed device certificates. */
  readonly clientCas?: readonly string[];
  /** IoT Hub's limit is 256 KB; packets above this close the connection. */
  readonly maxPacketBytes?: number;
}

export async function createEmbeddedBroker(options: BrokerOptions): Promise<EmbeddedBroker> {
  const log = options.logger.child({ context: 'mqtt' });
  const { hooks, metrics } = options;
  const aedes = await Aedes.createBroker({
    maxClientsIdLength: 128,
    // Connects are authenticated against the store; a burst of reconnecting devices must not time out.
    connectTimeout: 30_000,
    authenticate: (client: Client, username: Readonly<string> | undefined, password: Readonly<Buffer> | undefined, done: (error: AuthenticateError | null, success: boolean | null) => void) => {
      hooks.authenticate(client, username, password as Buffer | undefined).then(
        (ok) => (ok ? done(null, true) : done(notAuthorized(), false)),
        (err: unknown) => {
          log.warn({ clientId: client.id, err: (err as Error).message }, 'MQTT connection refused');
          done(notAuthorized(), false);
        },
      );
    },
    authorizePublish: (client: Client | null, packet: PublishPacket, done: (error?: Error | null) => void) => {
      if (!client) return done(null); // a will published after its client left: authorised when it was registered
      hooks.authorizePublish(client, packet, done);
    },
    authorizeSubscribe: (client: Client, sub: Subscription, done: (error: Error | null, subscription?: Subscription | null) => void) => {
      done(null, hooks.authorizeSubscribe(client, sub));
    },
    authorizeForward: (client: Client, packet: AedesPublishPacket) => (hooks.authorizeForward(client, packet) ? packet : null),
  });
  // aedes routes every accepted PUBLISH (after writing its PUBACK): retained store, offline queues
  // of persistent sessions, then the subscription matcher. Device telemetry usually has no
  // subscriber at all, so the front door may say so and the message ends here. Retained messages
  // and the broker's own publishes (wills, $SYS) always take the full path.
  const mayHaveSubscribers = hooks.mayHaveSubscribers?.bind(hooks);
  if (mayHaveSubscribers) {
    // The typings show the public publish(packet, done); aedes' own handlers call publish(packet, client, done).
    type Publish = (packet: PublishPacket, client: Client | null | ((err?: Error | null) => void), done?: (err?: Error | null) => void) => void;
    const internal = aedes as unknown as { publish: Publish };
    const route = internal.publish.bind(aedes);
    internal.publish = (packet, client, done) => {
      if (client && typeof client !== 'function' && done && !packet.retain && !mayHaveSubscribers(client, packet)) return done(null);
      route(packet, client, done);
    };
  }

  // aedes calls outgoingClearMessageId for every PUBACK; that is the one public seam where the
  // packet identifier of an acknowledgement is visible, so the hub learns of C2D completions here.
  const persistence = (aedes as unknown as { persistence: unknown }).persistence as { outgoingClearMessageId(client: Client, packet: { messageId: number }): Promise<unknown> };
  const clear = persistence.outgoingClearMessageId.bind(persistence);
  persistence.outgoingClearMessageId = (client, packet) => {
    hooks.puback(client, packet.messageId);
    return clear(client, packet);
  };

  aedes.on('client', (client) => {
    metrics.mqttConnections.inc();
    hooks.connected(client);
  });
  aedes.on('clientDisconnect', (client) => {
    metrics.mqttConnections.dec();
    hooks.disconnected(client);
  });
  aedes.on('clientError', (client, err) => log.debug({ clientId: client.id, err: err.message }, 'MQTT client error'));
  aedes.on('connectionError', (client, err) => log.debug({ clientId: client.id, err: err.message }, 'MQTT connection error'));

  const maxBytes = options.maxPacketBytes ?? 256 * 1024 + 4096;
  // Bounds what one connection can make the parser buffer: the 256 KB message plus its topic and headers.
  const guard = (socket: Socket) => limitIncomingPackets(socket, maxBytes, () => metrics.mqttRejected.inc({ reason: 'packet_too_large' }));
  const handleTcp = (socket: Socket) => {
    guard(socket);
    aedes.handle(socket);
  };

  const tlsOptions = () => ({ cert: options.tls!.cert, key: options.tls!.key, requestCert: true, rejectUnauthorized: false, ...(clientCas.length ? { ca: [...clientCas] } : {}) });
  let clientCas: readonly string[] = options.clientCas ?? [];
  const plain: NetServer = createNetServer(handleTcp);
  const secure: TlsServer | undefined = options.tls ? createTlsServer(tlsOptions(), handleTcp) : undefined;
  const wsHttp: HttpServer = createHttpServer((_req, res) => res.writeHead(426).end('MQTT over WebSocket only'));
  const wssHttp: HttpsServer | undefined = options.tls ? createHttpsServer(tlsOptions(), (_req, res) => res.writeHead(426).end('MQTT over WebSocket only')) : undefined;
  const sockets: WebSocketServer[] = [];
  for (const server of [wsHttp, wssHttp]) {
    if (!server) continue;
    // Sub-protocol 'mqtt' (MQTT 3.1.1 §6); any path, since IoT Hub clients use /$iothub/websocket and others /mqtt.
    const wss = new WebSocketServer({ server, maxPayload: maxBytes, handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : protocols.has('mqttv3.1') ? 'mqttv3.1' : false) });
    wss.on('connection', (ws, req: IncomingMessage) => {
      const stream = createWebSocketStream(ws);
      stream.on('error', () => undefined);
      aedes.handle(stream as never, req as never);
    });
    sockets.push(wss);
  }

  return {
    aedes,
    async listen({ host, port, tlsPort, wsPort, wssPort }) {
      const bound: BrokerPorts = {};
      if (port !== undefined) bound.port = await bind(plain, host, port, 'MQTT', '--mqtt-port', 'TWINWORKS_MQTT_PORT');
      if (secure && tlsPort !== undefined) bound.tlsPort = await bind(secure, host, tlsPort, 'MQTT over TLS', '--mqtts-port', 'TWINWORKS_MQTTS_PORT');
      if (wsPort !== undefined) bound.wsPort = await bind(wsHttp, host, wsPort, 'MQTT over WebSocket', '--mqtt-ws-port', 'TWINWORKS_MQTT_WS_PORT');
      if (wssHttp && wssPort !== undefined) bound.wssPort = await bind(wssHttp, host, wssPort, 'MQTT over secure WebSocket', '--mqtt-wss-port', 'TWINWORKS_MQTT_WSS_PORT');
      return bound;
    },
    setClientCas(cas) {
      clientCas = cas;
      secure?.setSecureContext(tlsOptions());
      wssHttp?.setSecureContext(tlsOptions());
    },
    async close() {
      for (const wss of sockets) for (const c of wss.clients) c.terminate();
      // Closing aedes first ends client connections, which server.close() would otherwise wait for.
      await new Promise<void>((r) => aedes.close(() => r()));
      await Promise.all([plain, secure, wsHttp, wssHttp].map((s) => (s ? closeServer(s) : Promise.resolve())));
    },
  };
}

function notAuthorized(): AuthenticateError {
  return Object.assign(new Error('not authorized'), { returnCode: 5 }) as AuthenticateError;
}

/**
 * Reads each packet's fixed header (MQTT 3.1.1 §2.2) as bytes pass by and destroys the socket when
 * a Remaining Length exceeds the limit, before the parser would buffer the whole packet.
 */
function limitIncomingPackets(socket: Socket, maxBytes: number, onRefuse: () => void): void {
  let skip = 0; // bytes of the current packet's body still to pass
  // Fixed-header state in plain numbers (no array per packet: this runs for every message).
  let headerBytes = 0; // bytes of the fixed header seen so far (type byte + length bytes)
  let len = 0;
  let mul = 1;
  socket.on('data', (chunk: Buffer) => {
    let i = 0;
    while (i < chunk.length) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length - i);
        skip -= n;
        i += n;
        continue;
      }
      const b = chunk[i++] as number;
      if (headerBytes++ === 0) continue; // the packet type byte
      len += (b & 0x7f) * mul;
      mul *= 128;
      if (b & 0x80 && headerBytes < 5) continue;
      if (len > maxBytes) {
        onRefuse();
        socket.destroy(new Error(`packet of ${len} bytes exceeds the ${maxBytes}-byte limit`));
        return;
      }
      skip = len;
      headerBytes = 0;
      len = 0;
      mul = 1;
    }
  });
}

function bind(server: NetServer | TlsServer | HttpServer | HttpsServer, host: string, port: number, what: string, flag: string, env: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(describeListenError(err, what, port, flag, env)));
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: NetServer | TlsServer | HttpServer | HttpsServer): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((r) => server.close(() => r()));
}
