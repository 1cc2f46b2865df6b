/**
 * Semantic checks, separate from parsing: aliases, JOIN/MATCH limits, projections, function
 * arguments, aggregates. Each failure names the rule and carries the position of the offending text.
 */
import type { Expr, Query, SelectItem } from './ast.js';
import { QueryErrors, describePosition, type Position } from './errors.js';
import { assertNever } from './lexer.js';
import { printExpr } from './print.js';
import { buildScope, resolvePath, type Scope } from './scope.js';

export interface AnalyzeOptions {
  /** Reject Twinworks extensions and enforce ADT's "$dtId required" rule for JOIN and MATCH. */
  readonly adtStrict?: boolean;
}

/** ADT limits: JOIN reference "up to five"; MATCH reference "maximum hops ... is 10"; Operators "IN/NIN ... 100 values". */
export const LIMITS = { joins: 5, hops: 10, inValues: 100, top: 2_147_483_647 } as const;

export interface Column {
  readonly name: string;
  readonly item: SelectItem;
}

export interface Analysis {
  readonly query: Query;
  readonly scope: Scope;
  /** Undefined for SELECT *. */
  readonly columns?: readonly Column[];
  /** GROUP BY or aggregate projections (COUNT() included). */
  readonly grouped: boolean;
}

const TYPE_CHECKS = new Set(['IS_DEFINED', 'IS_NULL', 'IS_BOOL', 'IS_NUMBER', 'IS_STRING', 'IS_PRIMITIVE', 'IS_OBJECT']);
const TWO_ARGS = new Set(['STARTSWITH', 'ENDSWITH', 'CONTAINS', 'ARRAY_CONTAINS']);

const fail = (code: Parameters<typeof QueryErrors.create>[0], message: string, position: Position, details: Record<string, unknown> = {}): never => {
  throw QueryErrors.create(code, `${message} (at ${describePosition(position)})`, { ...details, position });
};

export function analyze(query: Query, options: AnalyzeOptions = {}): Analysis {
  const from = query.from;
  if (from.kind === 'fromDigitalTwins' && from.joins.length > LIMITS.joins) {
    const extra = from.joins[LIMITS.joins]!;
    fail('too_many_joins', `A query can have at most ${LIMITS.joins} JOINs`, extra.pos, { max: LIMITS.joins });
  }
  if (from.kind === 'fromDigitalTwins' && from.match) checkMatch(query);
  const scope = buildScope(query);

  const top = query.select.top;
  if (top && (!Number.isInteger(top.count) || top.count < 1 || top.count > LIMITS.top)) {
    fail('invalid_top', `TOP needs a whole number from 1 to ${LIMITS.top}, got ${top.count}`, top.pos, { value: top.count });
  }

  const projection = query.select.projection;
  let columns: Column[] | undefined;
  let hasAggregate = false;
  if (projection.kind === 'star') {
    // ADT SELECT reference: "SELECT * is only valid syntax when the query does not use a JOIN".
    if (from.kind === 'fromDigitalTwins' && from.joins.length > 0) {
      fail('invalid_select', 'SELECT * cannot be used with JOIN; project the aliases you need, e.g. SELECT T, CT', projection.pos);
    }
  } else {
    columns = [];
    const seen = new Map<string, Position>();
    for (const item of projection.items) {
      if (item.expr.kind === 'aggregate') hasAggregate = true;
      checkExpr(item.expr, scope, 'select');
      const name = columnName(item, scope);
      const previous = seen.get(name);
      if (previous) {
        fail('duplicate_column', `Two columns would be named '${name}' (the first at ${describePosition(previous)}); rename one with AS`, item.pos, { column: name });
      }
      seen.set(name, item.pos);
      columns.push({ name, item });
    }
  }

  if (query.where) checkExpr(query.where, scope, 'where');
  const grouped = hasAggregate || query.groupBy !== undefined;
  if (query.groupBy) {
    for (const g of query.groupBy) {
      if (g.kind !== 'path') fail('invalid_aggregate', 'GROUP BY takes property paths or aliases', g.pos);
      checkExpr(g, scope, 'group');
    }
  }
  if (grouped) checkGrouping(query, columns, scope);
  for (const o of query.orderBy ?? []) {
    if (isOutputColumnRef(o.expr, columns, scope)) continue;
    if (o.expr.kind === 'aggregate' && !grouped) fail('invalid_aggregate', 'ORDER BY an aggregate needs GROUP BY or an aggregate SELECT', o.pos);
    checkExpr(o.expr, scope, grouped ? 'select' : 'order');
    if (grouped && o.expr.kind === 'path') {
      const key = groupKeyText(o.expr, scope);
      if (!(query.groupBy ?? []).some((g) => groupKeyText(g, scope) === key)) {
        fail('invalid_aggregate', `ORDER BY '${printExpr(o.expr)}' must be grouped, an aggregate or a projected column`, o.pos);
      }
    }
  }
  if (options.adtStrict) checkStrict(query, scope, columns);
  return { query, scope, columns, grouped };
}

