/**
 * The identity registry over the storage port. Devices are documents in the `devices` collection,
 * keyed by device id. The hub's other documents (C2D queues, enrollments) share the collection
 * under ids starting with '~', which no device id may contain and which sort after every device
 * id, so a device listing stops at the first '~'.
 *
 * Writes are read-modify-write with the store's expectVersion, retried on a conflict, so replicas
 * sharing one PostgreSQL store never lose each other's changes. Reads for authentication go through
 * a short-lived cache (connects and HTTP requests would otherwise read the store every time).
 */
import { StorageErrors, type StorageAdapter, type StoredDocument, type WriteOp } from '../../storage/index.js';
import { HubErrors } from '../errors.js';
import { checkDeviceId, etagOf, newDeviceRecord, replaceIdentity, type ConnectionState, type DeviceInput, type DeviceRecord } from './device.js';
import { generateKey } from '../identity/sas.js';
import type { JsonObject } from '../../bus/index.js';

export const INTERNAL_PREFIX = '~';

export interface RegistryOptions {
  readonly store: StorageAdapter;
  readonly now?: () => Date;
  /** How long an authentication read may be reused; default 2000 ms. */
  readonly cacheTtlMs?: number;
}

export type Mutation = (d: DeviceRecord) => DeviceRecord | undefined;

export class DeviceRegistry {
  private readonly store: StorageAdapter;
  private readonly now: () => Date;
  private readonly ttl: number;
  private readonly cache = new Map<string, { record: DeviceRecord; at: number }>();
  /** Last activity per device (epoch ms), written by flushActivity. */
  private readonly activity = new Map<string, number>();

  constructor(options: RegistryOptions) {
    this.store = options.store;
    this.now = options.now ?? (() => new Date());
    this.ttl = options.cacheTtlMs ?? 2000;
  }

  private iso(): string {
    return this.now().toISOString();
  }

  async create(input: DeviceInput): Promise<DeviceRecord> {
    const record = newDeviceRecord(input, this.iso(), { tags: input.tags ?? {}, desired: input.desired ?? {} });
    try {
      await this.store.write([{ op: 'put', collection: 'devices', id: record.deviceId, body: record, expectVersion: 'absent' }]);
    } catch (err) {
      if (StorageErrors.is(err, 'version_conflict')) throw HubErrors.create('device_exists', `device '${record.deviceId}' exists`, { deviceId: record.deviceId });
      throw err;
    }
    this.remember(record);
    return record;
  }

  /** Fresh from the store; undefined when absent. */
  async read(deviceId: string): Promise<DeviceRecord | undefined> {
    checkDeviceId(deviceId);
    const doc = await this.store.get('devices', deviceId);
    if (!doc) {
      this.cache.delete(deviceId);
      return undefined;
    }
    const record = this.withActivity(doc.body as DeviceRecord);
    this.remember(record);
    return record;
  }

  async get(deviceId: string): Promise<DeviceRecord> {
    const d = await this.read(deviceId);
    if (!d) throw HubErrors.create('device_not_found', `no device '${deviceId}'`, { deviceId });
    return d;
  }

  /** Possibly a few seconds old: for authenticating connects and HTTP requests. */
  async find(deviceId: string): Promise<DeviceRecord | undefined> {
    const hit = this.cache.get(deviceId);
    if (hit && Date.now() - hit.at < this.ttl) return hit.record;
    return this.read(deviceId);
  }

  private remember(record: DeviceRecord): void {
    if (this.cache.size > 100_000) this.cache.clear(); // bound memory; entries are cheap to reload
    this.cache.set(record.deviceId, { record, at: Date.now() });
  }

  private withActivity(d: DeviceRecord): DeviceRecord {
    const ms = this.activity.get(d.deviceId);
    if (ms === undefined) return d;
    const t = new Date(ms).toISOString();
    return t > d.lastActivityTime ? { ...d, lastActivityTime: t } : d;
  }

  async list(options: { after?: string; limit?: number } = {}): Promise<DeviceRecord[]> {
    const limit = Math.min(Math.max(options.limit ?? 1000, 1), 10_000);
    const docs = await this.store.list('devices', { ...(options.after ? { after: options.after } : {}), limit });
    return docs.filter((d) => !d.id.startsWith(INTERNAL_PREFIX)).map((d) => this.withActivity(d.body as DeviceRecord));
  }

