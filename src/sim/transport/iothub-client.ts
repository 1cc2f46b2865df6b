/**
 * A device client for the Azure IoT Hub MQTT device protocol (MQTT 3.1.1, api-version 2021-04-12):
 * telemetry, cloud-to-device messages, direct methods and the device twin. Device side only.
 *
 *   CONNECT  clientId = deviceId, username = {hub}/{deviceId}/?api-version=2021-04-12,
 *            password = SAS token over {hub}/devices/{deviceId}
 *   D2C      devices/{deviceId}/messages/events/{property bag}
 *   C2D      devices/{deviceId}/messages/devicebound/#
 *   methods  $iothub/methods/POST/{name}/?$rid={rid}  →  $iothub/methods/res/{status}/?$rid={rid}
 *   twin     $iothub/twin/GET/?$rid=  and  $iothub/twin/PATCH/properties/reported/?$rid=
 *            answered on $iothub/twin/res/{status}/?$rid=[&$version=]; desired-property patches
 *            arrive on $iothub/twin/PATCH/properties/desired/?$version=
 */
import type { IClientOptions } from 'mqtt';
import { SimErrors } from '../errors.js';
import { deviceSasToken } from './sas.js';
import { MqttSession } from './session.js';
import { iothubTopics, parseDesiredPatch, parseMethodRequest, parseTwinResponse } from './topics.js';

export interface IotHubDeviceOptions {
  /** Broker address: mqtt://host:1883 or mqtts://host:8883. */
  readonly url: string;
  /** The hub host name that goes into the username and the SAS resource. */
  readonly hostName: string;
  readonly deviceId: string;
  /** Base64 symmetric device key. */
  readonly deviceKey: string;
  readonly tokenTtlS?: number;
  /** IoT Plug and Play model id announced in the username. */
  readonly modelId?: string;
  readonly keepaliveS?: number;
  readonly requestTimeoutMs?: number;
  readonly backoffMinMs?: number;
  readonly backoffMaxMs?: number;
  readonly mqtt?: Partial<IClientOptions>;
}

export interface MethodResponse {
  readonly status: number;
  readonly payload: unknown;
}
export type MethodHandler = (name: string, payload: unknown) => MethodResponse | Promise<MethodResponse>;
export type DesiredHandler = (patch: Record<string, unknown>, version: number | undefined) => void;
export type C2dHandler = (payload: Buffer, topic: string) => void;

export interface TwinDocument {
  readonly desired: Record<string, unknown>;
  readonly reported: Record<string, unknown>;
}

interface Pending {
  resolve(r: { status: number; version?: number; body: Buffer }): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

function parseJson(buf: Buffer): unknown {
  if (buf.length === 0) return null;
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    return buf.toString('utf8');
  }
}

export class IotHubDeviceClient {
  readonly session: MqttSession;
  private nextRid = 1;
  private readonly pending = new Map<string, Pending>();
  private methodHandler: MethodHandler | undefined;
  private desiredHandler: DesiredHandler | undefined;
  private c2dHandler: C2dHandler | undefined;

  constructor(private readonly options: IotHubDeviceOptions) {
    const ttl = options.tokenTtlS ?? 3600;
    this.session = new MqttSession({
      url: options.url,
      clientId: options.deviceId,
      username: iothubTopics.username(options.hostName, options.deviceId, options.modelId),
      password: () => deviceSasToken(options.hostName, options.deviceId, options.deviceKey, Date.now() / 1000 + ttl),
      ...(options.keepaliveS !== undefined ? { keepaliveS: options.keepaliveS } : {}),
      ...(options.backoffMinMs !== undefined ? { backoffMinMs: options.backoffMinMs } : {}),
      ...(options.backoffMaxMs !== undefined ? { backoffMaxMs: options.backoffMaxMs } : {}),
      ...(options.mqtt ? { mqtt: options.mqtt } : {}),
    });
    this.session.client.on('message', (topic, payload) => this.onMessage(topic, payload));
  }

  get deviceId(): string {
    return this.options.deviceId;
  }

  /** Connects and subscribes to methods, twin responses, desired patches and C2D messages. */
  async open(): Promise<void> {
    await this.session.open();
    await this.session.client.subscribeAsync({
      [iothubTopics.methodsFilter]: { qos: 0 },
      [iothubTopics.twinResponseFilter]: { qos: 0 },
      [iothubTopics.twinDesiredFilter]: { qos: 0 },
      [iothubTopics.c2dFilter(this.options.deviceId)]: { qos: 1 },
    });
  }

