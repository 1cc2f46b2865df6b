/**
 * Instance validation: does a JSON value conform to a DTDL schema? (DTDL v3 §Schemas; the criteria follow
 * the metamodel's instance rules: XSD ranges for numbers, RFC 3339 date/time forms, ISO 8601 durations,
 * Enum membership, Object members naming fields, Map values conforming to the map value schema.)
 */
import { assertNever } from '../json/ast.js';
import { DURATION } from '../parser/duration.js';
import { isSchema } from './build.js';
import type { DtdlElement, Schema } from './types.js';

export interface ValueProblem {
  /** JSON path in the value, e.g. `$.position.lat`. */
  readonly path: string;
  readonly message: string;
}

/** Raised when the element is not a schema (an Interface, a Component, …): nothing to validate against. */
export class NotASchemaError extends Error {
  constructor(readonly elementId: string, readonly kind: string) {
    super(`${elementId} is a ${kind}, not a schema; only schemas validate values`);
    this.name = 'NotASchemaError';
  }
}

const DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
const DATE_TIME = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})$/;
const TIME = /^[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})$/;
const UUID = /^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DECIMAL = /^[+-]?(?:[1-9][0-9]*|0)(?:\.[0-9]*)?$/;
const FLOAT_MAX = 3.4028234663852886e38;

function validDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] as number;
  return d <= days;
}

function validClock(s: string): boolean {
  const [h, mi, se] = s.slice(0, 8).split(':').map(Number) as [number, number, number];
  return h <= 23 && mi <= 59 && se <= 60;
}

const intIn = (v: unknown, min: number, max: number) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

export function validateValue(schema: DtdlElement, value: unknown, _graph?: unknown, path = '$'): ValueProblem[] {
  if (!isSchema(schema)) throw new NotASchemaError(schema.id, schema.kind);
  const out: ValueProblem[] = [];
  check(schema, value, path, out, 0);
  return out;
}

function check(s: Schema, v: unknown, path: string, out: ValueProblem[], depth: number): void {
  const fail = (what: string) => out.push({ path, message: `${JSON.stringify(v) ?? 'undefined'} is not ${what}` });
  if (depth > 64) return;
  switch (s.kind) {
    case 'Boolean':
      if (typeof v !== 'boolean') fail('a boolean');
      return;
    case 'String':
      if (typeof v !== 'string') fail('a string');
      return;
    case 'Integer':
      if (!intIn(v, -2147483648, 2147483647)) fail('an integer (32-bit)');
      return;
    case 'Long':
      if (!intIn(v, Number.MIN_SAFE_INTEGER * 1024, Number.MAX_SAFE_INTEGER * 1024)) fail('a long (64-bit integer)');
      return;
    case 'Short':
      if (!intIn(v, -32768, 32767)) fail('a short');
      return;
    case 'Byte':
      if (!intIn(v, -128, 127)) fail('a byte');
      return;
    case 'UnsignedByte':
      if (!intIn(v, 0, 255)) fail('an unsigned byte');
      return;
    case 'UnsignedShort':
      if (!intIn(v, 0, 65535)) fail('an unsigned short');
      return;
    case 'UnsignedInteger':
      if (!intIn(v, 0, 4294967295)) fail('an unsigned integer');
      return;
    case 'UnsignedLong':
      if (!intIn(v, 0, Number.MAX_SAFE_INTEGER * 2048)) fail('an unsigned long');
      return;
    case 'Double':
      if (typeof v !== 'number' || !Number.isFinite(v)) fail('a double');
      return;
    case 'Float':
      if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > FLOAT_MAX) fail('a float');
      return;
    case 'Decimal':
      if (typeof v !== 'string' || !DECIMAL.test(v)) fail('a decimal string');
      return;
    case 'Date':
      if (typeof v !== 'string' || !validDate(v)) fail('an RFC 3339 date (YYYY-MM-DD)');
      return;
    case 'DateTime':
      if (typeof v !== 'string' || !DATE_TIME.test(v) || !validDate(v.slice(0, 10)) || !validClock(v.slice(11))) fail('an RFC 3339 date-time');
      return;
    case 'Time':
      if (typeof v !== 'string' || !TIME.test(v) || !validClock(v)) fail('an RFC 3339 time');
      return;
    case 'Duration':
      if (typeof v !== 'string' || !DURATION.test(v)) fail('an ISO 8601 duration');
      return;
    case 'Uuid':
      if (typeof v !== 'string' || !UUID.test(v)) fail('a UUID');
      return;
    case 'Bytes':
      if (typeof v !== 'string' || !BASE64.test(v)) fail('base64 bytes');
      return;
    case 'Enum':
      if (!s.enumValues.some((e) => e.enumValue === v)) fail(`one of ${s.enumValues.map((e) => JSON.stringify(e.enumValue)).join(', ')}`);
      return;
    case 'Array':
      if (!Array.isArray(v)) return void fail('an array');
      v.forEach((item, i) => check(s.elementSchema, item, `${path}[${i}]`, out, depth + 1));
      return;
    case 'Map':
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return void fail('an object (map)');
      for (const [k, item] of Object.entries(v)) check(s.mapValue.schema, item, `${path}[${JSON.stringify(k)}]`, out, depth + 1);
      return;
    case 'Object':
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return void fail('an object');
      for (const [k, item] of Object.entries(v)) {
        const field = s.fields.find((f) => f.name === k);
        if (!field) out.push({ path: `${path}.${k}`, message: `'${k}' is not a field of the object (fields: ${s.fields.map((f) => f.name).join(', ')})` });
        else check(field.schema, item, `${path}.${k}`, out, depth + 1);
      }
      return;
    default:
      return assertNever(s);
  }
}