  /**
   * Applies `fn` to the current record and stores the result, retrying on a concurrent change.
   * `fn` returning undefined means "no change". `ifMatch` is an identity or twin etag ('*' = any).
   */
  async mutate(deviceId: string, fn: Mutation, ifMatch?: { etag: string; of: 'identity' | 'twin' }): Promise<DeviceRecord> {
    for (let attempt = 0; ; attempt++) {
      const doc = await this.store.get('devices', checkDeviceId(deviceId));
      if (!doc) throw HubErrors.create('device_not_found', `no device '${deviceId}'`, { deviceId });
      const current = doc.body as DeviceRecord;
      if (ifMatch && ifMatch.etag !== '*') {
        const actual = ifMatch.of === 'identity' ? etagOf(current.identityVersion) : current.twin.etag;
        if (actual !== ifMatch.etag) throw HubErrors.create('etag_mismatch', `device '${deviceId}' ${ifMatch.of} is at etag ${actual}, not ${ifMatch.etag}`, { deviceId, expected: ifMatch.etag, actual });
      }
      const next = fn(current);
      if (!next) return this.withActivity(current);
      try {
        await this.store.write([{ op: 'put', collection: 'devices', id: deviceId, body: next, expectVersion: doc.version }]);
        this.remember(next);
        return this.withActivity(next);
      } catch (err) {
        if (!StorageErrors.is(err, 'version_conflict') || attempt >= 8) throw err;
      }
    }
  }

  async replace(input: DeviceInput, ifMatch?: string): Promise<DeviceRecord> {
    const now = this.iso();
    return this.mutate(input.deviceId, (d) => replaceIdentity(d, input, now), ifMatch ? { etag: ifMatch, of: 'identity' } : undefined);
  }

  async delete(deviceId: string, ifMatch?: string): Promise<DeviceRecord> {
    for (let attempt = 0; ; attempt++) {
      const doc: StoredDocument | undefined = await this.store.get('devices', checkDeviceId(deviceId));
      if (!doc) throw HubErrors.create('device_not_found', `no device '${deviceId}'`, { deviceId });
      const d = doc.body as DeviceRecord;
      if (ifMatch && ifMatch !== '*' && etagOf(d.identityVersion) !== ifMatch) {
        throw HubErrors.create('etag_mismatch', `device '${deviceId}' is at etag ${etagOf(d.identityVersion)}`, { deviceId, expected: ifMatch });
      }
      try {
        await this.store.write([{ op: 'delete', collection: 'devices', id: deviceId, expectVersion: doc.version }]);
        this.cache.delete(deviceId);
        this.activity.delete(deviceId);
        return d;
      } catch (err) {
        if (!StorageErrors.is(err, 'version_conflict') || attempt >= 8) throw err;
      }
    }
  }

  async setStatus(deviceId: string, status: 'enabled' | 'disabled', reason?: string): Promise<DeviceRecord> {
    const now = this.iso();
    return this.mutate(deviceId, (d) =>
      d.status === status && (reason === undefined || reason === d.statusReason)
        ? undefined
        : { ...d, status, statusReason: reason ?? d.statusReason, statusUpdatedTime: now, identityVersion: d.identityVersion + 1 },
    );
  }

  async regenerateKey(deviceId: string, which: 'primary' | 'secondary' | 'both'): Promise<DeviceRecord> {
    return this.mutate(deviceId, (d) => {
      if (d.authentication.type !== 'sas' || !d.authentication.symmetricKey) {
        throw HubErrors.create('invalid_device', `device '${deviceId}' does not use symmetric keys`, { deviceId, authentication: d.authentication.type });
      }
      const k = d.authentication.symmetricKey;
      const symmetricKey = {
        primaryKey: which === 'secondary' ? k.primaryKey : generateKey(),
        secondaryKey: which === 'primary' ? k.secondaryKey : generateKey(),
      };
      return { ...d, identityVersion: d.identityVersion + 1, authentication: { ...d.authentication, symmetricKey } };
    });
  }

