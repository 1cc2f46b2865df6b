/**
 * A test double of the platform's device front door: an in-process aedes broker on port 0 that
 * checks SAS tokens (with its own HMAC code, not the client's), answers DPS registrations and
 * device-twin requests, records telemetry, and lets a test invoke direct methods and patch desired
 * properties the way a back-end service would. Replies go to the one requesting connection
 * (client.publish), as IoT Hub's per-device topics do.
 */
import { createHmac } from 'node:crypto';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes, type Client } from 'aedes';

export interface RecordedTelemetry {
  readonly deviceId: string;
  readonly properties: Record<string, string>;
  readonly body: unknown;
}

export interface FakeHubOptions {
  readonly hostName?: string;
  readonly idScope?: string;
  /** Base64 enrollment-group key; devices registering through DPS derive theirs from it. */
  readonly groupKey?: string;
  /** Devices known up front (deviceId → base64 key), as from a device-keys file. */
  readonly deviceKeys?: Record<string, string>;
  readonly dpsRetryAfterS?: number;
  /** Answer this many registrations per device with 503 (a DPS busy with a mass start-up). */
  readonly dpsFailFirst?: number;
}

function verifySas(token: string, expectedResource: string, keyBase64: string, policy?: string): boolean {
  const m = /^SharedAccessSignature (.*)$/.exec(token);
  if (!m) return false;
  const fields = new Map(m[1]!.split('&').map((kv) => kv.split('=', 2) as [string, string]));
  const sr = fields.get('sr');
  const se = Number(fields.get('se'));
  const sig = fields.get('sig');
  if (!sr || !sig || decodeURIComponent(sr) !== expectedResource || !(se > Date.now() / 1000)) return false;
  if (policy !== undefined && fields.get('skn') !== policy) return false;
  const expected = createHmac('sha256', Buffer.from(keyBase64, 'base64')).update(`${sr}\n${se}`).digest('base64');
  return decodeURIComponent(sig) === expected;
}

export class FakeHub {
  readonly hostName: string;
  readonly idScope: string;
  readonly groupKey: string;
  readonly deviceKeys = new Map<string, string>();
  readonly telemetry: RecordedTelemetry[] = [];
  readonly reported = new Map<string, Record<string, unknown>>();
  readonly desired = new Map<string, Record<string, unknown>>();
  readonly refused: string[] = [];
  /** DPS registrations per registration id (retries included). */
  readonly registerAttempts = new Map<string, number>();
  url = '';
  private readonly clients = new Map<string, Client>();
  private readonly methodCalls = new Map<string, (r: { status: number; payload: unknown }) => void>();
  private nextRid = 1;
  private broker!: Aedes;
  private server!: Server;

  constructor(private readonly options: FakeHubOptions = {}) {
    this.hostName = options.hostName ?? 'hub.twinworks.test';
    this.idScope = options.idScope ?? '0ne0000TEST';
    this.groupKey = options.groupKey ?? Buffer.from('fake-hub-group-key').toString('base64');
    for (const [id, key] of Object.entries(options.deviceKeys ?? {})) this.deviceKeys.set(id, key);
  }

