/**
 * Who is on each MQTT connection, and the hub's own outbound channel to device connections.
 * Device connections get twin responses, method requests and C2D messages written directly
 * (see packet.ts) with packet identifiers this class owns, so a PUBACK can complete a C2D message.
 * Nothing else publishes to a device connection: devices may only subscribe to their own topics and
 * nobody may publish to those through the broker.
 */
import type { Client } from 'aedes';
import { encodePublish } from './packet.js';
import type { DeviceRecord } from '../registry/device.js';

export type AuthMethod = 'sas' | 'key' | 'x509';

export interface DeviceSession {
  readonly kind: 'device';
  readonly deviceId: string;
  readonly client: Client;
  readonly auth: AuthMethod;
  /** 'iothub' when the user name follows IoT Hub's `{host}/{deviceId}/?api-version=…`. */
  readonly dialect: 'iothub' | 'generic';
  readonly modelId?: string;
  /** The record as of connect (for routing enrichments and bindings); refreshed on twin changes. */
  device: DeviceRecord;
  readonly connectedAt: number;
  readonly subscribed: { c2d: boolean; methods: boolean; desired: boolean; twin: boolean };
  readonly outbound: Outbound;
  /** Messages of this connection still in the pipeline (a refusal waits for them, see front.ts). */
  pending: number;
  /** Called when `pending` drops to 0, while a refusal waits for it. */
  drained?: (() => void) | undefined;
  /** The last telemetry topic and its parsed property bag (read-only: shared by its messages). */
  lastTelemetry?: { readonly topic: string; readonly system: Readonly<Record<string, string>>; readonly app: Readonly<Record<string, string>> } | undefined;
}

export interface DpsSession {
  readonly kind: 'dps';
  readonly registrationId: string;
  readonly client: Client;
  /** Which enrollment authenticated the connection. */
  readonly enrollment: { readonly kind: 'individual' | 'group'; readonly id: string };
  readonly outbound: Outbound;
}

export interface PrincipalSession {
  readonly kind: 'principal';
  readonly subject: string;
  readonly client: Client;
}

export type Session = DeviceSession | DpsSession | PrincipalSession;

/** Writes PUBLISH packets to one connection and matches PUBACKs to them. */
export class Outbound {
  private nextId = 1;
  private readonly inflight = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private closedReason: string | undefined;

  constructor(private readonly client: Client) {}

  /** QoS 0 resolves once written; QoS 1 once the client's PUBACK arrives. Rejects if the connection ends first. */
  send(topic: string, payload: Buffer | string, qos: 0 | 1): Promise<void> {
    if (this.closedReason) return Promise.reject(new Error(`connection closed: ${this.closedReason}`));
    const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    const conn = this.client.conn as unknown as { write(b: Buffer): boolean; destroyed?: boolean };
    if (conn.destroyed) return Promise.reject(new Error('connection closed'));
    if (qos === 0) {
      conn.write(encodePublish(topic, body, 0));
      return Promise.resolve();
    }
    const id = this.allocate();
    return new Promise<void>((resolve, reject) => {
      this.inflight.set(id, { resolve, reject });
      conn.write(encodePublish(topic, body, 1, id));
    });
  }

  private allocate(): number {
    for (let tries = 0; tries < 65535; tries++) {
      const id = this.nextId;
      this.nextId = id >= 65535 ? 1 : id + 1;
      if (!this.inflight.has(id)) return id;
    }
    throw new Error('no free packet identifier');
  }

  /** Called for every PUBACK on this connection. */
  acked(packetId: number): void {
    const w = this.inflight.get(packetId);
    if (!w) return;
    this.inflight.delete(packetId);
    w.resolve();
  }

  get pending(): number {
    return this.inflight.size;
  }

  close(reason: string): void {
    this.closedReason = reason;
    for (const w of this.inflight.values()) w.reject(new Error(`connection closed: ${reason}`));
    this.inflight.clear();
  }
}

/** Sessions by client and device connections by device id (IoT Hub allows one connection per device). */
export class SessionTable {
  private readonly byClient = new WeakMap<Client, Session>();
  private readonly devices = new Map<string, DeviceSession>();
  private readonly waiters = new Map<string, Set<() => void>>();

  set(client: Client, session: Session): void {
    this.byClient.set(client, session);
  }

  get(client: Client): Session | undefined {
    return this.byClient.get(client);
  }

  /** Makes the session the device's live connection (called on 'client', after any takeover). */
  activate(session: DeviceSession): void {
    this.devices.set(session.deviceId, session);
    this.notify(session.deviceId);
  }

  /** Removes the client's session; returns it when it was the device's live connection. */
  remove(client: Client): Session | undefined {
    const s = this.byClient.get(client);
    if (!s) return undefined;
    this.byClient.delete(client);
    if (s.kind === 'dps') s.outbound.close('disconnected');
    if (s.kind !== 'device') return s;
    s.outbound.close('disconnected');
    if (this.devices.get(s.deviceId) === s) this.devices.delete(s.deviceId);
    return s;
  }

  device(deviceId: string): DeviceSession | undefined {
    return this.devices.get(deviceId);
  }

  get deviceCount(): number {
    return this.devices.size;
  }

  allDevices(): IterableIterator<DeviceSession> {
    return this.devices.values();
  }

  /** Resolves when the device's session changes (connects, subscribes), or after `ms`. */
  waitForChange(deviceId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let set = this.waiters.get(deviceId);
      if (!set) this.waiters.set(deviceId, (set = new Set()));
      const done = () => {
        clearTimeout(timer);
        set!.delete(done);
        if (set!.size === 0) this.waiters.delete(deviceId);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
  }

  notify(deviceId: string): void {
    for (const w of [...(this.waiters.get(deviceId) ?? [])]) w();
  }
}
