/**
 * A device's link to the broker, in one of two dialects: the IoT Hub device protocol (with direct
 * methods and the twin wired to the simulated machine) or plain MQTT topics (telemetry only).
 */
import type { IClientOptions } from 'mqtt';
import type { TelemetryMessage } from '../engine/telemetry.js';
import { IotHubDeviceClient, type MethodResponse } from './iothub-client.js';
import { MqttSession } from './session.js';
import { genericTopic } from './topics.js';

/** What a link needs from the simulated device (SimDevice implements it). */
export interface DeviceBinding {
  invokeMethod(name: string, payload: unknown): MethodResponse;
  applyDesired(desired: Readonly<Record<string, unknown>>): Record<string, unknown>;
  reportedProperties(): Record<string, unknown>;
}

export interface DeviceLink {
  readonly deviceId: string;
  readonly connected: boolean;
  readonly reconnects: number;
  /** Connects (and for IoT Hub: syncs the twin); rejects on a fatal refusal. */
  open(): Promise<void>;
  send(msg: TelemetryMessage): Promise<void>;
  /** Called on every (re)connection. */
  onConnect(listener: () => void): void;
  close(): Promise<void>;
}

/** The top-level properties of `after` whose JSON differs from `before`. */
function changedProperties(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(after)) if (JSON.stringify(v) !== JSON.stringify(before[k])) out[k] = v;
  return out;
}

export interface IotHubLinkOptions {
  readonly url: string;
  readonly hostName: string;
  readonly deviceId: string;
  readonly deviceKey: string;
  readonly binding: DeviceBinding;
  readonly modelId?: string;
  readonly keepaliveS?: number;
  readonly mqtt?: Partial<IClientOptions>;
}

export class IotHubLink implements DeviceLink {
  private readonly client: IotHubDeviceClient;

  constructor(private readonly options: IotHubLinkOptions) {
    this.client = new IotHubDeviceClient({
      url: options.url,
      hostName: options.hostName,
      deviceId: options.deviceId,
      deviceKey: options.deviceKey,
      ...(options.modelId ? { modelId: options.modelId } : {}),
      ...(options.keepaliveS !== undefined ? { keepaliveS: options.keepaliveS } : {}),
      ...(options.mqtt ? { mqtt: options.mqtt } : {}),
    });
    const b = options.binding;
    this.client.onMethod((name, payload) => {
      // A method can change a writable property (setSpeed sets targetSpeed): report the new value
      // back, as a Plug and Play device keeps its reported properties in line with what it does.
      const before = b.reportedProperties();
      const res = b.invokeMethod(name, payload);
      const changed = changedProperties(before, b.reportedProperties());
      if (Object.keys(changed).length > 0) this.client.patchReported(changed).catch(() => {});
      return res;
    });
    this.client.onDesired((patch) => {
      const ack = b.applyDesired(patch);
      if (Object.keys(ack).length > 0) this.client.patchReported(ack).catch(() => {});
    });
  }

  get deviceId(): string {
    return this.options.deviceId;
  }
  get connected(): boolean {
    return this.client.session.connected;
  }
  get reconnects(): number {
    return this.client.session.reconnects;
  }

  /** Connects, then does what a device does at start-up: read the twin, apply desired, report. */
  async open(): Promise<void> {
    await this.client.open();
    const twin = await this.client.getTwin();
    const ack = this.options.binding.applyDesired(twin.desired);
    await this.client.patchReported({ ...this.options.binding.reportedProperties(), ...ack });
  }

  send(msg: TelemetryMessage): Promise<void> {
    return this.client.sendTelemetry(msg.body, msg.body.timestamp);
  }

  onConnect(listener: () => void): void {
    this.client.session.client.on('connect', listener);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

export interface GenericLinkOptions {
  readonly url: string;
  readonly deviceId: string;
  readonly lineId: string;
  /** `factory/{line}/{machine}/telemetry` by default. */
  readonly topicTemplate?: string;
  readonly username?: string;
  readonly password?: string;
  readonly keepaliveS?: number;
  readonly mqtt?: Partial<IClientOptions>;
}

export const DEFAULT_TOPIC_TEMPLATE = 'factory/{line}/{machine}/telemetry';

export class GenericLink implements DeviceLink {
  private readonly session: MqttSession;
  private readonly topic: string;

  constructor(private readonly options: GenericLinkOptions) {
    this.topic = genericTopic(options.topicTemplate ?? DEFAULT_TOPIC_TEMPLATE, options.deviceId, options.lineId);
    const password = options.password;
    this.session = new MqttSession({
      url: options.url,
      clientId: options.deviceId,
      ...(options.username !== undefined ? { username: options.username } : {}),
      ...(password !== undefined ? { password: () => password } : {}),
      ...(options.keepaliveS !== undefined ? { keepaliveS: options.keepaliveS } : {}),
      ...(options.mqtt ? { mqtt: options.mqtt } : {}),
    });
  }

  get deviceId(): string {
    return this.options.deviceId;
  }
  get connected(): boolean {
    return this.session.connected;
  }
  get reconnects(): number {
    return this.session.reconnects;
  }

  open(): Promise<void> {
    return this.session.open();
  }

  send(msg: TelemetryMessage): Promise<void> {
    return this.session.publish(this.topic, JSON.stringify({ deviceId: msg.deviceId, ...msg.body }), 1);
  }

  onConnect(listener: () => void): void {
    this.session.client.on('connect', listener);
  }

  close(): Promise<void> {
    return this.session.close();
  }
}
