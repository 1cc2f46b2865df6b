/**
 * The storage context's error catalogue. Codes are stable: other contexts and the HTTP layer
 * match on them (`storage.version_conflict` → 409, `storage.unavailable` → 503).
 */
import { defineErrors } from '../shared/errors.js';

export const StorageErrors = defineErrors('storage', {
  /** details: { collection, id, expected, actual } where expected/actual are a version or 'absent'. */
  version_conflict: { kind: 'conflict', title: 'The document changed since it was read' },
  /** details: { adapter, target, reason }: the database cannot be reached, is locked, or was closed. */
  unavailable: { kind: 'unavailable', title: 'Storage is unavailable' },
  /** details: { adapter, version, name }: a schema migration could not be applied; nothing of it was kept. */
  migration_failed: { kind: 'internal', title: 'A storage migration failed' },
  /** details: { field, reason, ... }: an id, body, option or point the port does not accept. */
  invalid_input: { kind: 'invalid', title: 'Invalid storage input' },
  /** details: { field, bytes, limit }: a body larger than the adapter-independent limit. */
  too_large: { kind: 'too_large', title: 'Document body too large' },
  /** details: { adapter, operation }: the database rejected a statement for a reason that is a bug here. */
  query_failed: { kind: 'internal', title: 'A storage statement failed' },
});

/** The one way every adapter reports a failed expectVersion check. */
export function versionConflict(collection: string, id: string, expected: number | 'absent', actual: number | 'absent'): Error {
  const want = expected === 'absent' ? 'to be absent' : `at version ${expected}`;
  const got = actual === 'absent' ? 'it does not exist' : `it is at version ${actual}`;
  return StorageErrors.create('version_conflict', `${collection}/${id}: expected ${want}, but ${got}`, { collection, id, expected, actual });
}

/** Calls made before open() or after close(). */
export function notOpen(adapter: string, target: string): Error {
  return StorageErrors.create('unavailable', `${adapter} storage ${target} is not open`, { adapter, target, reason: 'not open' });
}
