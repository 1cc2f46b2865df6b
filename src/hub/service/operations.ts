/**
 * What services can do to devices, whichever door they come through (IoT Hub service REST API,
 * the platform's own /api/hub routes, the CLI): registry changes, twin changes with desired-property
 * notifications, direct methods and C2D messages. Side effects on live connections live here:
 * disabling or deleting a device drops its connection, a desired change is pushed to the device.
 */
import type { JsonObject } from '../../bus/index.js';
import type { Logger } from '../../observability/index.js';
import type { DeviceRegistry } from '../registry/registry.js';
import type { DeviceInput, DeviceRecord } from '../registry/device.js';
import { patchTwinFromService, replaceTwinFromService, type ServiceTwinPatch } from '../registry/twin.js';
import type { SessionTable } from '../mqtt/sessions.js';
import { deviceTopics } from '../mqtt/topics.js';
import type { MethodInvoker, MethodRequest, MethodResult } from '../methods/invoker.js';
import type { C2dMessage, C2dQueue, SendC2d } from '../c2d/queue.js';

export class HubOperations {
  constructor(
    readonly registry: DeviceRegistry,
    private readonly sessions: SessionTable,
    private readonly methods: MethodInvoker,
    private readonly c2d: C2dQueue,
    private readonly logger: Logger,
  ) {}

  createDevice(input: DeviceInput): Promise<DeviceRecord> {
    return this.registry.create(input);
  }

  getDevice(deviceId: string): Promise<DeviceRecord> {
    return this.registry.get(deviceId);
  }

  listDevices(options: { after?: string; limit?: number } = {}): Promise<DeviceRecord[]> {
    return this.registry.list(options);
  }

  /**
   * IoT Hub `PUT /devices/{id}`: without If-Match it creates (hub.device_exists when the id is taken);
   * with If-Match (`*` or the identity etag) it replaces.
   */
  async putDevice(input: DeviceInput, ifMatch?: string): Promise<{ device: DeviceRecord; created: boolean }> {
    if (!ifMatch) return { device: await this.registry.create(input), created: true };
    const device = await this.registry.replace(input, ifMatch);
    this.afterIdentityChange(device);
    return { device, created: false };
  }

  async deleteDevice(deviceId: string, ifMatch?: string): Promise<void> {
    await this.registry.delete(deviceId, ifMatch);
    await this.c2d.purge(deviceId).catch(() => undefined);
    this.disconnect(deviceId, 'deleted');
  }

  async setStatus(deviceId: string, status: 'enabled' | 'disabled', reason?: string): Promise<DeviceRecord> {
    const d = await this.registry.setStatus(deviceId, status, reason);
    this.afterIdentityChange(d);
    return d;
  }

  regenerateKey(deviceId: string, which: 'primary' | 'secondary' | 'both'): Promise<DeviceRecord> {
    return this.registry.regenerateKey(deviceId, which);
  }

  private afterIdentityChange(d: DeviceRecord): void {
    const s = this.sessions.device(d.deviceId);
    if (!s) return;
    if (d.status === 'disabled') this.disconnect(d.deviceId, 'disabled');
    else s.device = d;
  }

  private disconnect(deviceId: string, why: string): void {
    const s = this.sessions.device(deviceId);
    if (!s) return;
    this.logger.info({ deviceId, why }, 'closing device connection');
    s.client.close();
  }

  getTwin(deviceId: string): Promise<DeviceRecord> {
    return this.registry.get(deviceId);
  }

  /** `PATCH /twins/{id}` (merge) or, with `replace`, `PUT /twins/{id}`; pushes desired changes to the device. */
  async updateTwin(deviceId: string, patch: ServiceTwinPatch, options: { ifMatch?: string; replace?: boolean } = {}): Promise<DeviceRecord> {
    let delta: JsonObject | undefined;
    const now = new Date().toISOString();
    const d = await this.registry.mutate(
      deviceId,
      (rec) => {
        const r = options.replace ? replaceTwinFromService(rec, patch, now) : patchTwinFromService(rec, patch, now);
        delta = r.desiredDelta;
        return r.record === rec ? undefined : r.record;
      },
      options.ifMatch ? { etag: options.ifMatch, of: 'twin' } : undefined,
    );
    const s = this.sessions.device(deviceId);
    if (s) {
      s.device = d;
      if (delta && s.subscribed.desired) {
        const body = Buffer.from(JSON.stringify({ ...delta, $version: d.twin.desiredVersion }));
        await s.outbound.send(deviceTopics.desiredPatch(d.twin.desiredVersion), body, 0).catch(() => undefined);
      }
    }
    return d;
  }

  invokeMethod(deviceId: string, req: MethodRequest): Promise<MethodResult> {
    return this.methods.invoke(deviceId, req);
  }

  sendC2d(deviceId: string, msg: SendC2d): Promise<C2dMessage> {
    return this.c2d.send(deviceId, msg);
  }

  listC2d(deviceId: string): Promise<C2dMessage[]> {
    return this.c2d.list(deviceId);
  }

  purgeC2d(deviceId: string): Promise<number> {
    return this.c2d.purge(deviceId);
  }

  isConnected(deviceId: string): boolean {
    return this.sessions.device(deviceId) !== undefined;
  }
}
