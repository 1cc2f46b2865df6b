/**
 * Compiles a routing query AST into a closure (routes run for every message, so the tree is walked
 * once, not per message). Semantics follow the IoT Hub query language (Cosmos DB SQL rules):
 * - a missing property is `undefined`, which propagates through operators and functions;
 * - comparisons need operands of the same type (number, string, boolean; null only with = and !=),
 *   otherwise the result is `undefined`; there is no implicit conversion;
 * - AND/OR are three-valued: false AND x = false, true OR x = true, anything else with undefined is undefined;
 * - a route matches only when the whole query yields `true` (undefined and null count as false).
 */
import type { Expr, FunctionName } from './ast.js';

export type Value = string | number | boolean | null | undefined | object;

export interface RouteContext {
  /** The parsed JSON body, or undefined when the body is not JSON. */
  readonly body: unknown;
  readonly app: Readonly<Record<string, string>>;
  readonly system: Readonly<Record<string, string>>;
  /** The device twin as IoT Hub shows it (`tags`, `properties.desired|reported`), when known. */
  twin(): Readonly<Record<string, unknown>> | undefined;
}

export type Compiled = (ctx: RouteContext) => Value;

function step(v: unknown, key: string | number): unknown {
  if (v === null || typeof v !== 'object') return undefined;
  if (Array.isArray(v)) return typeof key === 'number' ? v[key] : undefined;
  return Object.hasOwn(v, key) ? (v as Record<string, unknown>)[key as string] : undefined;
}

function typeOf(v: Value): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function compare(op: '=' | '!=' | '<' | '>' | '<=' | '>=', a: Value, b: Value): Value {
  if (a === undefined || b === undefined) return undefined;
  const ta = typeOf(a);
  if (ta !== typeOf(b)) return undefined;
  if (ta === 'null') return op === '=' ? true : op === '!=' ? false : undefined;
  if (ta !== 'number' && ta !== 'string' && ta !== 'boolean') return undefined;
  const x = a as number | string | boolean;
  const y = b as number | string | boolean;
  switch (op) {
    case '=':
      return x === y;
    case '!=':
      return x !== y;
    case '<':
      return x < y;
    case '>':
      return x > y;
    case '<=':
      return x <= y;
    case '>=':
      return x >= y;
  }
}

function arithmetic(op: '+' | '-' | '*' | '/' | '%', a: Value, b: Value): Value {
  if (typeof a !== 'number' || typeof b !== 'number') return undefined;
  let r: number;
  switch (op) {
    case '+':
      r = a + b;
      break;
    case '-':
      r = a - b;
      break;
    case '*':
      r = a * b;
      break;
    case '/':
      r = a / b;
      break;
    case '%':
      r = a % b;
      break;
  }
  return Number.isFinite(r) ? r : undefined;
}

const num = (f: (x: number) => number) => (args: Value[]) => (typeof args[0] === 'number' ? finite(f(args[0])) : undefined);
const str = (f: (s: string) => Value) => (args: Value[]) => (typeof args[0] === 'string' ? f(args[0]) : undefined);
const strs = (f: (a: string, b: string) => Value) => (args: Value[]) => (typeof args[0] === 'string' && typeof args[1] === 'string' ? f(args[0], args[1]) : undefined);
const finite = (n: number): Value => (Number.isFinite(n) ? n : undefined);
const isPrimitive = (v: Value) => v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';

