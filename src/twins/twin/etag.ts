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
const TAG = /^W\/"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"$/;
/** `W/"` + nonce as 8-4 hex + `-`: the part of a tag that stays the same from version to version. */
const PREFIX_LENGTH = 17;

export function newNonce(): string {
  return randomBytes(NONCE_HEX / 2).toString('hex');
}

export function makeEtag(nonce: string, version: number): string {
  return `W/"${nonce.slice(0, 8)}-${nonce.slice(8, 12)}-${versionPart(version)}"`;
}

/** The version as the tag's last 20 hex digits, grouped 4-4-12. */
function versionPart(version: number): string {
  const hex = version.toString(16).padStart(VERSION_HEX, '0');
  return `${hex.slice(0, 4)}-${hex.slice(4, 8)}-${hex.slice(8)}`;
}

/** Nonce and storage version of a tag made by makeEtag; undefined for anything else. */
export function parseEtag(etag: string): { nonce: string; version: number } | undefined {
  const version = versionOf(etag);
  return version === undefined ? undefined : { nonce: etag.slice(3, 11) + etag.slice(12, 16), version };
}

function versionOf(etag: string): number | undefined {
  if (!TAG.test(etag)) return undefined;
  const version = parseInt(etag.slice(17, 21) + etag.slice(22, 26) + etag.slice(27, 39), 16);
  return Number.isSafeInteger(version) ? version : undefined;
}

/** The tag of the next version of the same document (called on every write, so no intermediate objects). */
export function nextEtag(etag: string): { etag: string; previousVersion: number } {
  const version = versionOf(etag);
  // A tag we did not make (imported data): start a new lineage; the store's version check still guards.
  if (version === undefined) return { etag: makeEtag(newNonce(), 1), previousVersion: 0 };
  return { etag: `${etag.slice(0, PREFIX_LENGTH)}${versionPart(version + 1)}"`, previousVersion: version };
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
