/**
 * Device twin rules (IoT Hub "Understand device twins"): tags, desired and reported properties are
 * JSON objects changed by JSON merge patches (RFC 7396: `null` removes a member); desired and
 * reported each carry their own `$version`, bumped on every change; the twin as a whole has an
 * etag and a version. Limits follow IoT Hub: depth 10, keys without '.', ' ', '$' or control
 * characters, 32 KB per property section, 8 KB of tags.
 */
import { HubErrors } from '../errors.js';
import type { JsonObject, JsonValue } from '../../bus/index.js';
import { etagOf, type DeviceRecord, type DeviceTwinState } from './device.js';

export const TWIN_LIMITS = { depth: 10, desiredBytes: 32 * 1024, reportedBytes: 32 * 1024, tagBytes: 8 * 1024, keyBytes: 1024 } as const;

type Section = 'tags' | 'desired' | 'reported';

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks a patch before it is applied; `null` values are allowed (they delete). */
export function checkTwinPatch(patch: unknown, section: Section): JsonObject {
  if (!isObject(patch)) throw HubErrors.create('invalid_twin_patch', `${section} must be a JSON object`, { section });
  walk(patch, section, 1);
  return patch;
}

function walk(obj: JsonObject, path: string, depth: number): void {
  if (depth > TWIN_LIMITS.depth) throw HubErrors.create('invalid_twin_patch', `${path} nests deeper than ${TWIN_LIMITS.depth} levels`, { path, limit: TWIN_LIMITS.depth });
  for (const [k, v] of Object.entries(obj)) {
    // eslint-disable-next-line no-control-regex
    if (k.length === 0 || /[.\s$\u0000-\u001f]/.test(k) || Buffer.byteLength(k) > TWIN_LIMITS.keyBytes) {
      throw HubErrors.create('invalid_twin_patch', `${path}: key ${JSON.stringify(k)} may not be empty or contain '.', '$', spaces or control characters`, { path, key: k });
    }
    if (isObject(v)) walk(v, `${path}.${k}`, depth + 1);
  }
}

/** RFC 7396 merge patch: objects merge member-wise, `null` removes, anything else replaces. */
export function mergePatch(target: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (isObject(v)) out[k] = mergePatch(isObject(out[k]) ? (out[k] as JsonObject) : {}, v);
    else out[k] = v as JsonValue;
  }
  return out;
}

function checkSize(obj: JsonObject, section: Section): void {
  const bytes = Buffer.byteLength(JSON.stringify(obj));
  const limit = section === 'tags' ? TWIN_LIMITS.tagBytes : section === 'desired' ? TWIN_LIMITS.desiredBytes : TWIN_LIMITS.reportedBytes;
  if (bytes > limit) throw HubErrors.create('invalid_twin_patch', `${section} would be ${bytes} bytes, more than ${limit}`, { section, bytes, limit });
}

function bumpTwin(t: DeviceTwinState, change: Partial<DeviceTwinState>): DeviceTwinState {
  const version = t.version + 1;
  return { ...t, ...change, version, etag: etagOf(version) };
}

export interface ServiceTwinPatch {
  readonly tags?: JsonObject;
  readonly desired?: JsonObject;
}

/** `PATCH /twins/{id}`: merges tags and desired properties. `desiredDelta` is what to tell the device. */
export function patchTwinFromService(d: DeviceRecord, patch: ServiceTwinPatch, now: string): { record: DeviceRecord; desiredDelta?: JsonObject } {
  let twin = d.twin;
  const change: { -readonly [K in keyof DeviceTwinState]?: DeviceTwinState[K] } = {};
  if (patch.tags) {
    const tags = mergePatch(twin.tags, checkTwinPatch(patch.tags, 'tags'));
    checkSize(tags, 'tags');
    change.tags = tags;
  }
  let desiredDelta: JsonObject | undefined;
  if (patch.desired && Object.keys(patch.desired).length > 0) {
    const desired = mergePatch(twin.desired, checkTwinPatch(patch.desired, 'desired'));
    checkSize(desired, 'desired');
    Object.assign(change, { desired, desiredVersion: twin.desiredVersion + 1, desiredUpdated: now });
    desiredDelta = patch.desired;
  }
  if (Object.keys(change).length === 0) return { record: d };
  twin = bumpTwin(twin, change);
  return { record: { ...d, twin }, ...(desiredDelta ? { desiredDelta } : {}) };
}

