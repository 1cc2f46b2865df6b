/**
 * Expressions → closures over a row, compiled once per query so the per-row work is plain
 * property access (ADT reference, Functions and Operators; value rules in values.ts).
 */
import type { Expr, PathExpr } from './ast.js';
import { assertNever } from './lexer.js';
import type { GraphReader, RelationshipDocument, TwinDocument } from './port.js';
import { resolvePath, type Scope } from './scope.js';
import { and, compare, equals, jsonType, not, or, valueAtPath, type Tri } from './values.js';

export type Doc = TwinDocument | RelationshipDocument;
/** One binding per scope slot; undefined until the executor binds it. */
export type Row = (Doc | undefined)[];
export type ValueFn = (row: Row) => unknown;
export type PredicateFn = (row: Row) => Tri;

export interface CompileContext {
  readonly scope: Scope;
  readonly reader: GraphReader;
}

export function compilePath(path: PathExpr, ctx: CompileContext): ValueFn {
  const { binding, property } = resolvePath(ctx.scope, path);
  const slot = binding.slot;
  if (property.length === 0) return (row) => row[slot];
  if (property.length === 1) {
    const key = property[0] as string;
    return (row) => {
      const d = row[slot];
      return d === undefined ? undefined : (d as Record<string, unknown>)[key];
    };
  }
  return (row) => valueAtPath(row[slot], property);
}

export function compileValue(e: Expr, ctx: CompileContext): ValueFn {
  switch (e.kind) {
    case 'literal': {
      const v = e.value;
      return () => v;
    }
    case 'path':
      return compilePath(e, ctx);
    case 'aggregate':
      // Aggregates are evaluated per group by aggregate.ts, never per row.
      throw new Error('aggregate compiled as a row value');
    case 'comparison':
    case 'in':
    case 'logical':
    case 'not':
    case 'call':
      return compilePredicate(e, ctx);
    default:
      return assertNever(e);
  }
}

export function compilePredicate(e: Expr, ctx: CompileContext): PredicateFn {
  switch (e.kind) {
    case 'literal': {
      const v = e.value;
      return () => (typeof v === 'boolean' ? v : undefined);
    }
    case 'path': {
      const f = compilePath(e, ctx);
      return (row) => {
        const v = f(row);
        return typeof v === 'boolean' ? v : undefined;
      };
    }
    case 'comparison':
      return compileComparison(e.op, compileValue(e.left, ctx), compileValue(e.right, ctx));
    case 'in': {
      const operand = compileValue(e.operand, ctx);
      const values = e.values.map((v) => v.value);
      const negated = e.negated;
      return (row) => {
        const v = operand(row);
        if (v === undefined) return undefined;
        const found = values.some((x) => equals(v, x) === true);
        return negated ? !found : found;
      };
    }
    case 'logical': {
      const l = compilePredicate(e.left, ctx);
      const r = compilePredicate(e.right, ctx);
      return e.op === 'AND' ? (row) => and(l(row), r(row)) : (row) => or(l(row), r(row));
    }
    case 'not': {
      const inner = compilePredicate(e.operand, ctx);
      return (row) => not(inner(row));
    }
    case 'call':
      return compileCall(e, ctx);
    case 'aggregate':
      throw new Error('aggregate compiled as a predicate');
    default:
      return assertNever(e);
  }
}

function compileComparison(op: string, l: ValueFn, r: ValueFn): PredicateFn {
  switch (op) {
    case '=':
      return (row) => equals(l(row), r(row));
    case '!=':
      return (row) => not(equals(l(row), r(row)));
    default: {
      const test = op === '<' ? (c: number) => c < 0 : op === '>' ? (c: number) => c > 0 : op === '<=' ? (c: number) => c <= 0 : (c: number) => c >= 0;
      return (row) => {
        const c = compare(l(row), r(row));
        return c === undefined ? undefined : test(c);
      };
    }
  }
}

function compileCall(e: Extract<Expr, { kind: 'call' }>, ctx: CompileContext): PredicateFn {
  if (e.name === 'IS_OF_MODEL') {
    const models = isOfModelSet(e, ctx);
    const slot = isOfModelSlot(e, ctx.scope);
    return (row) => {
      const twin = row[slot] as TwinDocument | undefined;
      return twin === undefined ? undefined : models.has(twin.$metadata?.$model);
    };
  }
  const args = e.args.map((a) => compileValue(a, ctx));
  const a0 = args[0] as ValueFn;
  const a1 = args[1] as ValueFn;
  switch (e.name) {
    case 'IS_DEFINED':
      return (row) => a0(row) !== undefined;
    case 'IS_NULL':
      return (row) => a0(row) === null;
    case 'IS_BOOL':
      return (row) => typeof a0(row) === 'boolean';
    case 'IS_NUMBER':
      return (row) => typeof a0(row) === 'number';
    case 'IS_STRING':
      return (row) => typeof a0(row) === 'string';
    case 'IS_OBJECT':
      return (row) => jsonType(a0(row)) === 'object';
    case 'IS_PRIMITIVE':
      return (row) => {
        const t = jsonType(a0(row));
        return t === 'string' || t === 'number' || t === 'boolean' || t === 'null';
      };
    case 'STARTSWITH':
      return strings(a0, a1, (s, x) => s.startsWith(x));
    case 'ENDSWITH':
      return strings(a0, a1, (s, x) => s.endsWith(x));
    case 'CONTAINS':
      return strings(a0, a1, (s, x) => s.includes(x));
    case 'ARRAY_CONTAINS':
      // ADT functions reference: top level only, no nested arrays, not for arrays of objects.
      return (row) => {
        const arr = a0(row);
        const v = a1(row);
        if (!Array.isArray(arr) || v === undefined || jsonType(v) === 'object' || jsonType(v) === 'array') return undefined;
        return arr.some((x) => equals(x, v) === true);
      };
    default:
      throw new Error(`unknown function ${e.name}`);
  }
}

function strings(a: ValueFn, b: ValueFn, test: (s: string, x: string) => boolean): PredicateFn {
  return (row) => {
    const s = a(row);
    const x = b(row);
    return typeof s === 'string' && typeof x === 'string' ? test(s, x) : undefined;
  };
}

/** ADT functions reference: IS_OF_MODEL includes models that inherit from the given one unless `exact`. */
export function isOfModelSet(e: Extract<Expr, { kind: 'call' }>, ctx: CompileContext): Set<string> {
  const model = isOfModelId(e);
  return new Set(e.exact ? [model] : ctx.reader.modelAndDescendants(model));
}

export function isOfModelId(e: Extract<Expr, { kind: 'call' }>): string {
  const lit = e.args[e.args.length - 1];
  return lit?.kind === 'literal' ? String(lit.value) : '';
}

export function isOfModelSlot(e: Extract<Expr, { kind: 'call' }>, scope: Scope): number {
  if (e.args.length === 2) {
    const first = e.args[0] as PathExpr;
    return scope.byName.get(first.segments[0] as string)!.slot;
  }
  return scope.implicit!.slot;
}
