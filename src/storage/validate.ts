/**
 * Input rules shared by every adapter, so that the memory, DuckDB and PostgreSQL adapters accept and
 * reject exactly the same things (the contract suite checks it). Each rule exists because at least one
 * backend cannot store the value faithfully:
 * - U+0000 inside a string: PostgreSQL `text` and `jsonb` cannot hold it.
 * - lone UTF-16 surrogates: not encodable as UTF-8, which both databases store.
 * - NaN/±Infinity, undefined, Dates, Maps, class instances: JSON.stringify would silently change them,
 *   so the body read back would differ from the one written.
 */
import { COLLECTIONS, isCollectionName, type CollectionName } from './collections.js';
import { StorageErrors } from './errors.js';
import type { ListOptions, PointQuery, TimePoint, WriteOp } from './port.js';

// Date.UTC treats years 0..99 as 1900..1999, so year 1 needs setUTCFullYear.
const MIN_TIME_MS = new Date(Date.UTC(2000, 0, 1)).setUTCFullYear(1);

export const LIMITS = {
  /** UTF-8 bytes of an id or a series name; ids go into a primary-key index. */
  idBytes: 512,
  /** UTF-8 bytes of a serialised body (PostgreSQL's jsonb tops out at 255 MB; this keeps rows sane). */
  bodyBytes: 8 * 1024 * 1024,
  /** Nesting depth of a body; bounds the recursive walk. */
  bodyDepth: 100,
  opsPerBatch: 10_000,
  defaultListLimit: 1000,
  maxListLimit: 100_000,
  defaultPageSize: 500,
  pointsPerAppend: 1_000_000,
  defaultPointLimit: 100_000,
  maxPointLimit: 1_000_000,
  /** Point times must lie in years 1..9999 so both TIMESTAMPTZ types (DuckDB, PostgreSQL) hold them. */
  minTimeMs: MIN_TIME_MS,
  maxTimeMs: Date.UTC(9999, 11, 31, 23, 59, 59, 999),
} as const;

const LONE_SURROGATE = /\p{Surrogate}/u;

export function invalid(field: string, reason: string, extra: Record<string, unknown> = {}): Error {
  return StorageErrors.create('invalid_input', `${field}: ${reason}`, { field, reason, ...extra });
}

export function checkCollection(collection: string): CollectionName {
  if (typeof collection !== 'string' || !isCollectionName(collection)) {
    throw invalid('collection', `unknown collection ${JSON.stringify(collection)}`, { allowed: [...COLLECTIONS] });
  }
  return collection;
}

export function checkText(value: unknown, field: string, what: string): string {
  if (typeof value !== 'string') throw invalid(field, `${what} must be a string`);
  if (value.length === 0) throw invalid(field, `${what} must not be empty`);
  if (value.includes('\u0000')) throw invalid(field, `${what} must not contain U+0000`);
  if (LONE_SURROGATE.test(value)) throw invalid(field, `${what} contains a lone UTF-16 surrogate`);
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > LIMITS.idBytes) throw invalid(field, `${what} is ${bytes} UTF-8 bytes, more than ${LIMITS.idBytes}`);
  return value;
}

export function checkId(id: unknown, field = 'id'): string {
  return checkText(id, field, 'id');
}

/** getMany takes at most maxListLimit ids; each must be a valid id. Returns them deduplicated. */
export function checkIdList(ids: readonly string[]): string[] {
  if (!Array.isArray(ids)) throw invalid('ids', 'must be an array');
  if (ids.length > LIMITS.maxListLimit) throw invalid('ids', `at most ${LIMITS.maxListLimit} ids`, { count: ids.length });
  return [...new Set(ids.map((id, i) => checkId(id, `ids[${i}]`)))];
}

// Well-formed JSON.stringify (ES2019) writes U+0000 as \u0000 and a lone surrogate as \udXXX, so a
// text without these escapes has neither (a literal backslash-u in a string only costs the slow walk).
const SUSPECT_ESCAPE = /\\u(?:0000|d[89a-f])/;

/** Validates that `body` is plain JSON and returns its text. */
export function serializeBody(body: unknown, field = 'body'): string {
  // Fast path (every write): structure only, strings checked once on the text. Anything suspicious
  // takes the full walk, which finds the offending path for the error.
  if (isPlainJson(body, 0)) {
    const text = JSON.stringify(body);
    // UTF-8 needs at most 3 bytes per UTF-16 unit, so short texts cannot exceed the limit.
    if (!SUSPECT_ESCAPE.test(text) && text.length * 3 <= LIMITS.bodyBytes) return text;
  }
  checkJsonValue(body, [field], 0);
  const text = JSON.stringify(body);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > LIMITS.bodyBytes) {
    throw StorageErrors.create('too_large', `${field} is ${bytes} bytes, more than ${LIMITS.bodyBytes}`, { field, bytes, limit: LIMITS.bodyBytes });
  }
  return text;
}