  onMethod(handler: MethodHandler): void {
    this.methodHandler = handler;
  }

  onDesired(handler: DesiredHandler): void {
    this.desiredHandler = handler;
  }

  onC2d(handler: C2dHandler): void {
    this.c2dHandler = handler;
  }

  /** QoS 1 telemetry; resolves on PUBACK. `creationTime` sets iothub-creation-time-utc (source time). */
  async sendTelemetry(body: unknown, creationTime?: string, properties: Readonly<Record<string, string>> = {}): Promise<void> {
    const props: Record<string, string> = { '$.ct': 'application/json', '$.ce': 'utf-8', ...properties };
    if (creationTime) props['iothub-creation-time-utc'] = creationTime;
    await this.session.publish(iothubTopics.telemetry(this.options.deviceId, props), JSON.stringify(body), 1);
  }

  async getTwin(): Promise<TwinDocument> {
    const rid = String(this.nextRid++);
    const res = await this.request(rid, iothubTopics.twinGet(rid), '');
    if (res.status !== 200) throw SimErrors.create('request_timeout', `twin GET answered ${res.status}`, { deviceId: this.deviceId, status: res.status });
    const doc = parseJson(res.body) as Partial<TwinDocument> | null;
    return { desired: doc?.desired ?? {}, reported: doc?.reported ?? {} };
  }

  /** Sends a reported-properties patch; resolves with the new reported version. */
  async patchReported(patch: Readonly<Record<string, unknown>>): Promise<number | undefined> {
    const rid = String(this.nextRid++);
    const res = await this.request(rid, iothubTopics.twinPatchReported(rid), JSON.stringify(patch));
    if (res.status < 200 || res.status > 299) {
      throw SimErrors.create('request_timeout', `reported patch answered ${res.status}`, { deviceId: this.deviceId, status: res.status });
    }
    return res.version;
  }

  private request(rid: string, topic: string, payload: string): Promise<{ status: number; version?: number; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const timeoutMs = this.options.requestTimeoutMs ?? 30_000;
      const timer = setTimeout(() => {
        this.pending.delete(rid);
        reject(SimErrors.create('request_timeout', `${this.deviceId}: no answer to ${topic} within ${timeoutMs} ms`, { deviceId: this.deviceId, topic }));
      }, timeoutMs);
      this.pending.set(rid, { resolve, reject, timer });
      this.session.publish(topic, payload, 0).catch((err: Error) => {
        clearTimeout(timer);
        this.pending.delete(rid);
        reject(err);
      });
    });
  }

  private onMessage(topic: string, payload: Buffer): void {
    const twin = parseTwinResponse(topic);
    if (twin) {
      const p = this.pending.get(twin.rid);
      if (p) {
        clearTimeout(p.timer);
        this.pending.delete(twin.rid);
        p.resolve({ status: twin.status, ...(twin.version !== undefined ? { version: twin.version } : {}), body: payload });
      }
      return;
    }
    const method = parseMethodRequest(topic);
    if (method) {
      void this.answerMethod(method.name, method.rid, parseJson(payload));
      return;
    }
    const desired = parseDesiredPatch(topic);
    if (desired) {
      const patch = parseJson(payload);
      if (patch && typeof patch === 'object') this.desiredHandler?.(patch as Record<string, unknown>, desired.version);
      return;
    }
    if (topic.startsWith(`devices/${this.options.deviceId}/messages/devicebound/`)) this.c2dHandler?.(payload, topic);
  }

  private async answerMethod(name: string, rid: string, payload: unknown): Promise<void> {
    let res: MethodResponse;
    try {
      res = this.methodHandler ? await this.methodHandler(name, payload) : { status: 501, payload: { error: 'no method handler' } };
    } catch (err) {
      res = { status: 500, payload: { error: (err as Error).message } };
    }
    await this.session.publish(iothubTopics.methodResponse(res.status, rid), JSON.stringify(res.payload ?? null), 0).catch(() => {});
  }

  async close(): Promise<void> {
    for (const [rid, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(SimErrors.create('request_timeout', `${this.deviceId}: client closed`, { rid }));
    }
    this.pending.clear();
    await this.session.close();
  }
}