const FUNCTION_IMPLS: Readonly<Record<FunctionName, (args: Value[]) => Value>> = {
  ABS: num(Math.abs),
  EXP: num(Math.exp),
  POWER: (a) => (typeof a[0] === 'number' && typeof a[1] === 'number' ? finite(a[0] ** a[1]) : undefined),
  SQUARE: num((x) => x * x),
  CEILING: num(Math.ceil),
  FLOOR: num(Math.floor),
  SIGN: num(Math.sign),
  SQRT: num(Math.sqrt),
  AS_NUMBER: (a) => (typeof a[0] === 'number' ? a[0] : typeof a[0] === 'string' && a[0].trim() !== '' && Number.isFinite(Number(a[0])) ? Number(a[0]) : undefined),
  IS_ARRAY: (a) => Array.isArray(a[0]),
  IS_BOOL: (a) => typeof a[0] === 'boolean',
  IS_DEFINED: (a) => a[0] !== undefined,
  IS_NULL: (a) => a[0] === null,
  IS_NUMBER: (a) => typeof a[0] === 'number',
  IS_OBJECT: (a) => typeof a[0] === 'object' && a[0] !== null && !Array.isArray(a[0]),
  IS_PRIMITIVE: (a) => isPrimitive(a[0]),
  IS_STRING: (a) => typeof a[0] === 'string',
  CONCAT: (a) => (a.every((x) => typeof x === 'string') ? (a as string[]).join('') : undefined),
  LENGTH: str((s) => s.length),
  LOWER: str((s) => s.toLowerCase()),
  UPPER: str((s) => s.toUpperCase()),
  SUBSTRING: (a) => (typeof a[0] === 'string' && typeof a[1] === 'number' && typeof a[2] === 'number' ? a[0].substr(Math.max(0, a[1]), Math.max(0, a[2])) : undefined),
  INDEX_OF: strs((s, t) => s.indexOf(t)),
  STARTS_WITH: strs((s, t) => s.startsWith(t)),
  ENDS_WITH: strs((s, t) => s.endsWith(t)),
  CONTAINS: strs((s, t) => s.includes(t)),
};

export function compile(e: Expr): Compiled {
  switch (e.kind) {
    case 'literal': {
      const v = e.value;
      return () => v;
    }
    case 'app': {
      const name = e.name;
      return (ctx) => ctx.app[name];
    }
    case 'system': {
      const key = e.key;
      return (ctx) => ctx.system[key];
    }
    case 'body': {
      const path = e.path;
      return (ctx) => {
        let v: unknown = ctx.body;
        for (const k of path) v = step(v, k);
        return v as Value;
      };
    }
    case 'twin': {
      const path = e.path;
      return (ctx) => {
        let v: unknown = ctx.twin();
        for (const k of path) v = step(v, k);
        return v as Value;
      };
    }
    case 'not': {
      const f = compile(e.operand);
      return (ctx) => {
        const v = f(ctx);
        return typeof v === 'boolean' ? !v : undefined;
      };
    }
    case 'negate': {
      const f = compile(e.operand);
      return (ctx) => {
        const v = f(ctx);
        return typeof v === 'number' ? -v : undefined;
      };
    }
    case 'binary': {
      const l = compile(e.left);
      const r = compile(e.right);
      switch (e.op) {
        case 'AND':
          return (ctx) => {
            const a = l(ctx);
            if (a === false) return false;
            const b = r(ctx);
            if (b === false) return false;
            return a === true && b === true ? true : undefined;
          };
        case 'OR':
          return (ctx) => {
            const a = l(ctx);
            if (a === true) return true;
            const b = r(ctx);
            if (b === true) return true;
            return a === false && b === false ? false : undefined;
          };
        case '=':
        case '!=':
        case '<':
        case '>':
        case '<=':
        case '>=': {
          const op = e.op;
          return (ctx) => compare(op, l(ctx), r(ctx));
        }
        case '+':
        case '-':
        case '*':
        case '/':
        case '%': {
          const op = e.op;
          return (ctx) => arithmetic(op, l(ctx), r(ctx));
        }
        default: {
          const never: never = e.op;
          throw new Error(`unhandled operator ${String(never)}`);
        }
      }
    }
    case 'call': {
      const impl = FUNCTION_IMPLS[e.name];
      const args = e.args.map(compile);
      return (ctx) => impl(args.map((a) => a(ctx)));
    }
    default: {
      const never: never = e;
      throw new Error(`unhandled expression ${JSON.stringify(never)}`);
    }
  }
}

/** True only when the query evaluates to boolean true. */
export function matches(query: Compiled, ctx: RouteContext): boolean {
  return query(ctx) === true;
}
