/**
 * Instance validation: does a JSON value conform to a DTDL schema? (DTDL v3 §Schemas; the criteria follow
 * the metamodel's instance rules: XSD ranges for numbers, RFC 3339 date/time forms, ISO 8601 durations,
 * Enum membership, Object members naming fields, Map values conforming to the map value schema.)
 */
import { assertNever, type JsonNode } from '../json/ast.js';
import { parseJson } from '../json/parser.js';
import { JsonSyntaxError } from '../json/lexer.js';
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
  // Years 0001-9999 as in XSD/.NET dates; no year zero.
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] as number;
  return d <= days;
}

function validClock(s: string): boolean {
  const [h, mi, se] = s.slice(0, 8).split(':').map(Number) as [number, number, number];
  // No leap seconds: the reference parser's clock stops at :59.
  return h <= 23 && mi <= 59 && se <= 59;
}

/** A JSON number written as an integer (`1`, not `1.0` or `1e0`) within [min, max] (exact, via BigInt). */
const intIn = (n: JsonNode, min: number | bigint, max: number | bigint) =>
  n.kind === 'number' && (min < 0 ? /^-?[0-9]+$/ : /^[0-9]+$/).test(n.raw) && BigInt(n.raw) >= BigInt(min) && BigInt(n.raw) <= BigInt(max);

/** Validates a JavaScript value (as from JSON.parse). Numbers are judged by value: `1.0` counts as 1. */
export function validateValue(schema: DtdlElement, value: unknown, _graph?: unknown, path = '$'): ValueProblem[] {
  if (!isSchema(schema)) throw new NotASchemaError(schema.id, schema.kind);
  const out: ValueProblem[] = [];
  check(schema, fromPlain(value, path), path, out, 0);
  return out;
}

/** Validates JSON text, judging numbers as written (`1.0` is not an integer), as the reference parser does. */
export function validateJsonText(schema: DtdlElement, text: string): ValueProblem[] {
  if (!isSchema(schema)) throw new NotASchemaError(schema.id, schema.kind);
  let node: JsonNode;
  try {
    node = parseJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return [{ path: '$', message: `not valid JSON text: ${e.message}` }];
    throw e;
  }
  const out: ValueProblem[] = [];
  check(schema, node, '$', out, 0);
  return out;
}

function fromPlain(v: unknown, path: string, depth = 0): JsonNode {
  const pos = { line: 0, endLine: 0, path };
  if (depth > 64) return { kind: 'null', ...pos };
  if (v === null || v === undefined) return { kind: 'null', ...pos };
  if (typeof v === 'boolean') return { kind: 'boolean', value: v, ...pos };
  if (typeof v === 'number') return { kind: 'number', value: v, raw: Number.isInteger(v) && Math.abs(v) < 1e21 ? v.toFixed(0) : String(v), ...pos };
  if (typeof v === 'string') return { kind: 'string', value: v, ...pos };
  if (Array.isArray(v)) return { kind: 'array', items: v.map((x, i) => fromPlain(x, `${path}[${i}]`, depth + 1)), ...pos };
  if (typeof v === 'object') {
    return { kind: 'object', members: Object.entries(v as Record<string, unknown>).map(([key, x]) => ({ key, keyLine: 0, value: fromPlain(x, `${path}.${key}`, depth + 1) })), ...pos };
  }
  return { kind: 'null', ...pos };
}

const show = (n: JsonNode): string => (n.kind === 'number' ? n.raw : n.kind === 'null' ? 'null' : n.kind === 'array' ? 'an array' : n.kind === 'object' ? 'an object' : JSON.stringify(n.value));

function check(s: Schema, v: JsonNode, path: string, out: ValueProblem[], depth: number): void {
  const fail = (what: string) => out.push({ path, message: `${show(v)} is not ${what}` });
  const str = v.kind === 'string' ? v.value : undefined;
  const num = v.kind === 'number' ? v.value : undefined;
  if (depth > 64) return;
  switch (s.kind) {
    case 'Boolean':
      if (v.kind !== 'boolean') fail('a boolean');
      return;
    case 'String':
      if (v.kind !== 'string') fail('a string');
      return;
    case 'Integer':
      if (!intIn(v, -2147483648, 2147483647)) fail('an integer (32-bit)');
      return;
    case 'Long':
      if (!intIn(v, -(2n ** 63n), 2n ** 63n - 1n)) fail('a long (64-bit integer)');
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
      if (!intIn(v, 0, 2n ** 64n - 1n)) fail('an unsigned long');
      return;
    case 'Double':
      if (num === undefined || !Number.isFinite(num)) fail('a double');
      return;
    case 'Float':
      if (num === undefined || !Number.isFinite(num) || Math.abs(num) > FLOAT_MAX) fail('a float');
      return;
    case 'Decimal':
      if (str === undefined || !DECIMAL.test(str)) fail('a decimal string');
      return;
    case 'Date':
      if (str === undefined || !validDate(str)) fail('an RFC 3339 date (YYYY-MM-DD)');
      return;
    case 'DateTime':
      if (str === undefined || !DATE_TIME.test(str) || !validDate(str.slice(0, 10)) || !validClock(str.slice(11))) fail('an RFC 3339 date-time');
      return;
    case 'Time':
      if (str === undefined || !TIME.test(str) || !validClock(str)) fail('an RFC 3339 time');
      return;
    case 'Duration':
      if (str === undefined || !DURATION.test(str)) fail('an ISO 8601 duration');
      return;
    case 'Uuid':
      if (str === undefined || !UUID.test(str)) fail('a UUID');
      return;
    case 'Bytes':
      if (str === undefined || !BASE64.test(str)) fail('base64 bytes');
      return;
    case 'Enum':
      if (!s.enumValues.some((e) => enumMatches(e.enumValue, v))) fail(`one of ${s.enumValues.map((e) => JSON.stringify(e.enumValue)).join(', ')}`);
      return;
    case 'Array':
      if (v.kind !== 'array') return void fail('an array');
      v.items.forEach((item, i) => check(s.elementSchema, item, `${path}[${i}]`, out, depth + 1));
      return;
    case 'Map':
      if (v.kind !== 'object') return void fail('an object (map)');
      for (const { key, value } of v.members) check(s.mapValue.schema, value, `${path}[${JSON.stringify(key)}]`, out, depth + 1);
      return;
    case 'Object':
      if (v.kind !== 'object') return void fail('an object');
      for (const { key: k, value: item } of v.members) {
        const field = s.fields.find((f) => f.name === k);
        if (!field) out.push({ path: `${path}.${k}`, message: `'${k}' is not a field of the object (fields: ${s.fields.map((f) => f.name).join(', ')})` });
        else check(field.schema, item, `${path}.${k}`, out, depth + 1);
      }
      return;
    default:
      return assertNever(s);
  }
}

function enumMatches(enumValue: string | number | boolean, v: JsonNode): boolean {
  if (typeof enumValue === 'number') return v.kind === 'number' && /^-?[0-9]+$/.test(v.raw) && v.value === enumValue;
  if (typeof enumValue === 'string') return v.kind === 'string' && v.value === enumValue;
  return v.kind === 'boolean' && v.value === enumValue;
}
