/**
 * Topic names of the IoT Hub device protocol over MQTT ("Communicate with an IoT hub using the
 * MQTT protocol") and of the Device Provisioning Service, parsed and built. The hot path
 * (`parseTelemetryTopic`) avoids regular expressions and URL parsing.
 */

/** Property-bag keys IoT Hub reserves for system properties (MQTT support, §Sending device-to-cloud messages). */
export const SYSTEM_PROPERTY_KEYS: Readonly<Record<string, string>> = {
  '$.mid': 'message-id',
  '$.cid': 'correlation-id',
  '$.uid': 'user-id',
  '$.to': 'to',
  '$.ct': 'content-type',
  '$.ce': 'content-encoding',
  '$.exp': 'absolute-expiry-time',
  '$.ifid': 'interface-id',
  '$.on': 'output-name',
  '$.sub': 'dt-subject',
  '$.ctime': 'iothub-creation-time-utc',
  'iothub-creation-time-utc': 'iothub-creation-time-utc',
};

export interface PropertyBag {
  readonly system: Record<string, string>;
  readonly app: Record<string, string>;
}

function decode(s: string): string {
  if (s.indexOf('%') < 0 && s.indexOf('+') < 0) return s;
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** `a=1&$.ct=application%2Fjson` → system and application properties (keys and values URL-decoded). */
export function parsePropertyBag(bag: string): PropertyBag {
  const system: Record<string, string> = {};
  const app: Record<string, string> = {};
  if (bag.length === 0) return { system, app };
  for (const pair of bag.split('&')) {
    if (pair.length === 0) continue;
    const eq = pair.indexOf('=');
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
    const sys = SYSTEM_PROPERTY_KEYS[key];
    if (sys) system[sys] = value;
    else app[key] = value;
  }
  return { system, app };
}

export function encodePropertyBag(props: Readonly<Record<string, string>>): string {
  let out = '';
  for (const k of Object.keys(props)) out += `${out ? '&' : ''}${encodeURIComponent(k)}=${encodeURIComponent(props[k] as string)}`;
  return out;
}

const EVENTS = '/messages/events';

/**
 * `devices/{deviceId}/messages/events/{property bag}` (also `.../events` without a bag, and the
 * module form `devices/{d}/modules/{m}/messages/events/…`). Undefined when the topic is not telemetry.
 */
export function parseTelemetryTopic(topic: string): { deviceId: string; moduleId?: string; bag: string } | undefined {
  if (!topic.startsWith('devices/')) return undefined;
  const slash = topic.indexOf('/', 8);
  if (slash < 0) return undefined;
  const deviceId = topic.slice(8, slash);
  let rest = topic.slice(slash);
  let moduleId: string | undefined;
  if (rest.startsWith('/modules/')) {
    const end = rest.indexOf('/', 9);
    if (end < 0) return undefined;
    moduleId = rest.slice(9, end);
    rest = rest.slice(end);
  }
  if (!rest.startsWith(EVENTS)) return undefined;
  const tail = rest.slice(EVENTS.length);
  if (tail !== '' && tail[0] !== '/') return undefined;
  return { deviceId, ...(moduleId ? { moduleId } : {}), bag: tail.slice(1) };
}

/** `path/?a=1&b=2` → path segments and query parameters (for the low-rate `$iothub` and `$dps` topics). */
export function splitTopic(topic: string): { segments: string[]; params: URLSearchParams } {
  const q = topic.indexOf('?');
  const path = q < 0 ? topic : topic.slice(0, q);
  return { segments: path.split('/').filter((s) => s !== ''), params: new URLSearchParams(q < 0 ? '' : topic.slice(q + 1)) };
}

export type DeviceRequest =
  | { kind: 'twin_get'; rid: string }
  | { kind: 'twin_patch_reported'; rid: string; version?: number }
  | { kind: 'method_response'; rid: string; status: number };

/** The `$iothub/…` topics a device publishes to. */
export function parseDeviceRequest(topic: string): DeviceRequest | undefined {
  if (!topic.startsWith('$iothub/')) return undefined;
  const { segments, params } = splitTopic(topic);
  const rid = params.get('$rid') ?? '';
  if (segments[1] === 'twin') {
    if (segments[2] === 'GET' && segments.length === 3) return { kind: 'twin_get', rid };
    if (segments.slice(2).join('/') === 'PATCH/properties/reported') {
      const v = params.get('$version');
      return { kind: 'twin_patch_reported', rid, ...(v !== null && /^\d+$/.test(v) ? { version: Number(v) } : {}) };
    }
    return undefined;
  }
  if (segments[1] === 'methods' && segments[2] === 'res' && segments.length === 4) {
    const status = Number(segments[3]);
    return Number.isInteger(status) ? { kind: 'method_response', rid, status } : undefined;
  }
  return undefined;
}

export const deviceTopics = {
  c2dFilter: (deviceId: string) => `devices/${deviceId}/messages/devicebound/#`,
  c2d: (deviceId: string, props: Readonly<Record<string, string>>) => `devices/${deviceId}/messages/devicebound/${encodePropertyBag(props)}`,
  twinResponse: (status: number, rid: string, version?: number) => `$iothub/twin/res/${status}/?$rid=${rid}${version === undefined ? '' : `&$version=${version}`}`,
  desiredPatch: (version: number) => `$iothub/twin/PATCH/properties/desired/?$version=${version}`,
  methodRequest: (name: string, rid: string) => `$iothub/methods/POST/${name}/?$rid=${rid}`,
};

/** The subscriptions an IoT Hub device may make, besides its own C2D filter. */
export const DEVICE_FILTERS = ['$iothub/twin/res/#', '$iothub/twin/PATCH/properties/desired/#', '$iothub/methods/POST/#'] as const;

export type DpsRequest = { kind: 'register'; rid: string } | { kind: 'status'; rid: string; operationId: string };

/** `$dps/registrations/PUT/iotdps-register/?$rid=` and `$dps/registrations/GET/iotdps-get-operationstatus/?$rid=&operationId=`. */
export function parseDpsRequest(topic: string): DpsRequest | undefined {
  if (!topic.startsWith('$dps/registrations/')) return undefined;
  const { segments, params } = splitTopic(topic);
  const rid = params.get('$rid') ?? '';
  if (segments[2] === 'PUT' && segments[3] === 'iotdps-register') return { kind: 'register', rid };
  if (segments[2] === 'GET' && segments[3] === 'iotdps-get-operationstatus') {
    const operationId = params.get('operationId');
    return operationId ? { kind: 'status', rid, operationId } : undefined;
  }
  return undefined;
}

export const dpsTopics = {
  responseFilter: '$dps/registrations/res/#',
  response: (status: number, rid: string, retryAfterS?: number) => `$dps/registrations/res/${status}/?$rid=${rid}${retryAfterS === undefined ? '' : `&retry-after=${retryAfterS}`}`,
};

/** MQTT topic filter matching (MQTT 3.1.1 §4.7): `+` one level, `#` the rest (including none). */
export function topicMatches(filter: string, topic: string): boolean {
  // MQTT-4.7.2-1: wildcards at the first level do not match topics starting with '$'.
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return i < f.length - 1 ? false : true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}