/** `PUT /twins/{id}`: replaces tags and desired properties; the device gets the whole new desired set. */
export function replaceTwinFromService(d: DeviceRecord, next: { tags?: JsonObject; desired?: JsonObject }, now: string): { record: DeviceRecord; desiredDelta?: JsonObject } {
  const tags = next.tags ? stripNulls(checkTwinPatch(next.tags, 'tags')) : d.twin.tags;
  checkSize(tags, 'tags');
  const change: Partial<DeviceTwinState> = { tags };
  let desiredDelta: JsonObject | undefined;
  if (next.desired) {
    const desired = stripNulls(checkTwinPatch(next.desired, 'desired'));
    checkSize(desired, 'desired');
    Object.assign(change, { desired, desiredVersion: d.twin.desiredVersion + 1, desiredUpdated: now });
    // Members that disappeared are sent as null so the device drops them too.
    desiredDelta = { ...Object.fromEntries(Object.keys(d.twin.desired).map((k) => [k, null])), ...desired };
  }
  return { record: { ...d, twin: bumpTwin(d.twin, change) }, ...(desiredDelta ? { desiredDelta } : {}) };
}

function stripNulls(o: JsonObject): JsonObject {
  return mergePatch({}, o);
}

/** A device's `$iothub/twin/PATCH/properties/reported` request. Returns the new reported `$version`. */
export function patchReported(d: DeviceRecord, patch: unknown, now: string): DeviceRecord {
  const reported = mergePatch(d.twin.reported, checkTwinPatch(patch, 'reported'));
  checkSize(reported, 'reported');
  return { ...d, twin: bumpTwin(d.twin, { reported, reportedVersion: d.twin.reportedVersion + 1, reportedUpdated: now }) };
}

/** What a device gets for `$iothub/twin/GET` (IoT Hub MQTT support, §Retrieving a device twin's properties). */
export function deviceTwinDocument(d: DeviceRecord): JsonObject {
  return {
    desired: { ...d.twin.desired, $version: d.twin.desiredVersion },
    reported: { ...d.twin.reported, $version: d.twin.reportedVersion },
  };
}

/** The service-side twin JSON (`GET /twins/{id}`), the shape `azure-iothub`'s Twin reads. */
export function twinView(d: DeviceRecord): JsonObject {
  return {
    deviceId: d.deviceId,
    etag: d.twin.etag,
    deviceEtag: etagOf(d.identityVersion),
    version: d.twin.version,
    status: d.status,
    statusReason: d.statusReason,
    statusUpdateTime: d.statusUpdatedTime,
    connectionState: d.connectionState,
    lastActivityTime: d.lastActivityTime,
    cloudToDeviceMessageCount: d.cloudToDeviceMessageCount,
    authenticationType: d.authentication.type,
    x509Thumbprint: { primaryThumbprint: d.authentication.x509Thumbprint?.primaryThumbprint ?? null, secondaryThumbprint: d.authentication.x509Thumbprint?.secondaryThumbprint ?? null },
    capabilities: { iotEdge: d.capabilities.iotEdge },
    ...(d.modelId ? { modelId: d.modelId } : {}),
    ...(d.twinId ? { twinId: d.twinId } : {}),
    tags: d.twin.tags,
    properties: {
      desired: { ...d.twin.desired, $metadata: { $lastUpdated: d.twin.desiredUpdated }, $version: d.twin.desiredVersion },
      reported: { ...d.twin.reported, $metadata: { $lastUpdated: d.twin.reportedUpdated }, $version: d.twin.reportedVersion },
    },
  };
}

/** Splits a service twin body `{ tags, properties: { desired } }`; reported properties are the device's alone. */
export function readServiceTwinBody(body: unknown): ServiceTwinPatch {
  if (!isObject(body)) throw HubErrors.create('invalid_twin_patch', 'the twin body must be a JSON object', {});
  const props = body['properties'];
  if (props !== undefined && !isObject(props)) throw HubErrors.create('invalid_twin_patch', 'properties must be an object', {});
  if (props && props['reported'] !== undefined) throw HubErrors.create('invalid_twin_patch', 'reported properties can only be set by the device', { path: 'properties.reported' });
  const tags = body['tags'];
  const desired = props?.['desired'];
  const out: { tags?: JsonObject; desired?: JsonObject } = {};
  if (tags !== undefined && tags !== null) out.tags = checkTwinPatch(tags, 'tags');
  if (desired !== undefined && desired !== null) {
    const d = { ...(desired as JsonObject) };
    delete d['$metadata'];
    delete d['$version'];
    out.desired = checkTwinPatch(d, 'desired');
  }
  return out;
}
