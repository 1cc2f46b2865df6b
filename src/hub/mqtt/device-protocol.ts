/**
 * The device's own `$iothub/…` requests (IoT Hub MQTT support): twin GET, reported-property PATCH
 * and direct-method responses. Each request is answered on `$iothub/twin/res/{status}/?$rid=…`;
 * errors carry IoT Hub's `{ errorCode, message }` body so the SDKs surface the message.
 */
import type { Logger } from '../../observability/index.js';
import { HubErrors } from '../errors.js';
import type { DeviceRegistry } from '../registry/registry.js';
import { deviceTwinDocument, patchReported } from '../registry/twin.js';
import type { MethodInvoker } from '../methods/invoker.js';
import type { DeviceSession } from './sessions.js';
import { deviceTopics, parseDeviceRequest } from './topics.js';

export class DeviceProtocol {
  constructor(
    private readonly registry: DeviceRegistry,
    private readonly methods: MethodInvoker,
    private readonly logger: Logger,
    private readonly onReported?: (deviceId: string, patch: unknown) => void,
  ) {}

  /** False when the topic is not a device request (the caller refuses it). Answers asynchronously. */
  handle(session: DeviceSession, topic: string, payload: Buffer): boolean {
    const req = parseDeviceRequest(topic);
    if (!req) return false;
    switch (req.kind) {
      case 'twin_get':
        void this.twinGet(session, req.rid);
        return true;
      case 'twin_patch_reported':
        void this.patchReported(session, req.rid, payload);
        return true;
      case 'method_response':
        this.methods.response(session.deviceId, req.rid, req.status, payload);
        return true;
      default: {
        const never: never = req;
        throw new Error(`unhandled device request ${JSON.stringify(never)}`);
      }
    }
  }

  private async reply(session: DeviceSession, status: number, rid: string, body: unknown, version?: number): Promise<void> {
    const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
    await session.outbound.send(deviceTopics.twinResponse(status, rid, version), payload, 0).catch(() => undefined);
  }

  private async fail(session: DeviceSession, rid: string, err: unknown): Promise<void> {
    const status = HubErrors.is(err, 'device_not_found') ? 404 : HubErrors.is(err) && err.kind === 'invalid' ? 400 : 500;
    if (status === 500) this.logger.warn({ err, deviceId: session.deviceId }, 'twin request failed');
    await this.reply(session, status, rid, { errorCode: status * 1000 + 1, message: (err as Error).message });
  }

  private async twinGet(session: DeviceSession, rid: string): Promise<void> {
    try {
      const d = await this.registry.get(session.deviceId);
      session.device = d;
      await this.reply(session, 200, rid, deviceTwinDocument(d));
    } catch (err) {
      await this.fail(session, rid, err);
    }
  }

  private async patchReported(session: DeviceSession, rid: string, payload: Buffer): Promise<void> {
    try {
      let patch: unknown;
      try {
        patch = JSON.parse(payload.toString('utf8'));
      } catch {
        throw HubErrors.create('invalid_twin_patch', 'the reported-properties patch is not JSON', { deviceId: session.deviceId });
      }
      const now = new Date().toISOString();
      const d = await this.registry.mutate(session.deviceId, (rec) => patchReported(rec, patch, now));
      session.device = d;
      this.onReported?.(session.deviceId, patch);
      await this.reply(session, 204, rid, undefined, d.twin.reportedVersion);
    } catch (err) {
      await this.fail(session, rid, err);
    }
  }
}
