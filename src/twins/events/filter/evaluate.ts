/**
 * Evaluates a filter against a CloudEvent. A missing attribute or `$body` member is `undefined`,
 * and comparing it (or values of different JSON types) is false; so is ordering anything but two
 * numbers or two strings. Arrays are not looked into (ADT: "doesn't support filtering events based
 * on fields within an array").
 */
import type { FilterExpr, Literal } from './ast.js';

export interface FilterableEvent {
  readonly [attribute: string]: unknown;
  readonly data?: unknown;
}

export function matches(expr: FilterExpr, event: FilterableEvent): boolean {
  return truthy(evaluate(expr, event));
}

function truthy(v: unknown): boolean {
  return v === true;
}

function evaluate(e: FilterExpr, event: FilterableEvent): unknown {
  switch (e.kind) {
    case 'literal':
      return e.value;
    case 'attribute':
      return event[e.name];
    case 'body': {
      let v: unknown = event.data;
      for (const seg of e.path) {
        if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
        v = (v as Record<string, unknown>)[seg];
      }
      return v;
    }
    case 'compare':
      return compare(e.op, evaluate(e.left, event), evaluate(e.right, event));
    case 'logical': {
      const l = truthy(evaluate(e.left, event));
      if (e.op === 'AND') return l && truthy(evaluate(e.right, event));
      return l || truthy(evaluate(e.right, event));
    }
    case 'not':
      return !truthy(evaluate(e.operand, event));
    case 'call': {
      const [a, b] = e.args.map((x) => evaluate(x, event));
      if (typeof a !== 'string' || typeof b !== 'string') return false;
      switch (e.name) {
        case 'STARTS_WITH':
          return a.startsWith(b);
        case 'ENDS_WITH':
          return a.endsWith(b);
        default:
          return a.includes(b);
      }
    }
    default:
      return assertNever(e);
  }
}

function compare(op: string, a: unknown, b: unknown): boolean {
  if (!isLiteral(a) || !isLiteral(b)) return false;
  if (op === '=') return a === b;
  // `$body.prop != null` (ADT's own example) must hold for any non-null value, so no type check here.
  if (op === '!=') return a !== b;
  if (!((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string'))) return false;
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    default:
      return a >= b;
  }
}

function isLiteral(v: unknown): v is Literal {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function assertNever(x: never): never {
  throw new Error(`unexpected filter node ${JSON.stringify(x)}`);
}
