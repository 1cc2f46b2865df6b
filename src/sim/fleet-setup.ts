/**
 * Wires a plant's devices to broker links: IoT Hub devices provisioned through DPS (group key) or
 * with known keys, or generic MQTT topics. Each IoT Hub link forwards direct methods and desired
 * properties to the simulated machine's device API.
 */
import type { IClientOptions } from 'mqtt';
import { SimErrors } from './errors.js';
import type { MachineType } from './engine/machine-types.js';
import type { Plant } from './engine/plant.js';
import type { TelemetryMessage } from './engine/telemetry.js';
import { provisionDevice } from './transport/dps-client.js';
import { Fleet } from './transport/fleet.js';
import { GenericLink, IotHubLink, type DeviceBinding, type DeviceLink } from './transport/links.js';

export interface MqttTarget {
  readonly url: string;
  /** Default 'iothub'. */
  readonly protocol?: 'iothub' | 'generic';
  /** IoT Hub: register every device through DPS with this enrollment group. */
  readonly dps?: { readonly idScope: string; readonly groupKey: string };
  /** IoT Hub: device keys (deviceId → base64 key) for devices registered up front. */
  readonly deviceKeys?: Readonly<Record<string, string>>;
  /** IoT Hub host name in usernames and SAS tokens when not assigned by DPS (default: the URL's host). */
  readonly hubHostName?: string;
  /** Generic: topic template (`factory/{line}/{machine}/telemetry`). */
  readonly topicTemplate?: string;
  readonly username?: string;
  readonly password?: string;
  /** IoT Plug and Play model id per machine type, announced at connect and in the DPS payload. */
  readonly modelIds?: Partial<Record<MachineType, string>>;
  readonly rampPerSecond?: number;
  readonly maxConnecting?: number;
  readonly maxInflight?: number;
  readonly maxQueue?: number;
  readonly keepaliveS?: number;
  /** DPS: tries per device before it counts as failed (default 6; transient failures only). */
  readonly provisioningAttempts?: number;
  readonly mqtt?: Partial<IClientOptions>;
}

/** CONNACK codes retrying cannot fix (MQTT 3.1.1 §3.2.2.3: 1 protocol, 2 identifier, 4 credentials, 5 not authorised). */
const REFUSED = new Set([1, 2, 4, 5]);

/**
 * Whether a provisioning or start-up failure is worth another try, as a field device would: no answer
 * in time, a lost connection, or a DPS server-side error (5xx) may pass; refused credentials, an
 * unknown scope or a disabled or failed registration (DPS 4xx, status failed/disabled) will not.
 */
export function isRetryable(err: unknown): boolean {
  if (SimErrors.is(err, 'request_timeout')) return true;
  if (SimErrors.is(err, 'connection_failed')) return !REFUSED.has(Number(err.details.returnCode));
  if (SimErrors.is(err, 'provisioning_failed')) {
    const status = err.details.status;
    return status === undefined || (typeof status === 'number' && status >= 500);
  }
  return false;
}

/**
 * Provisions through DPS on first open, then behaves as an IoT Hub link. Transient failures (see
 * isRetryable) are retried with exponential backoff and jitter, up to `attempts` tries, so a busy hub
 * during a mass start-up slows provisioning down instead of losing devices for the whole run.
 */
class ProvisionedLink implements DeviceLink {
  private inner: IotHubLink | undefined;
  private closed = false;
  private readonly listeners: Array<() => void> = [];

  constructor(
    readonly deviceId: string,
    private readonly target: MqttTarget,
    private readonly binding: DeviceBinding,
    private readonly modelId: string | undefined,
  ) {}

  get connected(): boolean {
    return this.inner?.connected ?? false;
  }
  get reconnects(): number {
    return this.inner?.reconnects ?? 0;
  }

