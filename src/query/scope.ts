/**
 * The collections a query ranges over (twins and relationships, each in a numbered slot of a row)
 * and the relationship pattern between them. JOIN and MATCH both become pattern edges, so the
 * planner and executor treat them alike.
 */
import type { MatchPattern, PathExpr, Query } from './ast.js';
import { QueryErrors, describePosition, type Position } from './errors.js';

export type CollectionKind = 'twin' | 'relationship';

export interface Binding {
  /** As written; anonymous MATCH nodes get a name starting with '#'. */
  readonly name: string;
  readonly kind: CollectionKind;
  readonly slot: number;
  /** Named by the user (projectable, part of SELECT *). */
  readonly visible: boolean;
  readonly pos: Position;
}

/** A pattern edge from `fromSlot` to `toSlot`; `out` means fromSlot is the relationship's source. */
export interface PatternEdge {
  readonly fromSlot: number;
  readonly toSlot: number;
  readonly direction: 'out' | 'in' | 'both';
  /** Empty = any name. */
  readonly names: readonly string[];
  readonly minHops: number;
  readonly maxHops: number;
  readonly relSlot?: number;
  readonly origin: 'join' | 'match';
  readonly pos: Position;
}

export interface Scope {
  readonly source: 'twins' | 'relationships';
  readonly bindings: readonly Binding[];
  readonly byName: ReadonlyMap<string, Binding>;
  /** Set when exactly one named collection is in scope: unqualified properties belong to it. */
  readonly implicit?: Binding;
  readonly edges: readonly PatternEdge[];
  readonly isMatch: boolean;
}

export interface ResolvedPath {
  readonly binding: Binding;
  /** The property path inside the document (empty = the document itself). */
  readonly property: readonly string[];
}

/** Slot 0 when the FROM clause has no alias. */
export const IMPLICIT_NAME = '';

export function buildScope(query: Query): Scope {
  const bindings: Binding[] = [];
  const byName = new Map<string, Binding>();
  const edges: PatternEdge[] = [];
  const declare = (name: string, kind: CollectionKind, pos: Position, visible = true): Binding => {
    const existing = byName.get(name);
    if (existing && visible) {
      throw QueryErrors.create('duplicate_alias', `'${name}' is already defined at ${describePosition(existing.pos)}`, {
        alias: name,
        position: pos,
      });
    }
    const b: Binding = { name, kind, slot: bindings.length, visible, pos };
    bindings.push(b);
    byName.set(name, b);
    return b;
  };

  const from = query.from;
  if (from.kind === 'fromRelationships') {
    declare(from.alias?.name ?? IMPLICIT_NAME, 'relationship', from.alias?.pos ?? from.pos);
  } else if (from.match) {
    if (from.alias) {
      throw QueryErrors.create('invalid_match', 'With MATCH, name the twins inside the pattern, not after DIGITALTWINS', {
        position: from.alias.pos,
      });
    }
    declareMatch(from.match, declare, byName, edges);
  } else {
    declare(from.alias?.name ?? IMPLICIT_NAME, 'twin', from.alias?.pos ?? from.pos);
    for (const join of from.joins) {
      const source = byName.get(join.source.name);
      if (!source) {
        throw QueryErrors.create('unknown_alias', `'${join.source.name}' is not defined before this JOIN`, {
          alias: join.source.name,
          position: join.source.pos,
        });
      }
      if (source.kind !== 'twin') {
        throw QueryErrors.create('invalid_join', `'${join.source.name}' is a relationship collection; JOIN ... RELATED needs twins`, {
          alias: join.source.name,
          position: join.source.pos,
        });
      }
      const target = declare(join.target.name, 'twin', join.target.pos);
      const rel = join.relationshipAlias ? declare(join.relationshipAlias.name, 'relationship', join.relationshipAlias.pos) : undefined;
      edges.push({
        fromSlot: source.slot, toSlot: target.slot, direction: 'out', names: [join.relationshipName],
        minHops: 1, maxHops: 1, relSlot: rel?.slot, origin: 'join', pos: join.pos,
      });
    }
  }
  const visible = bindings.filter((b) => b.visible);
  return {
    source: from.kind === 'fromRelationships' ? 'relationships' : 'twins',
    bindings,
    byName,
    implicit: visible.length === 1 ? visible[0] : undefined,
    edges,
    isMatch: from.kind === 'fromDigitalTwins' && from.match !== undefined,
  };
}

function declareMatch(
  match: MatchPattern,
  declare: (name: string, kind: CollectionKind, pos: Position, visible?: boolean) => Binding,
  byName: Map<string, Binding>,
  edges: PatternEdge[],
): void {
  const nodeSlots = match.nodes.map((node, i) => {
    if (!node.name) return declare(`#${i}`, 'twin', node.pos, false).slot;
    // Repeating a node name in the pattern means the same twin (a cycle), not a new alias.
    const existing = byName.get(node.name.name);
    if (existing && existing.kind === 'twin') return existing.slot;
    return declare(node.name.name, 'twin', node.name.pos).slot;
  });
  match.edges.forEach((edge, i) => {
    const rel = edge.variable ? declare(edge.variable.name, 'relationship', edge.variable.pos) : undefined;
    let minHops = 1;
    let maxHops = 1;
    if (edge.hops?.kind === 'exact') minHops = maxHops = edge.hops.count;
    else if (edge.hops?.kind === 'range') {
      // ADT MATCH reference: "The starting limit isn't included in the range".
      minHops = (edge.hops.from ?? 0) + 1;
      maxHops = edge.hops.to;
    }
    edges.push({
      fromSlot: nodeSlots[i] as number,
      toSlot: nodeSlots[i + 1] as number,
      direction: edge.direction === 'right' ? 'out' : edge.direction === 'left' ? 'in' : 'both',
      names: edge.names,
      minHops,
      maxHops,
      relSlot: rel?.slot,
      origin: 'match',
      pos: edge.pos,
    });
  });
}

export function resolvePath(scope: Scope, path: PathExpr): ResolvedPath {
  const [head, ...rest] = path.segments as [string, ...string[]];
  const named = scope.byName.get(head);
  if (named && named.visible) return { binding: named, property: rest };
  if (scope.implicit) return { binding: scope.implicit, property: path.segments };
  const known = scope.bindings.filter((b) => b.visible).map((b) => b.name);
  throw QueryErrors.create(
    'unknown_alias',
    `'${head}' at ${describePosition(path.pos)} is not a collection alias (known: ${known.join(', ')}); qualify properties with their alias, e.g. ${known[0] ?? 'T'}.${head}`,
    { alias: head, known, position: path.pos },
  );
}
