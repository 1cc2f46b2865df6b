/**
 * Cloud-to-device messages (IoT Hub "Send cloud-to-device messages"): a durable, bounded queue per
 * device in the store (`devices` collection, ids `~c2d/{deviceId}/{µs sequence}-{random}`),
 * delivered over MQTT at QoS 1 on `devices/{id}/messages/devicebound/{properties}` once the device
 * subscribes. The device's PUBACK completes a message (IoT Hub's MQTT semantics), which removes it
 * and publishes `device.message_feedback` (completed). Messages past their expiry, or delivered
 * `maxDeliveryCount` times without a PUBACK, are removed with feedback `expired` / `rejected`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { EventBus } from '../../bus/index.js';
import type { StorageAdapter } from '../../storage/index.js';
import { HubErrors } from '../errors.js';
import type { DeviceRegistry } from '../registry/registry.js';
import { deviceTopics } from '../mqtt/topics.js';
import type { DeviceSession } from '../mqtt/sessions.js';
import type { HubMetrics } from '../metrics.js';

export interface C2dConfig {
  readonly maxQueuePerDevice: number;
  readonly ttlSeconds: number;
  readonly maxDeliveryCount: number;
}

export interface C2dMessage {
  readonly messageId: string;
  readonly deviceId: string;
  /** Base64 of the payload bytes. */
  readonly body: string;
  readonly properties: Readonly<Record<string, string>>;
  readonly correlationId?: string;
  readonly enqueuedTime: string;
  readonly expiryTime: string;
  readonly deliveryCount: number;
}

export interface SendC2d {
  readonly body: Buffer | string;
  readonly properties?: Readonly<Record<string, string>>;
  readonly messageId?: string;
  readonly correlationId?: string;
  readonly ttlSeconds?: number;
}

const prefix = (deviceId: string) => `~c2d/${deviceId}/`;

export class C2dQueue {
  /** Microseconds since the epoch, strictly increasing per process: ids sort in send order. */
  private lastSeq = 0;
  private readonly pumping = new Set<string>();
  private readonly again = new Set<string>();

  constructor(
    private readonly store: StorageAdapter,
    private readonly registry: DeviceRegistry,
    private readonly bus: EventBus,
    private readonly config: C2dConfig,
    private readonly metrics: HubMetrics,
    private readonly session: (deviceId: string) => DeviceSession | undefined,
  ) {}

  async list(deviceId: string): Promise<C2dMessage[]> {
    const docs = await this.store.list('devices', { prefix: prefix(deviceId), limit: 10_000 });
    return docs.map((d) => d.body as C2dMessage);
  }

  async send(deviceId: string, msg: SendC2d): Promise<C2dMessage> {
    await this.registry.get(deviceId); // device_not_found otherwise
    const queued = await this.list(deviceId);
    if (queued.length >= this.config.maxQueuePerDevice) {
      this.metrics.c2d.inc({ outcome: 'queue_full' });
      throw HubErrors.create('c2d_queue_full', `device '${deviceId}' has ${queued.length} undelivered messages (limit ${this.config.maxQueuePerDevice})`, { deviceId, limit: this.config.maxQueuePerDevice });
    }
    const now = Date.now();
    const ttl = Math.min(msg.ttlSeconds ?? this.config.ttlSeconds, 48 * 3600);
    const body = typeof msg.body === 'string' ? Buffer.from(msg.body, 'utf8') : msg.body;
    if (body.length > 64 * 1024) throw HubErrors.create('message_too_large', `C2D messages are limited to 64 KB, this one has ${body.length} bytes`, { bytes: body.length });
    const message: C2dMessage = {
      messageId: msg.messageId ?? randomUUID(),
      deviceId,
      body: body.toString('base64'),
      properties: msg.properties ?? {},
      ...(msg.correlationId ? { correlationId: msg.correlationId } : {}),
      enqueuedTime: new Date(now).toISOString(),
      expiryTime: new Date(now + ttl * 1000).toISOString(),
      deliveryCount: 0,
    };
    this.lastSeq = Math.max(this.lastSeq + 1, now * 1000);
    const id = `${prefix(deviceId)}${String(this.lastSeq).padStart(17, '0')}-${randomBytes(3).toString('hex')}`;
    await this.store.write([{ op: 'put', collection: 'devices', id, body: message, expectVersion: 'absent' }]);
    this.metrics.c2d.inc({ outcome: 'queued' });
    await this.updateCount(deviceId, queued.length + 1);
    const s = this.session(deviceId);
    if (s?.subscribed.c2d) this.pump(s);
    return message;
  }