  async open(): Promise<void> {
    const attempts = this.target.provisioningAttempts ?? 6;
    // Bounded: `attempts` tries.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.openOnce();
        return;
      } catch (err) {
        await this.inner?.close().catch(() => {});
        this.inner = undefined;
        if (this.closed || attempt >= attempts || !isRetryable(err)) throw err;
        const delay = Math.min(60_000, 1000 * 2 ** (attempt - 1)) * (0.5 + Math.random() * 0.5);
        await new Promise((r) => setTimeout(r, delay));
        if (this.closed) throw err;
      }
    }
  }

  private async openOnce(): Promise<void> {
    const dps = this.target.dps!;
    const a = await provisionDevice({
      url: this.target.url, idScope: dps.idScope, registrationId: this.deviceId, groupKey: dps.groupKey,
      ...(this.modelId ? { payload: { modelId: this.modelId } } : {}),
      ...(this.target.mqtt ? { mqtt: this.target.mqtt } : {}),
    });
    this.inner = new IotHubLink({
      url: this.target.url, hostName: a.assignedHub, deviceId: a.deviceId, deviceKey: a.deviceKey, binding: this.binding,
      ...(this.modelId ? { modelId: this.modelId } : {}),
      ...(this.target.keepaliveS !== undefined ? { keepaliveS: this.target.keepaliveS } : {}),
      ...(this.target.mqtt ? { mqtt: this.target.mqtt } : {}),
    });
    for (const l of this.listeners) this.inner.onConnect(l);
    await this.inner.open();
  }

  send(msg: TelemetryMessage): Promise<void> {
    if (!this.inner) return Promise.reject(new Error(`${this.deviceId} is not provisioned yet`));
    return this.inner.send(msg);
  }

  onConnect(listener: () => void): void {
    this.listeners.push(listener);
    this.inner?.onConnect(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.inner?.close();
  }
}

export function buildLinks(plant: Plant, target: MqttTarget): DeviceLink[] {
  const protocol = target.protocol ?? 'iothub';
  const keepalive = target.keepaliveS !== undefined ? { keepaliveS: target.keepaliveS } : {};
  const extra = target.mqtt ? { mqtt: target.mqtt } : {};
  return plant.machines.map((m): DeviceLink => {
    if (protocol === 'generic') {
      return new GenericLink({
        url: target.url, deviceId: m.id, lineId: m.lineId, ...keepalive, ...extra,
        ...(target.topicTemplate ? { topicTemplate: target.topicTemplate } : {}),
        ...(target.username !== undefined ? { username: target.username } : {}),
        ...(target.password !== undefined ? { password: target.password } : {}),
      });
    }
    const binding = plant.device(m.id);
    const modelId = target.modelIds?.[m.type];
    if (target.dps) return new ProvisionedLink(m.id, target, binding, modelId);
    const key = target.deviceKeys?.[m.id];
    if (!key) {
      throw SimErrors.create('invalid_option', `no key for device ${m.id}: give --dps-scope and --dps-group-key, or a --device-keys file listing it`, { deviceId: m.id });
    }
    return new IotHubLink({
      url: target.url, hostName: target.hubHostName ?? new URL(target.url).hostname, deviceId: m.id, deviceKey: key, binding,
      ...(modelId ? { modelId } : {}), ...keepalive, ...extra,
    });
  });
}

export async function connectFleet(plant: Plant, target: MqttTarget, log: (line: string) => void): Promise<Fleet> {
  const links = buildLinks(plant, target);
  let reported = 0;
  return new Fleet(links, {
    ...(target.rampPerSecond !== undefined ? { rampPerSecond: target.rampPerSecond } : {}),
    ...(target.maxConnecting !== undefined ? { maxConnecting: target.maxConnecting } : {}),
    ...(target.maxInflight !== undefined ? { maxInflight: target.maxInflight } : {}),
    ...(target.maxQueue !== undefined ? { maxQueue: target.maxQueue } : {}),
    onError: (deviceId, err) => {
      // Bounded logging: the first 20 errors, then one line per 1,000.
      if (++reported <= 20 || reported % 1000 === 0) log(`device ${deviceId}: ${err.message} (${reported} errors so far)`);
    },
  });
}
