/**
 * Index candidates: which top-level WHERE conjuncts can serve as the starting point of a query,
 * and how many documents each would read. The planner picks the cheapest.
 */
import type { Expr, Literal } from './ast.js';
import { isOfModelId, isOfModelSlot } from './compile.js';
import { QueryErrors } from './errors.js';
import { printExpr } from './print.js';
import type { GraphReader, IdCollection, IndexableValue } from './port.js';
import { resolvePath, type Scope } from './scope.js';

export type Access =
  | { readonly kind: 'twinIds'; readonly slot: number; readonly ids: readonly string[]; readonly estimate: number; readonly conjunct: Expr }
  | {
      readonly kind: 'twinsByModel'; readonly slot: number; readonly model: string; readonly models: readonly string[];
      readonly exact: boolean; readonly estimate: number; readonly conjunct: Expr;
    }
  | {
      readonly kind: 'twinsByProperty'; readonly slot: number; readonly path: readonly string[]; readonly values: readonly IndexableValue[];
      readonly sets: readonly IdCollection[]; readonly estimate: number; readonly conjunct: Expr;
    }
  | { readonly kind: 'twinScan'; readonly slot: number; readonly estimate: number }
  | {
      readonly kind: 'relationshipsByTwin'; readonly slot: number; readonly side: 'source' | 'target';
      readonly twinIds: readonly string[]; readonly conjunct: Expr; readonly estimate: number;
    }
  | { readonly kind: 'relationshipScan'; readonly slot: number; readonly estimate: number };

/** Flattens top-level ANDs: only these conjuncts can be answered by an index on their own. */
export function conjuncts(e: Expr | undefined): Expr[] {
  if (!e) return [];
  if (e.kind === 'logical' && e.op === 'AND') return [...conjuncts(e.left), ...conjuncts(e.right)];
  return [e];
}

interface Equality {
  readonly slot: number;
  readonly property: readonly string[];
  readonly values: readonly Literal[];
}

/** `X.p = literal`, `literal = X.p` or `X.p IN [...]`, resolved to a slot and property path. */
function asEquality(e: Expr, scope: Scope): Equality | undefined {
  if (e.kind === 'comparison' && e.op === '=') {
    const [path, lit] = e.left.kind === 'path' ? [e.left, e.right] : [e.right, e.left];
    if (path.kind !== 'path' || lit.kind !== 'literal') return undefined;
    const r = resolvePath(scope, path);
    return { slot: r.binding.slot, property: r.property, values: [lit.value] };
  }
  if (e.kind === 'in' && !e.negated && e.operand.kind === 'path') {
    const r = resolvePath(scope, e.operand);
    return { slot: r.binding.slot, property: r.property, values: [...new Set(e.values.map((v) => v.value))] };
  }
  return undefined;
}

const isId = (p: readonly string[], name: string) => p.length === 1 && p[0] === name;

/** Every index that could start the query, for twin slots (twins source) or the relationship slot. */
export function candidates(where: Expr | undefined, scope: Scope, reader: GraphReader): Access[] {
  const out: Access[] = [];
  for (const c of conjuncts(where)) {
    if (c.kind === 'call' && c.name === 'IS_OF_MODEL' && scope.source === 'twins') {
      const slot = isOfModelSlot(c, scope);
      const model = isOfModelId(c);
      const models = c.exact ? [model] : reader.modelAndDescendants(model);
      out.push({ kind: 'twinsByModel', slot, model, models, exact: c.exact, estimate: reader.countByModel(models), conjunct: c });
      continue;
    }
    const eq = asEquality(c, scope);
    if (!eq) continue;
    const binding = scope.bindings[eq.slot]!;
    if (binding.kind === 'relationship') {
      if (scope.source !== 'relationships') continue;
      const side = isId(eq.property, '$sourceId') ? 'source' : isId(eq.property, '$targetId') ? 'target' : undefined;
      const ids = eq.values.filter((v): v is string => typeof v === 'string');
      // A relationship has ~3 neighbours on average in our graphs; any factor works for ranking sources.
      if (side) out.push({ kind: 'relationshipsByTwin', slot: eq.slot, side, twinIds: ids, conjunct: c, estimate: ids.length * 3 });
      continue;
    }
    if (isId(eq.property, '$dtId')) {
      const ids = eq.values.filter((v): v is string => typeof v === 'string');
      out.push({ kind: 'twinIds', slot: eq.slot, ids, estimate: ids.length, conjunct: c });
    } else if (eq.property.length === 2 && eq.property[0] === '$metadata' && eq.property[1] === '$model') {
      const models = eq.values.filter((v): v is string => typeof v === 'string');
      out.push({ kind: 'twinsByModel', slot: eq.slot, model: models.join(', '), models, exact: true, estimate: reader.countByModel(models), conjunct: c });
    } else if (eq.property.length > 0 && !eq.property[0]!.startsWith('$')) {
      const sets: IdCollection[] = [];
      for (const v of eq.values) {
        const set = reader.findByProperty(eq.property, v);
        if (!set) break;
        sets.push(set);
      }
      if (sets.length !== eq.values.length) continue;
      const estimate = sets.reduce((n, s) => n + s.size, 0);
      out.push({ kind: 'twinsByProperty', slot: eq.slot, path: eq.property, values: eq.values, sets, estimate, conjunct: c });
    }
  }
  return out;
}

/**
 * Identifies a starting index independently of its size, so a continuation token can insist on the
 * index its first page used (indexes may be built, or grow, between pages).
 */
export function accessFingerprint(a: Access): string {
  return `${a.kind}/${a.slot}/${'conjunct' in a ? printExpr(a.conjunct) : ''}`;
}

/**
 * The cheapest start; ties go to the earlier slot (the FROM alias or the first MATCH node).
 * With `prefer` (from a continuation token) the start with that fingerprint is used instead.
 */
export function chooseAccess(where: Expr | undefined, scope: Scope, reader: GraphReader, prefer?: string): Access {
  const all = candidates(where, scope, reader);
  if (prefer !== undefined) {
    const fallback: Access = scope.source === 'relationships'
      ? { kind: 'relationshipScan', slot: 0, estimate: reader.relationshipCount() }
      : { kind: 'twinScan', slot: scope.bindings.find((b) => b.visible && b.kind === 'twin')!.slot, estimate: reader.twinCount() };
    const chosen = [...all, fallback].find((a) => accessFingerprint(a) === prefer);
    if (!chosen) {
      throw QueryErrors.create('invalid_continuation', 'The continuation token no longer fits the indexes; run the query again', {
        reason: 'index changed',
      });
    }
    return chosen;
  }
  if (scope.source === 'relationships') {
    const bySource = all.find((a) => a.kind === 'relationshipsByTwin' && a.side === 'source');
    return bySource ?? all.find((a) => a.kind === 'relationshipsByTwin') ?? { kind: 'relationshipScan', slot: 0, estimate: reader.relationshipCount() };
  }
  let best: Access | undefined;
  for (const a of all) {
    if (!best || a.estimate < best.estimate || (a.estimate === best.estimate && a.slot < best.slot)) best = a;
  }
  if (best) return best;
  const first = scope.bindings.find((b) => b.visible && b.kind === 'twin')!;
  return { kind: 'twinScan', slot: first.slot, estimate: reader.twinCount() };
}