  async start(): Promise<this> {
    this.broker = await Aedes.createBroker({
      maxClientsIdLength: 128,
      authenticate: (client, username, password, done) => {
        const ok = this.authenticate(client.id, username ?? '', password?.toString('utf8') ?? '');
        if (!ok) this.refused.push(client.id);
        done(ok ? null : Object.assign(new Error('Not authorized'), { returnCode: 5 as const }), ok);
      },
    });
    this.broker.on('publish', (packet, client) => {
      if (client) this.onPublish(client, packet.topic, Buffer.from(packet.payload as Buffer));
    });
    this.broker.on('clientReady', (c) => this.clients.set(c.id, c));
    this.broker.on('clientDisconnect', (c) => {
      if (this.clients.get(c.id) === c) this.clients.delete(c.id);
    });
    this.server = createServer(this.broker.handle);
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `mqtt://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  get connectedDevices(): number {
    return this.clients.size;
  }

  private authenticate(clientId: string, username: string, password: string): boolean {
    const dps = `${this.idScope}/registrations/${clientId}/api-version=2019-03-31`;
    if (username === dps) {
      const key = createHmac('sha256', Buffer.from(this.groupKey, 'base64')).update(clientId).digest('base64');
      return verifySas(password, `${this.idScope}/registrations/${clientId}`, key, 'registration');
    }
    const key = this.deviceKeys.get(clientId);
    if (!key || !username.startsWith(`${this.hostName}/${clientId}/?api-version=2021-04-12`)) return false;
    return verifySas(password, `${this.hostName}/devices/${clientId}`, key);
  }

  private send(client: Client, topic: string, body: unknown): void {
    client.publish({ cmd: 'publish', topic, payload: Buffer.from(body === undefined ? '' : JSON.stringify(body)), qos: 0, retain: false, dup: false }, () => {});
  }

  private onPublish(client: Client, topic: string, payload: Buffer): void {
    const [path, query = ''] = topic.split('?', 2);
    const params = new URLSearchParams(query);
    const rid = params.get('$rid') ?? '';
    const id = client.id;
    if (path === '$dps/registrations/PUT/iotdps-register/') {
      const n = (this.registerAttempts.get(id) ?? 0) + 1;
      this.registerAttempts.set(id, n);
      if (n <= (this.options.dpsFailFirst ?? 0)) {
        this.send(client, `$dps/registrations/res/503/?$rid=${rid}`, { errorCode: 503000, message: 'service unavailable' });
        return;
      }
      this.send(client, `$dps/registrations/res/202/?$rid=${rid}&retry-after=${this.options.dpsRetryAfterS ?? 0}`, { operationId: `op-${id}`, status: 'assigning' });
    } else if (path === '$dps/registrations/GET/iotdps-get-operationstatus/') {
      this.deviceKeys.set(id, createHmac('sha256', Buffer.from(this.groupKey, 'base64')).update(id).digest('base64'));
      this.send(client, `$dps/registrations/res/200/?$rid=${rid}`, {
        operationId: params.get('operationId'), status: 'assigned',
        registrationState: { registrationId: id, assignedHub: this.hostName, deviceId: id, status: 'assigned', substatus: 'initialAssignment' },
      });
    } else if (path === '$iothub/twin/GET/') {
      this.send(client, `$iothub/twin/res/200/?$rid=${rid}`, { desired: this.desired.get(id) ?? { $version: 1 }, reported: this.reported.get(id) ?? { $version: 1 } });
    } else if (path === '$iothub/twin/PATCH/properties/reported/') {
      const doc = this.reported.get(id) ?? { $version: 1 };
      const next = { ...doc, ...(JSON.parse(payload.toString('utf8')) as Record<string, unknown>), $version: Number(doc.$version) + 1 };
      this.reported.set(id, next);
      this.send(client, `$iothub/twin/res/204/?$rid=${rid}&$version=${next.$version}`, undefined);
    } else if (path!.startsWith('$iothub/methods/res/')) {
      this.methodCalls.get(rid)?.({ status: Number(path!.split('/')[3]), payload: payload.length ? JSON.parse(payload.toString('utf8')) : null });
      this.methodCalls.delete(rid);
    } else if (path!.startsWith(`devices/${id}/messages/events/`)) {
      const bag = Object.fromEntries(new URLSearchParams(path!.slice(`devices/${id}/messages/events/`.length)));
      this.telemetry.push({ deviceId: id, properties: bag, body: JSON.parse(payload.toString('utf8')) });
    }
  }

  /** Invokes a direct method as a service would; resolves with the device's answer. */
  invokeMethod(deviceId: string, name: string, payload: unknown, timeoutMs = 5000): Promise<{ status: number; payload: unknown }> {
    const client = this.clients.get(deviceId);
    if (!client) return Promise.reject(new Error(`${deviceId} is not connected`));
    const rid = String(this.nextRid++);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${deviceId} did not answer ${name}`)), timeoutMs);
      this.methodCalls.set(rid, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.send(client, `$iothub/methods/POST/${name}/?$rid=${rid}`, payload);
    });
  }

  /** Changes desired properties and notifies the device, as the service-side twin API would. */
  patchDesired(deviceId: string, patch: Record<string, unknown>): void {
    const doc = this.desired.get(deviceId) ?? { $version: 1 };
    const version = Number(doc.$version) + 1;
    this.desired.set(deviceId, { ...doc, ...patch, $version: version });
    const client = this.clients.get(deviceId);
    if (client) this.send(client, `$iothub/twin/PATCH/properties/desired/?$version=${version}`, { ...patch, $version: version });
  }

  /** Polls `predicate` every 10 ms until it holds (bounded by `timeoutMs`). */
  async waitFor(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Drops every connection (to test reconnects) without stopping the listener. */
  kickAll(): void {
    for (const c of this.clients.values()) c.close();
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.broker.close(() => resolve()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
