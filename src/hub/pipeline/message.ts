/**
 * The one message shape every source produces (embedded MQTT, external broker, HTTP), and the
 * decoding steps every message goes through: size and content checks, JSON parsing, and the two
 * timestamps (source time from the message, arrival time from the hub; both are kept).
 */
import { HubErrors } from '../errors.js';
import type { DeviceRecord } from '../registry/device.js';

export const MAX_MESSAGE_BYTES = 256 * 1024; // IoT Hub's device-to-cloud limit

export interface IncomingMessage {
  readonly deviceId: string;
  readonly source: 'mqtt' | 'http' | 'external';
  readonly topic?: string;
  readonly body: Buffer;
  /** System properties by their IoT Hub names: content-type, content-encoding, message-id, … */
  readonly system: Readonly<Record<string, string>>;
  /** Application properties (the property bag, HTTP `iothub-app-*` headers, MQTT 5 user properties). */
  readonly app: Readonly<Record<string, string>>;
  readonly arrivalMs: number;
  /** Read the body as JSON when the message does not declare a content type (generic topics). */
  readonly assumeJson?: boolean;
  /** The registry record, when the source already has it (connected sessions do). */
  readonly device?: DeviceRecord;
}

export interface DecodedMessage extends IncomingMessage {
  /** The parsed body when it is JSON; undefined for opaque bodies. */
  readonly json: unknown;
  readonly sourceMs: number;
}

/** IoT Hub routing treats a body as JSON when content-type is application/json (with any +json suffix). */
function declaresJson(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const ct = contentType.toLowerCase();
  return ct.startsWith('application/json') || /^application\/[a-z0-9.+-]*\+json/.test(ct);
}

function looksLikeJson(body: Buffer): boolean {
  for (let i = 0; i < body.length && i < 16; i++) {
    const c = body[i] as number;
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    return c === 0x7b || c === 0x5b; // '{' or '['
  }
  return false;
}

const MIN_TIME = Date.UTC(1970, 0, 1);
const MAX_TIME = Date.UTC(9999, 11, 31);

function parseTime(v: unknown): number | undefined {
  let ms: number | undefined;
  if (typeof v === 'string' && v.length >= 10 && v.length <= 40) ms = Date.parse(v);
  else if (typeof v === 'number' && Number.isFinite(v)) ms = v;
  return ms !== undefined && Number.isFinite(ms) && ms >= MIN_TIME && ms <= MAX_TIME ? ms : undefined;
}

/**
 * Checks and decodes a message (adding `json` and `sourceMs` to the object the source created). Throws hub.message_too_large or hub.malformed_message (a body that
 * declares JSON but is not). An undeclared body that looks like JSON is parsed when it can be and
 * otherwise kept as opaque bytes.
 */
export function decodeMessage(m: IncomingMessage): DecodedMessage {
  if (m.body.length > MAX_MESSAGE_BYTES) {
    throw HubErrors.create('message_too_large', `message of ${m.body.length} bytes exceeds ${MAX_MESSAGE_BYTES}`, { deviceId: m.deviceId, bytes: m.body.length, limit: MAX_MESSAGE_BYTES });
  }
  const ct = m.system['content-type'];
  const declared = declaresJson(ct) || (!ct && m.assumeJson === true);
  let json: unknown;
  if (declared || (!ct && looksLikeJson(m.body))) {
    try {
      json = JSON.parse(m.body.toString('utf8'));
    } catch (err) {
      if (declared) throw HubErrors.create('malformed_message', `body is not JSON: ${(err as Error).message}`, { deviceId: m.deviceId, contentType: ct ?? 'application/json (assumed for this topic)' });
    }
  }
  // Source time: the body's `timestamp`, else the iothub-creation-time-utc property, else arrival.
  const fromBody = json && typeof json === 'object' && !Array.isArray(json) ? parseTime((json as Record<string, unknown>)['timestamp']) : undefined;
  const sourceMs = fromBody ?? parseTime(m.system['iothub-creation-time-utc']) ?? m.arrivalMs;
  // Object.assign onto a fresh object keeps one allocation per message (a spread copies twice on V8).
  const out = m as DecodedMessage & { json: unknown; sourceMs: number };
  out.json = json;
  out.sourceMs = sourceMs;
  return out;
}

export type Scalar = number | string | boolean;

/**
 * The scalar leaves of a JSON object as dotted paths (`{a:{b:1}}` → `a.b`), skipping `timestamp`
 * at the top level. Arrays are left out: their elements have no stable names. Bounded in depth and count.
 */
export function flattenScalars(json: unknown, maxDepth = 6, maxLeaves = 500): Array<[string, Scalar]> {
  const out: Array<[string, Scalar]> = [];
  if (!json || typeof json !== 'object' || Array.isArray(json)) return out;
  walkScalars(json as Record<string, unknown>, '', 0, maxDepth, maxLeaves, out);
  return out;
}

// Module-level (not a closure made per message): this runs for every message.
function walkScalars(o: Record<string, unknown>, prefix: string, depth: number, maxDepth: number, maxLeaves: number, out: Array<[string, Scalar]>): void {
  for (const k in o) {
    if (out.length >= maxLeaves) return;
    if (depth === 0 && k === 'timestamp') continue;
    const v = o[k];
    const path = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'number') {
      if (Number.isFinite(v)) out.push([path, v]);
    } else if (typeof v === 'string' || typeof v === 'boolean') out.push([path, v]);
    else if (v && typeof v === 'object' && !Array.isArray(v) && depth + 1 < maxDepth) walkScalars(v as Record<string, unknown>, path, depth + 1, maxDepth, maxLeaves, out);
  }
}