/** The structural rules of checkJsonValue without paths or string checks; false = take the full walk. */
function isPlainJson(value: unknown, depth: number): boolean {
  if (depth > LIMITS.bodyDepth) return false;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!(i in value) || !isPlainJson(value[i], depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) if (!isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}

function jsonPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (i === 0 ? String(p) : typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
}

function checkJsonValue(value: unknown, path: (string | number)[], depth: number): void {
  if (depth > LIMITS.bodyDepth) throw invalid(jsonPath(path), `nested deeper than ${LIMITS.bodyDepth} levels`);
  switch (typeof value) {
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw invalid(jsonPath(path), `${value} is not a JSON number`);
      return;
    case 'string':
      if (value.includes('\u0000')) throw invalid(jsonPath(path), 'strings must not contain U+0000');
      if (LONE_SURROGATE.test(value)) throw invalid(jsonPath(path), 'string contains a lone UTF-16 surrogate');
      return;
    case 'object': {
      if (value === null) return;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          path.push(i);
          if (!(i in value)) throw invalid(jsonPath(path), 'sparse arrays are not JSON');
          checkJsonValue(value[i], path, depth + 1);
          path.pop();
        }
        return;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) {
        const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
        throw invalid(jsonPath(path), `${name} is not a plain JSON object`);
      }
      for (const [key, child] of Object.entries(value)) {
        path.push(key);
        if (key.includes('\u0000') || LONE_SURROGATE.test(key)) throw invalid(jsonPath(path), 'key must not contain U+0000 or lone surrogates');
        checkJsonValue(child, path, depth + 1);
        path.pop();
      }
      return;
    }
    case 'undefined':
    case 'bigint':
    case 'function':
    case 'symbol':
      throw invalid(jsonPath(path), `${typeof value} is not JSON`);
    default:
      // typeof has no other results; TS cannot narrow `unknown` to never here.
      throw invalid(jsonPath(path), `unexpected ${typeof value}`);
  }
}

function checkPositiveVersion(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw invalid(field, 'expectVersion must be a positive integer');
  return v;
}

/** A validated op with its body already serialised (once, here, not again in the adapter). */
export type CheckedOp =
  | { readonly op: 'put'; readonly collection: CollectionName; readonly id: string; readonly bodyText: string; readonly expectVersion: number | 'absent' | undefined }
  | { readonly op: 'delete'; readonly collection: CollectionName; readonly id: string; readonly expectVersion: number | undefined };

export function checkOps(ops: readonly WriteOp[]): CheckedOp[] {
  // Array.isArray would narrow a readonly array to any[]; check through unknown instead.
  if (!Array.isArray(ops as unknown)) throw invalid('ops', 'must be an array');
  if (ops.length > LIMITS.opsPerBatch) throw invalid('ops', `a batch holds at most ${LIMITS.opsPerBatch} ops`, { count: ops.length });
  return ops.map((op, i): CheckedOp => {
    const collection = checkCollection(op.collection);
    const id = checkId(op.id, `ops[${i}].id`);
    switch (op.op) {
      case 'put': {
        const ev = op.expectVersion;
        const expectVersion = ev === undefined || ev === 'absent' ? ev : checkPositiveVersion(ev, `ops[${i}].expectVersion`);
        return { op: 'put', collection, id, bodyText: serializeBody(op.body, `ops[${i}].body`), expectVersion };
      }
      case 'delete': {
        const ev = op.expectVersion;
        return { op: 'delete', collection, id, expectVersion: ev === undefined ? undefined : checkPositiveVersion(ev, `ops[${i}].expectVersion`) };
      }
      default: {
        const unknownOp: never = op;
        throw invalid(`ops[${i}].op`, `unknown op ${JSON.stringify((unknownOp as { op: unknown }).op)}`, { allowed: ['put', 'delete'] });
      }
    }
  });
}

function checkLimit(value: unknown, field: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw invalid(field, `must be an integer from 1 to ${max}`);
  }
  return value;
}

export interface CheckedListOptions {
  readonly after: string | undefined;
  readonly prefix: string | undefined;
  readonly limit: number;
}

