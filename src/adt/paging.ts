/**
 * Paging for the ADT list operations (models, relationships, incoming relationships, event routes):
 * `max-items-per-page` request header, `{ value, nextLink }` response, where nextLink is the absolute
 * URL of the next page (the SDKs call it as is). The token in it is an offset into the listing,
 * which is in a stable order (ids ascending, or adjacency order).
 */
import type { FastifyRequest } from 'fastify';
import { TwinsErrors } from '../twins/index.js';

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;

export function pageSizeOf(request: FastifyRequest, fallback = DEFAULT_PAGE): number {
  const raw = request.headers['max-items-per-page'];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw TwinsErrors.create('invalid_argument', `max-items-per-page must be a positive whole number, got '${String(raw)}'`);
  return Math.min(n, MAX_PAGE);
}

export function offsetOf(request: FastifyRequest): number {
  const token = (request.query as Record<string, unknown>)['continuationToken'];
  if (token === undefined || token === '') return 0;
  try {
    const parsed = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0) return parsed.o;
  } catch {
    // fall through
  }
  throw TwinsErrors.create('invalid_argument', 'The continuation token is not valid');
}

export interface Page<T> {
  readonly value: T[];
  readonly nextLink: string | null;
}

export function page<T>(request: FastifyRequest, items: readonly T[], fallbackSize = DEFAULT_PAGE): Page<T> {
  const size = pageSizeOf(request, fallbackSize);
  const offset = offsetOf(request);
  const value = items.slice(offset, offset + size);
  const more = offset + size < items.length;
  return { value, nextLink: more ? nextLink(request, offset + size) : null };
}

function nextLink(request: FastifyRequest, offset: number): string {
  const url = new URL(request.url, `${request.protocol}://${request.headers.host ?? 'localhost'}`);
  url.searchParams.set('continuationToken', Buffer.from(JSON.stringify({ o: offset })).toString('base64url'));
  return url.toString();
}
