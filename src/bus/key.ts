/**
 * Event keys (the unit of ordering: twin id, device id, …) may hold any characters, but a NATS
 * subject token may not contain '.', '*', '>' or whitespace (NATS docs "Subject-Based Messaging:
 * Characters allowed"). So a key becomes exactly one token with an injective, reversible encoding:
 *
 *   no key                               → `-`
 *   [A-Za-z0-9][A-Za-z0-9_-]* (≤ 128 chars) → the key itself (readable in `nats` tooling)
 *   anything else, including ''          → `_` + base64url(UTF-8 bytes)   (RFC 4648 §5)
 *
 * The three forms cannot collide: plain tokens start with a letter or digit, encoded ones with '_',
 * and '-' alone is neither.
 */
import { BusErrors } from './errors.js';

export const NO_KEY_TOKEN = '-';
/** Longer keys make subjects unwieldy; ids in this platform are far shorter. */
export const MAX_KEY_BYTES = 256;
const PLAIN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export function checkKey(key: unknown): string | undefined {
  if (key === undefined) return undefined;
  if (typeof key !== 'string') throw BusErrors.create('invalid_subject', `event key must be a string, got ${typeof key}`, { key: String(key) });
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_KEY_BYTES) {
    throw BusErrors.create('invalid_subject', `event key is ${bytes} bytes; at most ${MAX_KEY_BYTES} are allowed`, { key: key.slice(0, 64), bytes, max: MAX_KEY_BYTES });
  }
  return key;
}

export function encodeKeyToken(key: string | undefined): string {
  if (key === undefined) return NO_KEY_TOKEN;
  if (PLAIN.test(key)) return key;
  return '_' + Buffer.from(key, 'utf8').toString('base64url');
}

export function decodeKeyToken(token: string): string | undefined {
  if (token === NO_KEY_TOKEN) return undefined;
  if (token.startsWith('_')) return Buffer.from(token.slice(1), 'base64url').toString('utf8');
  if (PLAIN.test(token)) return token;
  throw BusErrors.create('invalid_subject', `${JSON.stringify(token)} is not an encoded key token`, { token });
}
