/**
 * Continuation tokens. ADT returns `{ value, continuationToken }` and takes the token back to get
 * the next page. Ours are opaque base64url JSON that say where to resume:
 * - streamed results: the position in the starting index and within that document's rows, plus
 *   how many rows were already returned (so TOP still holds across pages);
 * - materialised results (ORDER BY, GROUP BY, COUNT): an offset into the recomputed result.
 * A token records a hash of the query text and a checksum, so a token from another query, or one
 * that was altered, is refused with query.invalid_continuation.
 */
import { createHash } from 'node:crypto';
import { QueryErrors } from './errors.js';

export type ContinuationState =
  | {
      readonly kind: 'stream'; readonly anchor: number; readonly index: number; readonly emitted: number;
      /** The starting index the positions refer to (access.ts accessFingerprint). */
      readonly access: string;
    }
  | { readonly kind: 'offset'; readonly offset: number };

const VERSION = 1;

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function queryHash(queryText: string): string {
  return sha(queryText).slice(0, 16);
}

export function encodeToken(queryText: string, state: ContinuationState): string {
  const body = { v: VERSION, q: queryHash(queryText), s: state };
  const json = JSON.stringify(body);
  return Buffer.from(JSON.stringify({ ...body, c: sha(json).slice(0, 12) })).toString('base64url');
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;

export function decodeToken(queryText: string, token: string): ContinuationState {
  const invalid = (why: string): never => {
    throw QueryErrors.create('invalid_continuation', `The continuation token ${why}`, { reason: why });
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return invalid('is malformed');
  }
  if (parsed === null || typeof parsed !== 'object') return invalid('is malformed');
  const { v, q, s, c } = parsed as { v?: unknown; q?: unknown; s?: unknown; c?: unknown };
  if (v !== VERSION) return invalid('has an unknown version');
  if (c !== sha(JSON.stringify({ v, q, s })).slice(0, 12)) return invalid('is corrupted');
  if (q !== queryHash(queryText)) return invalid('belongs to another query');
  const st = s as Record<string, unknown> | null;
  if (st?.kind === 'stream' && isCount(st.anchor) && isCount(st.index) && isCount(st.emitted) && typeof st.access === 'string') {
    return { kind: 'stream', anchor: st.anchor, index: st.index, emitted: st.emitted, access: st.access };
  }
  if (st?.kind === 'offset' && isCount(st.offset)) return { kind: 'offset', offset: st.offset };
  return invalid('is malformed');
}
