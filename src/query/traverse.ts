/**
 * Walking pattern edges through the adjacency indexes. Multi-hop edges follow each relationship at
 * most once per path (ADT MATCH reference: "Cyclic relationships are automatically detected, so that
 * a relationship is traversed only once"), so a walk ends after at most `maxHops` (≤ 10) steps.
 */
import { QueryErrors } from './errors.js';
import type { Expansion } from './planner.js';
import type { GraphReader, RelationshipDocument, TwinDocument } from './port.js';

/** Counts documents read, as the query's charge, and stops a query that exceeds its budget. */
export class Meter {
  charge = 0;
  constructor(private readonly budget: number) {}

  add(n: number): void {
    this.charge += n;
    if (this.charge > this.budget) {
      throw QueryErrors.create('too_expensive', `The query read more than ${this.budget} documents; add filters or use TOP`, {
        budget: this.budget,
      });
    }
  }
}

export interface Step {
  readonly twin: TwinDocument;
  /** The relationship of a single-hop edge (bound to the edge's variable, if it has one). */
  readonly rel?: RelationshipDocument;
}

const relKey = (r: RelationshipDocument): string => `${r.$sourceId}\u0000${r.$relationshipId}`;

/** Neighbours of `twinId` along `via`, each with the relationship that leads there. */
function* neighbours(
  reader: GraphReader, twinId: string, via: Expansion['via'], names: readonly string[], meter: Meter,
): Generator<[RelationshipDocument, string]> {
  const filter = names.length > 0 ? names : undefined;
  if (via !== 'incoming') {
    for (const rel of reader.outgoing(twinId, filter)) {
      meter.add(1);
      yield [rel, rel.$targetId];
    }
  }
  if (via !== 'outgoing') {
    for (const rel of reader.incoming(twinId, filter)) {
      // A self-relationship was already produced by the outgoing side of an undirected walk.
      if (via === 'both' && rel.$sourceId === rel.$targetId) continue;
      meter.add(1);
      yield [rel, rel.$sourceId];
    }
  }
}

export function* expand(
  x: Expansion, from: TwinDocument, boundTarget: TwinDocument | undefined, reader: GraphReader, meter: Meter,
): Generator<Step> {
  const { minHops, maxHops, names } = x.edge;
  const arrive = (id: string): TwinDocument | undefined => {
    if (boundTarget) return boundTarget.$dtId === id ? boundTarget : undefined;
    meter.add(1);
    return reader.getTwin(id);
  };
  if (maxHops === 1) {
    for (const [rel, other] of neighbours(reader, from.$dtId, x.via, names, meter)) {
      const twin = arrive(other);
      if (twin) yield { twin, rel };
    }
    return;
  }
  const used: string[] = [];
  function* walk(current: string, depth: number): Generator<Step> {
    for (const [rel, other] of neighbours(reader, current, x.via, names, meter)) {
      const key = relKey(rel);
      if (used.includes(key)) continue;
      used.push(key);
      if (depth + 1 >= minHops) {
        const twin = arrive(other);
        if (twin) yield { twin };
      }
      if (depth + 1 < maxHops) yield* walk(other, depth + 1);
      used.pop();
    }
  }
  yield* walk(from.$dtId, 0);
}
