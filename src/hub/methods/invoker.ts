/**
 * Direct methods (IoT Hub "Understand and invoke direct methods"): the hub publishes
 * `$iothub/methods/POST/{name}/?$rid={rid}` to the device and waits for
 * `$iothub/methods/res/{status}/?$rid={rid}`. The device must be connected and subscribed to
 * `$iothub/methods/POST/#`; with `connectTimeoutInSeconds` the call first waits that long for it.
 * Limits as IoT Hub: response timeout 5-300 s, connect timeout 0-300 s, payload up to 128 KB.
 */
import { HubErrors } from '../errors.js';
import { deviceTopics } from '../mqtt/topics.js';
import type { DeviceSession, SessionTable } from '../mqtt/sessions.js';
import type { HubMetrics } from '../metrics.js';

export interface MethodRequest {
  readonly methodName: string;
  readonly payload?: unknown;
  readonly responseTimeoutInSeconds?: number;
  readonly connectTimeoutInSeconds?: number;
}

export interface MethodResult {
  readonly status: number;
  readonly payload: unknown;
}

interface Pending {
  readonly deviceId: string;
  resolve(r: MethodResult): void;
  reject(e: Error): void;
  readonly timer: NodeJS.Timeout;
}

const NAME = /^[A-Za-z0-9_\-.:]{1,128}$/;

export class MethodInvoker {
  private readonly pending = new Map<string, Pending>();
  private next = 1;

  constructor(
    private readonly sessions: SessionTable,
    private readonly metrics: HubMetrics,
  ) {}

  async invoke(deviceId: string, req: MethodRequest): Promise<MethodResult> {
    if (typeof req.methodName !== 'string' || !NAME.test(req.methodName)) {
      throw HubErrors.create('invalid_device', `method name ${JSON.stringify(req.methodName)} must be 1-128 characters of letters, digits, _ - . :`, { methodName: req.methodName });
    }
    const responseS = req.responseTimeoutInSeconds ?? 30;
    const connectS = req.connectTimeoutInSeconds ?? 0;
    if (!(responseS >= 5 && responseS <= 300) || !(connectS >= 0 && connectS <= 300)) {
      throw HubErrors.create('invalid_device', 'responseTimeoutInSeconds must be 5-300 and connectTimeoutInSeconds 0-300', { responseTimeoutInSeconds: responseS, connectTimeoutInSeconds: connectS });
    }
    const body = Buffer.from(JSON.stringify(req.payload === undefined ? null : req.payload));
    if (body.length > 128 * 1024) throw HubErrors.create('message_too_large', `method payload of ${body.length} bytes exceeds 128 KB`, { bytes: body.length });

    const session = await this.waitForSubscriber(deviceId, connectS * 1000);
    if (!session) {
      this.metrics.methods.inc({ outcome: 'not_online' });
      throw HubErrors.create('device_not_online', `device '${deviceId}' is not connected or not subscribed to direct methods`, { deviceId });
    }
    const rid = (this.next++).toString(16);
    return new Promise<MethodResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(rid);
        this.metrics.methods.inc({ outcome: 'timeout' });
        reject(HubErrors.create('method_timeout', `device '${deviceId}' did not answer ${req.methodName} within ${responseS} s`, { deviceId, methodName: req.methodName, timeoutSeconds: responseS }));
      }, responseS * 1000);
      this.pending.set(rid, { deviceId, resolve, reject, timer });
      session.outbound.send(deviceTopics.methodRequest(req.methodName, rid), body, 0).catch((err: Error) => {
        clearTimeout(timer);
        this.pending.delete(rid);
        reject(HubErrors.create('device_not_online', `device '${deviceId}' went away: ${err.message}`, { deviceId }));
      });
    });
  }

  private async waitForSubscriber(deviceId: string, waitMs: number): Promise<DeviceSession | undefined> {
    const until = Date.now() + waitMs;
    for (;;) {
      const s = this.sessions.device(deviceId);
      if (s?.subscribed.methods) return s;
      const left = until - Date.now();
      if (left <= 0) return undefined;
      await this.sessions.waitForChange(deviceId, left);
    }
  }

  /** A device's `$iothub/methods/res/{status}/?$rid=` message. Answers from another device are ignored. */
  response(deviceId: string, rid: string, status: number, body: Buffer): void {
    const p = this.pending.get(rid);
    if (!p || p.deviceId !== deviceId) return;
    this.pending.delete(rid);
    clearTimeout(p.timer);
    let payload: unknown = null;
    if (body.length > 0) {
      try {
        payload = JSON.parse(body.toString('utf8'));
      } catch {
        payload = body.toString('utf8');
      }
    }
    this.metrics.methods.inc({ outcome: 'answered' });
    p.resolve({ status, payload });
  }

  close(): void {
    for (const [rid, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(HubErrors.create('closed', 'the hub is shutting down', {}));
      this.pending.delete(rid);
    }
  }
}
