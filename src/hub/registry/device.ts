/**
 * The device record: identity (IoT Hub "Device identity properties"), connection facts and the
 * device twin, stored together as one document in the `devices` collection, keyed by device id.
 * IoT Hub keeps identity and twin apart but versions them separately; so do we, inside one document
 * (`etag` for the identity, `twin.etag`/`twin.version` for the twin).
 */
import { randomUUID } from 'node:crypto';
import { HubErrors } from '../errors.js';
import { generateKey, isValidKey } from '../identity/sas.js';
import type { JsonObject } from '../../bus/index.js';

export type DeviceStatus = 'enabled' | 'disabled';
export type AuthType = 'sas' | 'selfSigned' | 'certificateAuthority' | 'none';
export type ConnectionState = 'Connected' | 'Disconnected';

export interface DeviceAuthentication {
  readonly type: AuthType;
  readonly symmetricKey?: { readonly primaryKey: string; readonly secondaryKey: string };
  /** SHA-1 or SHA-256 hex thumbprints of self-signed device certificates (colons and case ignored). */
  readonly x509Thumbprint?: { readonly primaryThumbprint: string | null; readonly secondaryThumbprint: string | null };
}

export interface DeviceTwinState {
  readonly etag: string;
  readonly version: number;
  readonly tags: JsonObject;
  /** Desired properties without `$version`/`$metadata` (kept beside them). */
  readonly desired: JsonObject;
  readonly desiredVersion: number;
  readonly desiredUpdated: string;
  readonly reported: JsonObject;
  readonly reportedVersion: number;
  readonly reportedUpdated: string;
}

export interface DeviceRecord {
  readonly deviceId: string;
  /** Distinguishes devices that reused a deleted device's id. */
  readonly generationId: string;
  readonly identityVersion: number;
  readonly status: DeviceStatus;
  readonly statusReason: string | null;
  readonly statusUpdatedTime: string;
  readonly authentication: DeviceAuthentication;
  readonly capabilities: { readonly iotEdge: boolean };
  readonly connectionState: ConnectionState;
  readonly connectionStateUpdatedTime: string;
  readonly lastActivityTime: string;
  readonly cloudToDeviceMessageCount: number;
  /** The twin in the graph this device feeds (set at provisioning or by the operator). */
  readonly twinId?: string;
  /** DTDL model the device declared (`model-id` in the MQTT user name, or the enrollment). */
  readonly modelId?: string;
  readonly twin: DeviceTwinState;
}

/** What a caller may set when creating or replacing a device (IoT Hub `PUT /devices/{id}` body). */
export interface DeviceInput {
  readonly deviceId: string;
  readonly status?: DeviceStatus;
  readonly statusReason?: string | null;
  readonly authentication?: {
    readonly type?: AuthType;
    readonly symmetricKey?: { readonly primaryKey?: string | null; readonly secondaryKey?: string | null } | null;
    readonly x509Thumbprint?: { readonly primaryThumbprint?: string | null; readonly secondaryThumbprint?: string | null } | null;
  } | null;
  readonly capabilities?: { readonly iotEdge?: boolean } | null;
  readonly twinId?: string | null;
  readonly modelId?: string | null;
  readonly tags?: JsonObject;
  readonly desired?: JsonObject;
}

const NEVER = '0001-01-01T00:00:00Z'; // what IoT Hub shows for "never happened"