/** `ORDER BY name` where `name` is a projected column (and not a collection alias). */
export function isOutputColumnRef(e: Expr, columns: readonly Column[] | undefined, scope: Scope): boolean {
  if (e.kind !== 'path' || e.segments.length !== 1 || !columns) return false;
  const name = e.segments[0] as string;
  return columns.some((c) => c.name === name) && !scope.byName.get(name)?.visible;
}

export function columnName(item: SelectItem, scope: Scope): string {
  if (item.alias !== undefined) return item.alias;
  if (item.expr.kind === 'aggregate') return item.expr.name;
  const resolved = resolvePath(scope, item.expr);
  return resolved.property.length === 0 ? resolved.binding.name : (resolved.property[resolved.property.length - 1] as string);
}

function checkMatch(query: Query): void {
  const from = query.from;
  if (from.kind !== 'fromDigitalTwins' || !from.match) return;
  const m = from.match;
  if (!m.nodes.some((n) => n.name)) fail('invalid_match', 'A MATCH pattern needs at least one named twin', m.pos);
  let total = 0;
  for (const edge of m.edges) {
    const h = edge.hops;
    let max = 1;
    if (h?.kind === 'exact') {
      if (!Number.isInteger(h.count) || h.count < 1) fail('invalid_hops', `A hop count must be a whole number of at least 1, got ${h.count}`, h.pos);
      max = h.count;
    } else if (h?.kind === 'range') {
      const lo = h.from ?? 0;
      if (!Number.isInteger(lo) || !Number.isInteger(h.to) || lo < 0 || h.to < 1) {
        fail('invalid_hops', 'Hop limits must be whole numbers (start ≥ 0, end ≥ 1)', h.pos);
      }
      // The start is exclusive (ADT MATCH reference), so *a..b with a ≥ b can match nothing.
      if (lo >= h.to) fail('invalid_hops', `In *${lo}..${h.to} the start is excluded, so the end must be greater than the start`, h.pos);
      max = h.to;
    }
    if (edge.variable && max > 1) {
      // ADT MATCH reference: "Assigning a query variable to the relationship is only supported when the query specifies a single hop."
      fail('invalid_hops', `Relationship variable '${edge.variable.name}' needs a single hop`, edge.variable.pos, { variable: edge.variable.name });
    }
    total += max;
  }
  if (total > LIMITS.hops) fail('too_many_hops', `The pattern spans up to ${total} hops; at most ${LIMITS.hops} are allowed`, m.pos, { hops: total, max: LIMITS.hops });
}

type Clause = 'select' | 'where' | 'group' | 'order';

function checkExpr(e: Expr, scope: Scope, clause: Clause): void {
  switch (e.kind) {
    case 'literal':
      return;
    case 'path':
      resolvePath(scope, e);
      return;
    case 'comparison':
      checkExpr(e.left, scope, clause);
      checkExpr(e.right, scope, clause);
      return;
    case 'in':
      checkExpr(e.operand, scope, clause);
      if (e.values.length > LIMITS.inValues) {
        fail('too_many_values', `${e.negated ? 'NIN' : 'IN'} takes at most ${LIMITS.inValues} values, got ${e.values.length}`, e.pos, { max: LIMITS.inValues });
      }
      return;
    case 'logical':
      checkExpr(e.left, scope, clause);
      checkExpr(e.right, scope, clause);
      return;
    case 'not':
      checkExpr(e.operand, scope, clause);
      return;
    case 'call':
      checkCall(e, scope, clause);
      return;
    case 'aggregate':
      if (clause === 'where' || clause === 'group' || clause === 'order') {
        fail('invalid_aggregate', `${e.name}() is not allowed in ${clause === 'where' ? 'WHERE' : clause === 'group' ? 'GROUP BY' : 'ORDER BY without GROUP BY'}`, e.pos);
      }
      if (e.arg) resolvePath(scope, e.arg);
      return;
    default:
      assertNever(e);
  }
}

