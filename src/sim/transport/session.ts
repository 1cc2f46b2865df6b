/**
 * One device's MQTT connection, with the behaviour a well-behaved field device needs: a fresh
 * password (SAS token) on every connect, reconnection with exponential backoff and jitter instead of
 * a fixed retry period (so ten thousand devices do not reconnect in lock-step), and a clear
 * difference between retryable failures (network) and fatal ones (credentials refused).
 */
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { SimErrors } from '../errors.js';

export interface SessionOptions {
  readonly url: string;
  readonly clientId: string;
  readonly username?: string;
  /** Called before every connect attempt: SAS tokens expire. */
  readonly password?: () => string;
  readonly keepaliveS?: number;
  /** Reconnect after a lost or failed connection (default true). False: one attempt only. */
  readonly reconnect?: boolean;
  readonly backoffMinMs?: number;
  readonly backoffMaxMs?: number;
  /** Extra mqtt.js options (TLS settings and the like). */
  readonly mqtt?: Partial<IClientOptions>;
}

/** MQTT 3.1.1 CONNACK return codes that retrying cannot fix. */
const FATAL_CONNACK = new Set([1, 2, 4, 5]);

export class MqttSession {
  readonly client: MqttClient;
  private attempt = 0;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private firstConnect: Promise<void>;
  reconnects = 0;
  lastError: Error | undefined;

  constructor(private readonly options: SessionOptions) {
    this.client = connect(options.url, {
      clientId: options.clientId,
      protocolVersion: 4,
      clean: true,
      keepalive: options.keepaliveS ?? 60,
      reconnectPeriod: 0, // we schedule reconnects ourselves, with backoff
      connectTimeout: 30_000,
      queueQoSZero: false,
      manualConnect: true,
      ...(options.username !== undefined ? { username: options.username } : {}),
      ...(options.password ? { password: options.password() } : {}),
      ...options.mqtt,
    });
    this.firstConnect = new Promise<void>((resolve, reject) => {
      const onConnect = () => {
        this.attempt = 0;
        resolve();
      };
      this.client.on('connect', onConnect);
      this.client.on('error', (err: Error & { code?: string | number }) => {
        this.lastError = err;
        if (typeof err.code === 'number' && FATAL_CONNACK.has(err.code)) {
          this.closed = true;
          reject(SimErrors.create('connection_failed', `${options.clientId}: broker refused the connection: ${err.message}`, { clientId: options.clientId, returnCode: err.code }, err));
          this.client.end(true);
        }
      });
      this.client.on('close', () => {
        if (this.closed) return;
        if (this.options.reconnect === false) {
          this.closed = true;
          reject(SimErrors.create('connection_failed', `${options.clientId}: could not connect to ${options.url}: ${this.lastError?.message ?? 'closed'}`, { clientId: options.clientId, url: options.url }, this.lastError));
          return;
        }
        this.scheduleReconnect();
      });
    });
    // Avoid an unhandled rejection when the caller never awaits open().
    this.firstConnect.catch(() => {});
    this.client.connect();
  }

  get connected(): boolean {
    return this.client.connected;
  }

  /** Resolves on the first successful CONNACK; rejects if the broker refuses the credentials. */
  open(): Promise<void> {
    return this.firstConnect;
  }

  private scheduleReconnect(): void {
    if (this.timer) return;
    const min = this.options.backoffMinMs ?? 1000;
    const max = this.options.backoffMaxMs ?? 60_000;
    const delay = Math.min(max, min * 2 ** Math.min(this.attempt, 16)) * (0.5 + Math.random() * 0.5);
    this.attempt++;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.closed) return;
      this.reconnects++;
      if (this.options.password) this.client.options.password = this.options.password();
      this.client.reconnect();
    }, delay);
    this.timer.unref?.();
  }

  async publish(topic: string, payload: string | Buffer, qos: 0 | 1): Promise<void> {
    await this.client.publishAsync(topic, payload, { qos });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.client.endAsync(true);
  }
}
