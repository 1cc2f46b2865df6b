/**
 * Planner: starts from the most selective index (see access.ts), walks the relationship pattern
 * outwards from there through the adjacency indexes (in either direction, whichever side is
 * bound), and applies every remaining WHERE conjunct as soon as all collections it mentions are bound.
 */
import { chooseAccess, conjuncts, type Access } from './access.js';
import type { Analysis } from './analyze.js';
import type { Expr, PathExpr } from './ast.js';
import { compilePredicate, type PredicateFn } from './compile.js';
import { assertNever } from './lexer.js';
import type { GraphReader } from './port.js';
import { resolvePath, type PatternEdge, type Scope } from './scope.js';

export interface Filter {
  readonly expr: Expr;
  readonly test: PredicateFn;
}

/** Walk one pattern edge from the bound `fromSlot` to `toSlot` (`reversed` = against the edge's own orientation). */
export interface Expansion {
  readonly edge: PatternEdge;
  readonly fromSlot: number;
  readonly toSlot: number;
  readonly reversed: boolean;
  /** Which adjacency index to read, from the bound twin's point of view. */
  readonly via: 'outgoing' | 'incoming' | 'both';
  /** The far end was bound earlier (a cycle in the pattern): only edges reaching it count. */
  readonly toBound: boolean;
}

export type Stage =
  | { readonly kind: 'access'; readonly access: Access; readonly filters: readonly Filter[] }
  | { readonly kind: 'expand'; readonly expansion: Expansion; readonly filters: readonly Filter[] };

/** `SELECT COUNT()` answered from index sizes alone. */
export type CountShortcut =
  | { readonly kind: 'models'; readonly models: readonly string[] }
  | { readonly kind: 'allTwins' }
  | { readonly kind: 'allRelationships' }
  | { readonly kind: 'propertySets'; readonly sizes: number };

export interface Plan {
  readonly analysis: Analysis;
  readonly stages: readonly Stage[];
  /** MATCH rows are distinct combinations of the named twins and relationship variables. */
  readonly distinct: boolean;
  readonly countShortcut?: CountShortcut;
}

export interface PlanOptions {
  /** Start from this index (an accessFingerprint), as a continuation token requires. */
  readonly preferAccess?: string;
}

export function plan(analysis: Analysis, reader: GraphReader, options: PlanOptions = {}): Plan {
  const { scope, query } = analysis;
  const access = chooseAccess(query.where, scope, reader, options.preferAccess);
  const consumed = 'conjunct' in access ? access.conjunct : undefined;
  const pending = conjuncts(query.where)
    .filter((c) => c !== consumed)
    .map((expr) => ({ expr, slots: slotsOf(expr, scope) }));

  const bound = new Set<number>([access.slot]);
  const take = (): Filter[] => {
    const ready = pending.filter((p) => [...p.slots].every((s) => bound.has(s)));
    for (const r of ready) pending.splice(pending.indexOf(r), 1);
    return ready.map((r) => ({ expr: r.expr, test: compilePredicate(r.expr, { scope, reader }) }));
  };

  const stages: Stage[] = [{ kind: 'access', access, filters: take() }];
  const remaining = [...scope.edges];
  // The pattern is a tree (JOIN) or a chain (MATCH), so some edge always touches a bound twin.
  while (remaining.length > 0) {
    const i = remaining.findIndex((e) => bound.has(e.fromSlot) || bound.has(e.toSlot));
    const edge = remaining.splice(i < 0 ? 0 : i, 1)[0]!;
    const reversed = !bound.has(edge.fromSlot);
    const fromSlot = reversed ? edge.toSlot : edge.fromSlot;
    const toSlot = reversed ? edge.fromSlot : edge.toSlot;
    const toBound = bound.has(toSlot);
    bound.add(toSlot);
    if (edge.relSlot !== undefined) bound.add(edge.relSlot);
    stages.push({ kind: 'expand', expansion: { edge, fromSlot, toSlot, reversed, via: via(edge, reversed), toBound }, filters: take() });
  }
  if (pending.length > 0) {
    // Unreachable: every slot is bound by now. Kept as a guard against planner bugs.
    throw new Error('planner left conditions unplaced');
  }
  return { analysis, stages, distinct: scope.isMatch, countShortcut: countShortcut(analysis, stages) };
}

function via(edge: PatternEdge, reversed: boolean): Expansion['via'] {
  switch (edge.direction) {
    case 'both':
      return 'both';
    case 'out':
      return reversed ? 'incoming' : 'outgoing';
    case 'in':
      return reversed ? 'outgoing' : 'incoming';
    default:
      return assertNever(edge.direction);
  }
}

function countShortcut(analysis: Analysis, stages: readonly Stage[]): CountShortcut | undefined {
  const cols = analysis.columns;
  const onlyCount = cols?.length === 1 && cols[0]!.item.expr.kind === 'aggregate' && cols[0]!.item.expr.name === 'COUNT';
  const first = stages[0];
  if (!onlyCount || analysis.query.groupBy || stages.length !== 1 || !first || first.kind !== 'access' || first.filters.length > 0) {
    return undefined;
  }
  const a = first.access;
  switch (a.kind) {
    case 'twinsByModel':
      return { kind: 'models', models: a.models };
    case 'twinScan':
      return { kind: 'allTwins' };
    case 'relationshipScan':
      return { kind: 'allRelationships' };
    case 'twinsByProperty':
      return { kind: 'propertySets', sizes: a.sets.reduce((n, s) => n + s.size, 0) };
    case 'twinIds': // ids may not exist: count by reading them
    case 'relationshipsByTwin':
      return undefined;
    default:
      return assertNever(a);
  }
}

/** The scope slots an expression reads. */
export function slotsOf(e: Expr, scope: Scope): Set<number> {
  const out = new Set<number>();
  const visit = (x: Expr): void => {
    switch (x.kind) {
      case 'literal':
        return;
      case 'path':
        out.add(resolvePath(scope, x).binding.slot);
        return;
      case 'comparison':
      case 'logical':
        visit(x.left);
        visit(x.right);
        return;
      case 'in':
        visit(x.operand);
        return;
      case 'not':
        visit(x.operand);
        return;
      case 'call':
        if (x.name === 'IS_OF_MODEL') {
          out.add(x.args.length === 2 ? scope.byName.get((x.args[0] as PathExpr).segments[0] as string)!.slot : scope.implicit!.slot);
        } else x.args.forEach(visit);
        return;
      case 'aggregate':
        if (x.arg) visit(x.arg);
        return;
      default:
        assertNever(x);
    }
  };
  visit(e);
  return out;
}