function checkCall(e: Extract<Expr, { kind: 'call' }>, scope: Scope, clause: Clause): void {
  const bad = (why: string): never => fail('invalid_function_call', `${e.name}: ${why}`, e.pos, { function: e.name });
  if (clause !== 'where') bad('functions can only be used in WHERE');
  for (const a of e.args) {
    if (a.kind === 'call' || a.kind === 'aggregate') bad('arguments must be properties or values');
    checkExpr(a, scope, clause);
  }
  if (e.name === 'IS_OF_MODEL') {
    if (scope.source === 'relationships') bad('relationships have no model');
    const [first, second] = e.args;
    const model = e.args.length === 2 ? second : first;
    if (e.args.length < 1 || e.args.length > 2 || model?.kind !== 'literal' || typeof model.value !== 'string') {
      bad("expected IS_OF_MODEL([collection,] 'model-id'[, exact])");
    }
    if (e.args.length === 2) {
      const b = first?.kind === 'path' && first.segments.length === 1 ? scope.byName.get(first.segments[0] as string) : undefined;
      if (!b || !b.visible || b.kind !== 'twin') bad('the first argument must be a twin collection alias');
    } else if (!scope.implicit || scope.implicit.kind !== 'twin') {
      // ADT functions reference: the collection is needed "when there's more than one (like when a JOIN is used)".
      throw QueryErrors.create('ambiguous_collection', `IS_OF_MODEL needs a collection alias when the query has several twin collections (at ${describePosition(e.pos)})`, {
        position: e.pos,
      });
    }
    return;
  }
  if (TYPE_CHECKS.has(e.name) && e.args.length !== 1) bad('expected exactly one argument');
  if (TWO_ARGS.has(e.name) && e.args.length !== 2) bad('expected exactly two arguments');
  if (e.exact) bad('only IS_OF_MODEL takes exact');
}

function checkGrouping(query: Query, columns: readonly Column[] | undefined, scope: Scope): void {
  if (!columns) fail('invalid_aggregate', 'SELECT * cannot be combined with GROUP BY', query.select.projection.pos);
  const groups = (query.groupBy ?? []).map((g) => groupKeyText(g, scope));
  for (const c of columns ?? []) {
    if (c.item.expr.kind === 'aggregate') continue;
    if (!groups.includes(groupKeyText(c.item.expr, scope))) {
      const hint = query.groupBy ? 'add it to GROUP BY' : 'add GROUP BY, or select only aggregates';
      fail('invalid_aggregate', `'${printExpr(c.item.expr)}' is neither an aggregate nor grouped; ${hint}`, c.item.pos);
    }
  }
}

/** Canonical text of a grouped expression, with unqualified paths qualified, for matching SELECT items. */
export function groupKeyText(e: Expr, scope: Scope): string {
  if (e.kind !== 'path') return printExpr(e);
  const r = resolvePath(scope, e);
  return [String(r.binding.slot), ...r.property].join('\u0000');
}

function checkStrict(query: Query, scope: Scope, columns: readonly Column[] | undefined): void {
  const ext = (what: string, pos: Position): never => fail('extension_not_allowed', `${what} is a Twinworks extension, not ADT`, pos);
  if (query.groupBy) ext('GROUP BY', query.groupBy[0]!.pos);
  if (query.orderBy) ext('ORDER BY', query.orderBy[0]!.pos);
  for (const c of columns ?? []) {
    const e = c.item.expr;
    if (e.kind === 'aggregate' && (e.name !== 'COUNT' || columns!.length > 1 || c.item.alias)) ext(`${e.name}() here`, c.item.pos);
  }
  const needsId = scope.edges.length > 0 || scope.isMatch;
  if (needsId && !(query.where && hasDtIdFilter(query.where))) {
    fail('dtid_required', 'JOIN and MATCH queries must filter a twin by $dtId in WHERE (ADT JOIN and MATCH references)', query.from.pos);
  }
}

function hasDtIdFilter(e: Expr): boolean {
  if (e.kind === 'logical') return e.op === 'AND' ? hasDtIdFilter(e.left) || hasDtIdFilter(e.right) : hasDtIdFilter(e.left) && hasDtIdFilter(e.right);
  const isId = (x: Expr) => x.kind === 'path' && x.segments[x.segments.length - 1] === '$dtId';
  if (e.kind === 'comparison') return e.op === '=' && (isId(e.left) || isId(e.right));
  return e.kind === 'in' && !e.negated && isId(e.operand);
}

