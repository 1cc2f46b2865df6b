/**
 * Weak ETags in ADT's form, `W/"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"` (RFC 9110 §8.8.3: weak, opaque
 * to clients). The 128 bits are a random 48-bit nonce drawn when the document is created and the
 * document's storage version (1 on create, +1 per write): every write changes the tag, the storage
 * version is recovered from the tag for optimistic writes (`expectVersion`), and a document deleted
 * and created again gets a fresh nonce, so an old tag cannot match the new document.
 */
import { randomBytes } from 'node:crypto';

const NONCE_HEX = 12;
const VERSION_HEX = 20;
const TAG = /^W\/"([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})"$/;

export function newNonce(): string {
  return randomBytes(NONCE_HEX / 2).toString('hex');
}

export function makeEtag(nonce: string, version: number): string {
  const hex = nonce + version.toString(16).padStart(VERSION_HEX, '0');
  return `W/"${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}"`;
}

/** Nonce and storage version of a tag made by makeEtag; undefined for anything else. */
export function parseEtag(etag: string): { nonce: string; version: number } | undefined {
  const m = TAG.exec(etag);
  if (!m) return undefined;
  const hex = m.slice(1).join('');
  const version = parseInt(hex.slice(NONCE_HEX), 16);
  return Number.isSafeInteger(version) ? { nonce: hex.slice(0, NONCE_HEX), version } : undefined;
}

/** The tag of the next version of the same document. */
export function nextEtag(etag: string): { etag: string; previousVersion: number } {
  const parsed = parseEtag(etag);
  // A tag we did not make (imported data): start a new lineage; the store's version check still guards.
  if (!parsed) return { etag: makeEtag(newNonce(), 1), previousVersion: 0 };
  return { etag: makeEtag(parsed.nonce, parsed.version + 1), previousVersion: parsed.version };
}

/**
 * RFC 9110 §13.1.1 If-Match: `*` or a list of tags; ADT compares tags as opaque strings.
 * Returns true when the precondition holds for a document with `current` (undefined = absent).
 */
export function ifMatchHolds(header: string | undefined, current: string | undefined): boolean {
  if (header === undefined || header === '') return true;
  if (current === undefined) return false;
  if (header.trim() === '*') return true;
  return splitTags(header).includes(current);
}

/** RFC 9110 §13.1.2 If-None-Match: ADT supports only `*` (create only if absent). */
export function ifNoneMatchHolds(header: string | undefined, current: string | undefined): boolean {
  if (header === undefined || header === '') return true;
  if (header.trim() === '*') return current === undefined;
  return current === undefined || !splitTags(header).includes(current);
}

function splitTags(header: string): string[] {
  const out: string[] = [];
  const re = /\s*((?:W\/)?"[^"]*")\s*(?:,|$)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(header)) !== null && m[0] !== '') out.push(m[1] as string);
  return out;
}