export function checkListOptions(options: ListOptions | undefined): CheckedListOptions {
  const o = options ?? {};
  return {
    after: o.after === undefined ? undefined : checkId(o.after, 'after'),
    prefix: o.prefix === undefined || o.prefix === '' ? undefined : checkId(o.prefix, 'prefix'),
    limit: checkLimit(o.limit, 'limit', LIMITS.defaultListLimit, LIMITS.maxListLimit),
  };
}

export function checkPageSize(pageSize: number | undefined): number {
  return checkLimit(pageSize, 'pageSize', LIMITS.defaultPageSize, LIMITS.maxListLimit);
}

export function checkTime(value: unknown, field: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw invalid(field, 'must be a valid Date');
  const ms = value.getTime();
  if (ms < MIN_TIME_MS || ms > LIMITS.maxTimeMs) throw invalid(field, 'must lie in the years 1 to 9999');
  return value;
}

/**
 * Series names that already passed `checkText`. Ingest appends the same few thousand names over and
 * over; a known name then costs one Set lookup instead of a regex scan and a UTF-8 byte count. The
 * rules in checkText do not depend on where the text came from, so a name checked once stays valid.
 * Bounded (cleared when full) so a stream of ever-new names cannot grow it without limit.
 */
const knownSeries = new Set<string>();
export const KNOWN_SERIES_MAX = 100_000;

/** `checkText(value, field(), 'series')` with the cache above; `field` is only built for an error. */
export function checkSeriesName(value: unknown, field: () => string): string {
  if (typeof value === 'string' && knownSeries.has(value)) return value;
  const name = checkText(value, field(), 'series');
  if (knownSeries.size >= KNOWN_SERIES_MAX) knownSeries.clear();
  knownSeries.add(name);
  return name;
}

/** For tests: how many names the cache holds. */
export function knownSeriesCount(): number {
  return knownSeries.size;
}

const validTime = (v: unknown): boolean => {
  if (!(v instanceof Date)) return false;
  const ms = v.getTime();
  return ms >= MIN_TIME_MS && ms <= LIMITS.maxTimeMs; // false for NaN
};

export function checkPoints(points: readonly TimePoint[]): void {
  if (!Array.isArray(points)) throw invalid('points', 'must be an array');
  if (points.length > LIMITS.pointsPerAppend) throw invalid('points', `at most ${LIMITS.pointsPerAppend} points per append`, { count: points.length });
  for (let i = 0; i < points.length; i++) {
    const p = points[i] as TimePoint;
    // Field paths are only formatted on failure: building three strings per point was most of the cost.
    checkSeriesName(p.series, () => `points[${i}].series`);
    if (!validTime(p.time)) checkTime(p.time, `points[${i}].time`);
    if (!validTime(p.arrival)) checkTime(p.arrival, `points[${i}].arrival`);
    if (typeof p.value !== 'number' || !Number.isFinite(p.value)) throw invalid(`points[${i}].value`, 'must be a finite number');
  }
}

export interface CheckedPointQuery {
  readonly series: string;
  readonly from: Date;
  readonly to: Date;
  readonly limit: number;
}

export function checkPointQuery(q: PointQuery): CheckedPointQuery {
  return {
    series: checkText(q.series, 'series', 'series'),
    from: checkTime(q.from, 'from'),
    to: checkTime(q.to, 'to'),
    limit: checkLimit(q.limit, 'limit', LIMITS.defaultPointLimit, LIMITS.maxPointLimit),
  };
}

/**
 * Orders ids the way both databases do (UTF-8 bytes, which is code-point order; PostgreSQL via
 * COLLATE "C"). JS `<` compares UTF-16 units, which puts U+10000.. (surrogates) before U+E000..U+FFFF.
 */
export function compareIds(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Move surrogates (D800–DFFF) above E000–FFFF so the unit order matches code-point order.
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/**
 * The smallest string greater than every string starting with `prefix`, in code-point (= UTF-8 byte)
 * order; undefined when there is none (a prefix of only U+10FFFF). Lets `starts_with` run as an index
 * range scan: id >= prefix AND id < upper.
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const cps = Array.from(prefix, (ch) => ch.codePointAt(0) as number);
  while (cps.length > 0) {
    const last = cps.pop() as number;
    if (last < 0x10ffff) {
      // Skip the surrogate block: those code points cannot occur in stored (well-formed) ids.
      cps.push(last + 1 === 0xd800 ? 0xe000 : last + 1);
      return String.fromCodePoint(...cps);
    }
  }
  return undefined;
}