  /**
   * Applies one mutation per device in a few store batches (one getMany and one atomic write per
   * 500 devices) instead of a read and a write each: connect storms and activity flushes would
   * otherwise queue thousands of single writes in front of the telemetry appends. Devices that
   * changed meanwhile (version conflict) are retried one by one; missing devices are skipped.
   */
  async mutateMany(changes: ReadonlyMap<string, Mutation>): Promise<number> {
    let written = 0;
    const ids = [...changes.keys()];
    for (let i = 0; i < ids.length; i += 500) {
      const docs = await this.store.getMany('devices', ids.slice(i, i + 500));
      const ops: WriteOp[] = [];
      const next: DeviceRecord[] = [];
      for (const doc of docs) {
        const r = changes.get(doc.id)!(doc.body as DeviceRecord);
        if (!r) continue;
        ops.push({ op: 'put', collection: 'devices', id: doc.id, body: r, expectVersion: doc.version });
        next.push(r);
      }
      if (ops.length === 0) continue;
      try {
        await this.store.write(ops);
        for (const r of next) this.remember(r);
        written += ops.length;
      } catch (err) {
        if (!StorageErrors.is(err, 'version_conflict')) throw err;
        for (const op of ops) {
          await this.mutate(op.id, changes.get(op.id)!).then(
            () => written++,
            (e: unknown) => {
              if (!HubErrors.is(e, 'device_not_found')) throw e;
            },
          );
        }
      }
    }
    return written;
  }

  /** Queued and written in batches a few milliseconds later; the state written is the latest asked for. */
  setConnectionState(deviceId: string, state: ConnectionState): Promise<void> {
    this.stateQueue.set(deviceId, { state, at: this.iso() });
    this.stateFlush ??= new Promise<void>((resolve, reject) => {
      setTimeout(() => {
        const batch = new Map([...this.stateQueue].map(([id, s]) => [id, ((d: DeviceRecord) => (d.connectionState === s.state ? undefined : { ...d, connectionState: s.state, connectionStateUpdatedTime: s.at })) as Mutation]));
        this.stateQueue.clear();
        this.stateFlush = undefined;
        this.mutateMany(batch).then(() => resolve(), reject);
      }, 20);
    });
    return this.stateFlush;
  }

  private readonly stateQueue = new Map<string, { state: ConnectionState; at: string }>();
  private stateFlush: Promise<void> | undefined;

  /** Notes activity in memory; `flushActivity` writes it (every few seconds, not per message). */
  touch(deviceId: string, ms: number): void {
    this.activity.set(deviceId, ms);
  }

  async flushActivity(): Promise<number> {
    const pending = new Map(this.activity);
    const written = await this.mutateMany(
      new Map(
        [...pending].map(([id, ms]) => {
          const time = new Date(ms).toISOString();
          return [id, ((d: DeviceRecord) => (d.lastActivityTime >= time ? undefined : { ...d, lastActivityTime: time })) as Mutation];
        }),
      ),
    );
    for (const [id, time] of pending) if (this.activity.get(id) === time) this.activity.delete(id);
    return written;
  }

  async setTwinLink(deviceId: string, twinId: string | undefined, modelId?: string): Promise<DeviceRecord> {
    return this.mutate(deviceId, (d) => {
      if (d.twinId === twinId && (modelId === undefined || d.modelId === modelId)) return undefined;
      const next: DeviceRecord = { ...d, identityVersion: d.identityVersion + 1, ...(modelId ? { modelId } : {}) };
      if (twinId === undefined) delete (next as { twinId?: string }).twinId;
      else (next as { twinId?: string }).twinId = twinId;
      return next;
    });
  }

  /** Used by provisioning: initial tags/desired from the enrollment. */
  async createOrUpdateFromEnrollment(input: DeviceInput & { tags?: JsonObject; desired?: JsonObject }): Promise<DeviceRecord> {
    const existing = await this.read(input.deviceId);
    if (!existing) {
      try {
        return await this.create(input);
      } catch (err) {
        if (!HubErrors.is(err, 'device_exists')) throw err;
      }
    }
    return this.replace(input);
  }
}
