/** AST → query text, for EXPLAIN output and messages. Reserved words are re-escaped as [[word]]. */
import type { Expr, Literal, MatchEdge } from './ast.js';
import { RESERVED } from './cursor.js';
import { assertNever } from './lexer.js';

export function printLiteral(v: Literal): string {
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return String(v);
}

function printSegment(s: string, first: boolean): string {
  const plain = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s);
  if (!plain || (first && RESERVED.has(s.toUpperCase()))) return `[[${s}]]`;
  return s;
}

export function printPath(segments: readonly string[]): string {
  return segments.map((s, i) => printSegment(s, i === 0)).join('.');
}

export function printExpr(e: Expr): string {
  switch (e.kind) {
    case 'literal':
      return printLiteral(e.value);
    case 'path':
      return printPath(e.segments);
    case 'comparison':
      return `${printExpr(e.left)} ${e.op} ${printExpr(e.right)}`;
    case 'in':
      return `${printExpr(e.operand)} ${e.negated ? 'NIN' : 'IN'} [${e.values.map((v) => printLiteral(v.value)).join(', ')}]`;
    case 'logical':
      return `${wrap(e.left, e.op)} ${e.op} ${wrap(e.right, e.op)}`;
    case 'not':
      return `NOT ${e.operand.kind === 'logical' ? `(${printExpr(e.operand)})` : printExpr(e.operand)}`;
    case 'call': {
      const args = e.args.map(printExpr);
      if (e.exact) args.push('exact');
      return `${e.name}(${args.join(', ')})`;
    }
    case 'aggregate':
      return `${e.name}(${e.arg ? printExpr(e.arg) : ''})`;
    default:
      return assertNever(e);
  }
}

function wrap(e: Expr, parentOp: 'AND' | 'OR'): string {
  return e.kind === 'logical' && e.op !== parentOp ? `(${printExpr(e)})` : printExpr(e);
}

export function printEdge(edge: MatchEdge, from: string, to: string): string {
  let inner = edge.variable ? edge.variable.name : '';
  if (edge.names.length > 0) inner += `:${edge.names.join('|')}`;
  if (edge.hops?.kind === 'exact') inner += `*${edge.hops.count}`;
  else if (edge.hops?.kind === 'range') inner += `*${edge.hops.from ?? ''}..${edge.hops.to}`;
  const left = edge.direction === 'left' ? '<-' : '-';
  const right = edge.direction === 'right' ? '->' : '-';
  return `(${from})${left}[${inner}]${right}(${to})`;
}