  /** Removes every queued message of the device (IoT Hub "purge queue"); returns how many. */
  async purge(deviceId: string): Promise<number> {
    const docs = await this.store.list('devices', { prefix: prefix(deviceId), limit: 10_000 });
    if (docs.length > 0) await this.store.write(docs.map((d) => ({ op: 'delete' as const, collection: 'devices' as const, id: d.id })));
    await this.updateCount(deviceId, 0);
    return docs.length;
  }

  private async updateCount(deviceId: string, n: number): Promise<void> {
    await this.registry.mutate(deviceId, (d) => (d.cloudToDeviceMessageCount === n ? undefined : { ...d, cloudToDeviceMessageCount: n })).catch(() => undefined);
  }

  /** Delivers the device's queue in order, one message at a time, while the session lasts. */
  pump(session: DeviceSession): void {
    const { deviceId } = session;
    if (this.pumping.has(deviceId)) {
      this.again.add(deviceId);
      return;
    }
    this.pumping.add(deviceId);
    void this.deliver(session)
      .catch(() => undefined)
      .finally(() => {
        this.pumping.delete(deviceId);
        if (this.again.delete(deviceId) && this.session(deviceId) === session) this.pump(session);
      });
  }

  private async deliver(session: DeviceSession): Promise<void> {
    const { deviceId } = session;
    const docs = await this.store.list('devices', { prefix: prefix(deviceId), limit: this.config.maxQueuePerDevice * 2 });
    let remaining = docs.length;
    for (const doc of docs) {
      if (this.session(deviceId) !== session) return;
      const m = doc.body as C2dMessage;
      if (Date.parse(m.expiryTime) <= Date.now()) {
        await this.finish(doc.id, m, 'expired');
        remaining--;
        continue;
      }
      if (m.deliveryCount >= this.config.maxDeliveryCount) {
        await this.finish(doc.id, m, 'rejected');
        remaining--;
        continue;
      }
      const attempt: C2dMessage = { ...m, deliveryCount: m.deliveryCount + 1 };
      await this.store.write([{ op: 'put', collection: 'devices', id: doc.id, body: attempt, expectVersion: doc.version }]);
      const props: Record<string, string> = { ...m.properties, '$.mid': m.messageId, '$.to': `/devices/${deviceId}/messages/deviceBound` };
      if (m.correlationId) props['$.cid'] = m.correlationId;
      try {
        await session.outbound.send(deviceTopics.c2d(deviceId, props), Buffer.from(m.body, 'base64'), 1);
      } catch {
        this.metrics.c2d.inc({ outcome: 'interrupted' });
        return; // the connection ended before the PUBACK: the message stays queued for the next connection
      }
      await this.finish(doc.id, attempt, 'completed');
      remaining--;
    }
    await this.updateCount(deviceId, Math.max(0, remaining));
  }

  private async finish(id: string, m: C2dMessage, status: 'completed' | 'expired' | 'rejected'): Promise<void> {
    await this.store.write([{ op: 'delete', collection: 'devices', id }]);
    this.metrics.c2d.inc({ outcome: status });
    await this.bus.publish('device.message_feedback', { deviceId: m.deviceId, messageId: m.messageId, status, deliveryCount: m.deliveryCount, time: new Date().toISOString() }, { key: m.deviceId });
  }
}