// IoT Hub device ids: up to 128 characters, ASCII letters, digits and - . % _ * ? ! ( ) , : = @ $ '
// ("Understand the identity registry", §Device identity properties). '+' and '#' are left out: they
// are MQTT wildcards and would break topic filters.
const DEVICE_ID = /^[A-Za-z0-9\-.%_*?!(),:=@$']{1,128}$/;

export function checkDeviceId(id: unknown): string {
  if (typeof id !== 'string' || !DEVICE_ID.test(id)) {
    throw HubErrors.create('invalid_device_id', `device id ${JSON.stringify(id)} must be 1-128 characters of A-Z a-z 0-9 - . % _ * ? ! ( ) , : = @ $ '`, { deviceId: id });
  }
  return id;
}

export function etagOf(counter: number): string {
  return Buffer.from(String(counter)).toString('base64');
}

function normaliseThumbprint(t: string | null | undefined): string | null {
  if (!t) return null;
  const hex = t.replace(/:/g, '').toUpperCase();
  if (!/^[0-9A-F]{40}$|^[0-9A-F]{64}$/.test(hex)) throw HubErrors.create('invalid_device', 'an X.509 thumbprint is 40 (SHA-1) or 64 (SHA-256) hex digits', { thumbprint: t });
  return hex;
}

/** Builds the authentication block, generating keys the caller left out (IoT Hub does the same). */
export function resolveAuthentication(input: DeviceInput['authentication'], previous?: DeviceAuthentication): DeviceAuthentication {
  const thumbs = input?.x509Thumbprint;
  const primaryThumbprint = normaliseThumbprint(thumbs?.primaryThumbprint);
  const secondaryThumbprint = normaliseThumbprint(thumbs?.secondaryThumbprint);
  const type: AuthType = input?.type ?? (primaryThumbprint || secondaryThumbprint ? 'selfSigned' : 'sas');
  switch (type) {
    case 'sas': {
      const given = input?.symmetricKey;
      const primaryKey = given?.primaryKey || previous?.symmetricKey?.primaryKey || generateKey();
      const secondaryKey = given?.secondaryKey || previous?.symmetricKey?.secondaryKey || generateKey();
      for (const k of [primaryKey, secondaryKey]) {
        if (!isValidKey(k)) throw HubErrors.create('invalid_device', 'symmetric keys are base64 of 16 to 64 bytes', { field: 'authentication.symmetricKey' });
      }
      return { type, symmetricKey: { primaryKey, secondaryKey } };
    }
    case 'selfSigned':
      if (!primaryThumbprint && !secondaryThumbprint) throw HubErrors.create('invalid_device', 'selfSigned authentication needs a thumbprint', { field: 'authentication.x509Thumbprint' });
      return { type, x509Thumbprint: { primaryThumbprint, secondaryThumbprint } };
    case 'certificateAuthority':
    case 'none':
      return { type };
    default: {
      const never: never = type;
      throw HubErrors.create('invalid_device', `unknown authentication type ${JSON.stringify(never)}`, { allowed: ['sas', 'selfSigned', 'certificateAuthority', 'none'] });
    }
  }
}

export function newDeviceRecord(input: DeviceInput, now: string, twin: { tags: JsonObject; desired: JsonObject }): DeviceRecord {
  const deviceId = checkDeviceId(input.deviceId);
  const status = checkStatus(input.status ?? 'enabled');
  return {
    deviceId,
    generationId: randomUUID().replace(/-/g, '').slice(0, 18),
    identityVersion: 1,
    status,
    statusReason: input.statusReason ?? null,
    statusUpdatedTime: now,
    authentication: resolveAuthentication(input.authentication),
    capabilities: { iotEdge: input.capabilities?.iotEdge === true },
    connectionState: 'Disconnected',
    connectionStateUpdatedTime: NEVER,
    lastActivityTime: NEVER,
    cloudToDeviceMessageCount: 0,
    ...(input.twinId ? { twinId: input.twinId } : {}),
    ...(input.modelId ? { modelId: input.modelId } : {}),
    twin: { etag: etagOf(1), version: 1, tags: twin.tags, desired: twin.desired, desiredVersion: 1, desiredUpdated: now, reported: {}, reportedVersion: 1, reportedUpdated: now },
  };
}

export function checkStatus(s: unknown): DeviceStatus {
  if (s !== 'enabled' && s !== 'disabled') throw HubErrors.create('invalid_device', `status must be 'enabled' or 'disabled', not ${JSON.stringify(s)}`, { field: 'status' });
  return s;
}

/** Replaces the identity part (IoT Hub `PUT /devices/{id}` on an existing device). */
export function replaceIdentity(prev: DeviceRecord, input: DeviceInput, now: string): DeviceRecord {
  const status = checkStatus(input.status ?? prev.status);
  return {
    ...prev,
    identityVersion: prev.identityVersion + 1,
    status,
    statusReason: input.statusReason === undefined ? prev.statusReason : input.statusReason,
    statusUpdatedTime: status === prev.status ? prev.statusUpdatedTime : now,
    authentication: input.authentication === undefined ? prev.authentication : resolveAuthentication(input.authentication, prev.authentication),
    capabilities: { iotEdge: input.capabilities?.iotEdge ?? prev.capabilities.iotEdge },
    ...(input.twinId !== undefined ? { twinId: input.twinId ?? undefined } : {}),
    ...(input.modelId !== undefined ? { modelId: input.modelId ?? undefined } : {}),
  };
}

/** IoT Hub's JSON shape of a device identity (what `azure-iothub`'s Registry reads). */
export function deviceView(d: DeviceRecord): JsonObject {
  return {
    deviceId: d.deviceId,
    generationId: d.generationId,
    etag: etagOf(d.identityVersion),
    connectionState: d.connectionState,
    status: d.status,
    statusReason: d.statusReason,
    connectionStateUpdatedTime: d.connectionStateUpdatedTime,
    statusUpdatedTime: d.statusUpdatedTime,
    lastActivityTime: d.lastActivityTime,
    cloudToDeviceMessageCount: d.cloudToDeviceMessageCount,
    authentication: {
      type: d.authentication.type,
      symmetricKey: { primaryKey: d.authentication.symmetricKey?.primaryKey ?? null, secondaryKey: d.authentication.symmetricKey?.secondaryKey ?? null },
      x509Thumbprint: { primaryThumbprint: d.authentication.x509Thumbprint?.primaryThumbprint ?? null, secondaryThumbprint: d.authentication.x509Thumbprint?.secondaryThumbprint ?? null },
    },
    capabilities: { iotEdge: d.capabilities.iotEdge },
    ...(d.twinId ? { twinId: d.twinId } : {}),
    ...(d.modelId ? { modelId: d.modelId } : {}),
  };
}
