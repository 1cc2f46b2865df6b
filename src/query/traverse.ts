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

const relKey = (r: RelationshipDocument): string => `${r.$sourceId}\u0000${r.$relationshipId}`;

/** Neighbours of `twinId` along `via`, each with the relationship that leads there. */
function* neighbours(
  reader: GraphReader, twinId: string, via: Expansion['via'], names: readonly string[] | undefined, meter: Meter,
): Generator<[RelationshipDocument, string]> {
  if (via !== 'incoming') {
    for (const rel of reader.outgoing(twinId, names)) {
      meter.add(1);
      yield [rel, rel.$targetId];
    }
  }
  if (via !== 'outgoing') {
    for (const rel of reader.incoming(twinId, names)) {
      // A self-relationship was already produced by the outgoing side of an undirected walk.
      if (via === 'both' && rel.$sourceId === rel.$targetId) continue;
      meter.add(1);
      yield [rel, rel.$sourceId];
    }
  }
}

/**
 * The twins at the far end of every path of minHops..maxHops relationships from `from`
 * (multi-hop edges only; single hops are walked inline by the pipeline). A twin reached by
 * several paths is yielded once per path; the pipeline removes duplicate rows.
 */
export function* walkHops(
  x: Expansion, from: TwinDocument, boundTarget: TwinDocument | undefined, reader: GraphReader, meter: Meter,
): Generator<TwinDocument> {
  yield* walk(x, reader, meter, boundTarget, from.$dtId, 0, []);
}

function* walk(
  x: Expansion, reader: GraphReader, meter: Meter, boundTarget: TwinDocument | undefined, current: string, depth: number, used: string[],
): Generator<TwinDocument> {
  const { minHops, maxHops } = x.edge;
  const names = x.edge.names.length > 0 ? x.edge.names : undefined;
  for (const [rel, other] of neighbours(reader, current, x.via, names, meter)) {
    const key = relKey(rel);
    if (used.includes(key)) continue;
    used.push(key);
    if (depth + 1 >= minHops) {
      if (boundTarget) {
        if (boundTarget.$dtId === other) yield boundTarget;
      } else {
        meter.add(1);
        const twin = reader.getTwin(other);
        if (twin) yield twin;
      }
    }
    if (depth + 1 < maxHops) yield* walk(x, reader, meter, boundTarget, other, depth + 1, used);
    used.pop();
  }
}
