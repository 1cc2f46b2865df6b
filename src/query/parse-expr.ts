/**
 * Expressions of WHERE / ORDER BY / GROUP BY and the SELECT items.
 * Precedence (loosest first): OR, AND, NOT, predicate (comparison, IN/NIN, function call).
 * ADT reference, Operators: comparison `= != < > <= >=`, contains `IN NIN`, logical `AND OR NOT`.
 */
import type { AggregateExpr, AggregateName, ComparisonOp, Expr, FunctionCallExpr, LiteralExpr, PathExpr } from './ast.js';
import { RESERVED, type TokenCursor } from './cursor.js';

/** ADT reference, Functions; STARTS_WITH/ENDS_WITH are the older spellings still reserved. */
export const FUNCTION_NAMES = new Set([
  'IS_OF_MODEL', 'IS_DEFINED', 'IS_NULL', 'IS_BOOL', 'IS_NUMBER', 'IS_STRING', 'IS_PRIMITIVE', 'IS_OBJECT',
  'STARTSWITH', 'ENDSWITH', 'CONTAINS', 'ARRAY_CONTAINS',
]);
const FUNCTION_ALIASES: Readonly<Record<string, string>> = { STARTS_WITH: 'STARTSWITH', ENDS_WITH: 'ENDSWITH' };
export const AGGREGATE_NAMES = new Set<AggregateName>(['COUNT', 'SUM', 'AVG', 'MIN', 'MAX']);
const COMPARISONS: readonly ComparisonOp[] = ['=', '!=', '<=', '>=', '<', '>'];

export function parseExpr(c: TokenCursor): Expr {
  let left = parseAnd(c);
  for (;;) {
    const op = c.acceptWord('OR');
    if (!op) return left;
    left = { kind: 'logical', op: 'OR', left, right: parseAnd(c), pos: op.pos };
  }
}

function parseAnd(c: TokenCursor): Expr {
  let left = parseNot(c);
  for (;;) {
    const op = c.acceptWord('AND');
    if (!op) return left;
    left = { kind: 'logical', op: 'AND', left, right: parseNot(c), pos: op.pos };
  }
}

function parseNot(c: TokenCursor): Expr {
  const not = c.acceptWord('NOT');
  if (not) return { kind: 'not', operand: parseNot(c), pos: not.pos };
  return parsePredicate(c);
}

function parsePredicate(c: TokenCursor): Expr {
  if (c.acceptPunct('(')) {
    const inner = parseExpr(c);
    c.expectPunct(')');
    return inner;
  }
  const left = parseOperand(c);
  if (left.kind === 'call') return left;
  c.splitLeftArrow();
  for (const op of COMPARISONS) {
    const t = c.acceptPunct(op);
    if (t) return { kind: 'comparison', op, left, right: parseOperand(c), pos: t.pos };
  }
  const inTok = c.acceptWord('IN');
  if (inTok) return { kind: 'in', negated: false, operand: left, values: parseList(c), pos: inTok.pos };
  const ninTok = c.acceptWord('NIN');
  if (ninTok) return { kind: 'in', negated: true, operand: left, values: parseList(c), pos: ninTok.pos };
  // `NOT IN` is accepted as a synonym of NIN.
  if (c.isWord('NOT') && c.peek(1).kind === 'word' && (c.peek(1) as { upper: string }).upper === 'IN') {
    const notTok = c.next();
    c.next();
    return { kind: 'in', negated: true, operand: left, values: parseList(c), pos: notTok.pos };
  }
  return c.fail();
}

function parseList(c: TokenCursor): LiteralExpr[] {
  c.expectPunct('[');
  const values: LiteralExpr[] = [];
  if (c.acceptPunct(']')) return values;
  do {
    const v = parseOperand(c);
    // ADT reference, Operators: IN/NIN take a list of values, not expressions.
    if (v.kind !== 'literal') c.failAt(v.pos, ['a literal value'], v.kind === 'path' ? `'${v.segments.join('.')}'` : 'a function call');
    values.push(v);
  } while (c.acceptPunct(','));
  c.expectPunct(']');
  return values;
}

/** A literal, a property path, a function call or an aggregate call. */
export function parseOperand(c: TokenCursor): Expr {
  const t = c.peek();
  if (t.kind === 'string' || t.kind === 'number') {
    c.next();
    return { kind: 'literal', value: t.value, pos: t.pos };
  }
  if (t.kind === 'punct' && t.value === '-') {
    c.next();
    const n = c.expectNumber('a number');
    return { kind: 'literal', value: -n.value, pos: t.pos };
  }
  if (t.kind === 'word' && !t.escaped) {
    if (t.upper === 'TRUE' || t.upper === 'FALSE' || t.upper === 'NULL') {
      c.next();
      return { kind: 'literal', value: t.upper === 'NULL' ? null : t.upper === 'TRUE', pos: t.pos };
    }
    const next = c.peek(1);
    if (next.kind === 'punct' && next.value === '(') {
      const name = FUNCTION_ALIASES[t.upper] ?? t.upper;
      if (AGGREGATE_NAMES.has(name as AggregateName)) return parseAggregate(c);
      if (FUNCTION_NAMES.has(name)) return parseCall(c, name);
      return c.failAt(t.pos, ['a known function'], `'${t.text}'`);
    }
  }
  if (t.kind === 'word' && (t.escaped || !RESERVED.has(t.upper))) return parsePath(c);
  c.note('a value');
  if (t.kind === 'word') c.note(`[[${t.text}]] (${t.upper} is reserved)`);
  return c.fail();
}

export function parsePath(c: TokenCursor): PathExpr {
  const head = c.acceptIdentifier('a property or collection alias', { allowClauseWords: true }) ?? c.fail();
  const segments = [head.name];
  while (c.acceptPunct('.')) segments.push(c.expectAnyWord('a property name').name);
  return { kind: 'path', segments, pos: head.pos };
}

export function parseAggregate(c: TokenCursor): AggregateExpr {
  const t = c.next() as { upper: string; pos: AggregateExpr['pos'] };
  const name = t.upper as AggregateName;
  c.expectPunct('(');
  if (name === 'COUNT') {
    c.expectPunct(')');
    return { kind: 'aggregate', name, pos: t.pos };
  }
  const arg = parsePath(c);
  c.expectPunct(')');
  return { kind: 'aggregate', name, arg, pos: t.pos };
}

function parseCall(c: TokenCursor, name: string): FunctionCallExpr {
  const t = c.next();
  c.expectPunct('(');
  const args: Expr[] = [];
  let exact = false;
  if (!c.acceptPunct(')')) {
    do {
      // IS_OF_MODEL(..., exact): `exact` is a bare flag, only as the last argument.
      const w = c.peek();
      const after = c.peek(1);
      if (
        name === 'IS_OF_MODEL' && w.kind === 'word' && !w.escaped && w.upper === 'EXACT' &&
        after.kind === 'punct' && after.value === ')'
      ) {
        c.next();
        exact = true;
        break;
      }
      args.push(parseOperand(c));
    } while (c.acceptPunct(','));
    c.expectPunct(')');
  }
  return { kind: 'call', name, args, exact, pos: t.pos };
}
