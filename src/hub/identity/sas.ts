/**
 * Shared access signatures in Azure IoT Hub's format:
 *
 *   SharedAccessSignature sr={resource URI}&sig={signature}&se={expiry}[&skn={policy name}]
 *   signature = base64(HMAC-SHA256(base64-decoded key, "{sr as sent}\n{se}"))
 *
 * (IoT Hub "Control access to IoT Hub with SAS", §Security tokens.) The device SDKs URL-encode the
 * resource URI before signing and put the encoded form in the token; the provisioning SDK signs and
 * sends it raw. Both sign exactly the text they send, so verification signs the `sr` field as it
 * appears in the token, and then checks that its *decoded* value names the resource being accessed.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { HubErrors } from '../errors.js';

export interface SasToken {
  /** The `sr` field exactly as it appears in the token (what was signed). */
  readonly signedResource: string;
  /** The resource URI, URL-decoded. */
  readonly resource: string;
  readonly signature: Buffer;
  /** Expiry, seconds since the epoch. */
  readonly expiry: number;
  readonly keyName?: string;
}

const PREFIX = 'SharedAccessSignature ';

/** Parses the token text; throws hub.unauthorized saying which field is wrong. */
export function parseSasToken(text: string): SasToken {
  if (!text.startsWith(PREFIX)) throw HubErrors.create('unauthorized', 'not a SharedAccessSignature token', { reason: 'malformed_token' });
  const fields = new Map<string, string>();
  for (const part of text.slice(PREFIX.length).trim().split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw HubErrors.create('unauthorized', `malformed token field '${part.slice(0, 20)}'`, { reason: 'malformed_token' });
    fields.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const sr = fields.get('sr');
  const sig = fields.get('sig');
  const se = fields.get('se');
  if (!sr || !sig || !se) throw HubErrors.create('unauthorized', 'the token needs sr, sig and se', { reason: 'malformed_token' });
  if (!/^\d{1,12}$/.test(se)) throw HubErrors.create('unauthorized', 'se must be seconds since the epoch', { reason: 'malformed_token' });
  let resource: string;
  let signature: Buffer;
  try {
    resource = decodeURIComponent(sr);
    signature = Buffer.from(decodeURIComponent(sig), 'base64');
  } catch {
    throw HubErrors.create('unauthorized', 'the token is not URL-encoded correctly', { reason: 'malformed_token' });
  }
  const skn = fields.get('skn');
  return { signedResource: sr, resource, signature, expiry: Number(se), ...(skn ? { keyName: safeDecode(skn) } : {}) };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function hmacBase64(keyBase64: string, text: string): Buffer {
  return createHmac('sha256', Buffer.from(keyBase64, 'base64')).update(text, 'utf8').digest();
}

/**
 * True when one of the keys signed the token. Both the text as sent and the canonical encoding of
 * the decoded resource are tried, so a client that sends the raw URI but signed the encoded one
 * (or the reverse) is still recognised; neither adds a forgery path since both need the key.
 */
export function signedByAnyKey(token: SasToken, keys: ReadonlyArray<string | undefined>): boolean {
  const texts = new Set([`${token.signedResource}\n${token.expiry}`, `${encodeURIComponent(token.resource)}\n${token.expiry}`]);
  for (const key of keys) {
    if (!key) continue;
    for (const text of texts) {
      const expected = hmacBase64(key, text);
      if (expected.length === token.signature.length && timingSafeEqual(expected, token.signature)) return true;
    }
  }
  return false;
}

export type SasCheck = { ok: true } | { ok: false; reason: 'expired' | 'wrong_resource' | 'bad_signature'; message: string };

/**
 * Checks expiry, resource and signature. `resourceMatches` receives the decoded resource URI and
 * decides whether it names what is being accessed (host aliases, device id).
 */
export function checkSasToken(token: SasToken, keys: ReadonlyArray<string | undefined>, resourceMatches: (resource: string) => boolean, nowMs: number): SasCheck {
  if (token.expiry * 1000 <= nowMs) return { ok: false, reason: 'expired', message: `the token expired at ${new Date(token.expiry * 1000).toISOString()}` };
  if (!resourceMatches(token.resource)) return { ok: false, reason: 'wrong_resource', message: `the token is for '${token.resource}', not this resource` };
  if (!signedByAnyKey(token, keys)) return { ok: false, reason: 'bad_signature', message: 'the signature does not match any key' };
  return { ok: true };
}

/** Makes a token the way the device SDKs do (URL-encoded resource, signed as sent). */
export function signSasToken(resource: string, keyBase64: string, expirySeconds: number, keyName?: string): string {
  const sr = encodeURIComponent(resource);
  const se = Math.floor(expirySeconds);
  const sig = encodeURIComponent(hmacBase64(keyBase64, `${sr}\n${se}`).toString('base64'));
  return `${PREFIX}sr=${sr}&sig=${sig}&se=${se}${keyName ? `&skn=${encodeURIComponent(keyName)}` : ''}`;
}

/** A new symmetric key: 32 random bytes, base64 (the length IoT Hub generates). */
export function generateKey(): string {
  return randomBytes(32).toString('base64');
}

/**
 * The device key of a DPS symmetric-key enrollment group: base64(HMAC-SHA256(group key, registration id))
 * (DPS "Symmetric key attestation", §Group enrollments / derive a device key).
 */
export function deriveDeviceKey(groupKeyBase64: string, registrationId: string): string {
  return hmacBase64(groupKeyBase64, registrationId).toString('base64');
}

/** True when the text is a plausible base64 key (IoT Hub accepts 16–64 bytes). */
export function isValidKey(key: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key) || key.length % 4 !== 0) return false;
  const n = Buffer.from(key, 'base64').length;
  return n >= 16 && n <= 64;
}
