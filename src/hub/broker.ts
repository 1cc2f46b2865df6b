import { createServer as createNetServer, type Server as NetServer, type AddressInfo } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { Logger, Metrics } from '../observability/index.js';
import { describeListenError } from '../shared/listen-errors.js';

/**
 * Decides whether an MQTT CONNECT may proceed. Resolves to a principal-like identity, or
 * undefined to refuse with CONNACK "not authorized". The device hub supplies the real policy
 * (SAS tokens, X.509); the platform's first version accepts platform credentials.
 */
export type MqttAuthenticator = (clientId: string, username: string | undefined, password: string | undefined) => Promise<{ subject: string } | undefined>;

export interface EmbeddedBroker {
  readonly aedes: Aedes;
  listen(options: { host: string; port: number; tlsPort?: number | undefined }): Promise<{ port: number; tlsPort?: number }>;
  close(): Promise<void>;
}

export async function createEmbeddedBroker(options: {
  logger: Logger;
  metrics: Metrics;
  authenticate: MqttAuthenticator;
  tls?: { cert: string; key: string } | undefined;
}): Promise<EmbeddedBroker> {
  const log = options.logger.child({ context: 'mqtt' });
  const aedes = await Aedes.createBroker({
    // IoT Hub caps messages at 256 KB; the broker refuses larger packets outright.
    maxClientsIdLength: 128,
    authenticate: (client: Client, username: Readonly<string> | undefined, password: Readonly<Buffer> | undefined, done: (error: AuthenticateError | null, success: boolean | null) => void) => {
      options
        .authenticate(client.id, username, password?.toString('utf8'))
        .then((identity) => {
          if (identity) return done(null, true);
          options.metrics.mqttRejected.inc({ reason: 'not_authorized' });
          log.warn({ clientId: client.id, username }, 'MQTT connection refused: bad or missing credentials');
          const err = Object.assign(new Error('not authorized'), { returnCode: 5 }) as AuthenticateError;
          done(err, false);
        })
        .catch((err: unknown) => {
          options.metrics.mqttRejected.inc({ reason: 'auth_error' });
          log.warn({ clientId: client.id, err }, 'MQTT connection refused: authentication failed');
          done(Object.assign(new Error('not authorized'), { returnCode: 5 }) as AuthenticateError, false);
        });
    },
  });
  aedes.on('client', () => options.metrics.mqttConnections.inc());
  aedes.on('clientDisconnect', () => options.metrics.mqttConnections.dec());
  aedes.on('clientError', (client, err) => log.debug({ clientId: client.id, err: err.message }, 'MQTT client error'));

  const plain: NetServer = createNetServer(aedes.handle);
  const secure: TlsServer | undefined = options.tls ? createTlsServer({ cert: options.tls.cert, key: options.tls.key }, aedes.handle) : undefined;

  return {
    aedes,
    async listen({ host, port, tlsPort }) {
      const bound: { port: number; tlsPort?: number } = { port: await bind(plain, host, port, 'MQTT', '--mqtt-port', 'TWINWORKS_MQTT_PORT') };
      if (secure && tlsPort !== undefined) bound.tlsPort = await bind(secure, host, tlsPort, 'MQTT over TLS', '--mqtts-port', 'TWINWORKS_MQTTS_PORT');
      return bound;
    },
    async close() {
      // Closing aedes first ends client connections, which server.close() would otherwise wait for.
      await new Promise<void>((r) => aedes.close(() => r()));
      await Promise.all([closeServer(plain), secure ? closeServer(secure) : Promise.resolve()]);
    },
  };
}

function bind(server: NetServer | TlsServer, host: string, port: number, what: string, flag: string, env: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(describeListenError(err, what, port, flag, env)));
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: NetServer | TlsServer): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((r) => server.close(() => r()));
}
