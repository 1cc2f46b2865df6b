/**
 * Lazily produces the rows of a plan: one starting document at a time from the chosen index, then
 * the pattern expansions depth-first, filtering at each stage. Because it is a generator, TOP and
 * paging stop the work as soon as they have enough rows.
 *
 * Rows are reused between yields: a consumer must project or copy a row before pulling the next.
 */
import type { Access } from './access.js';
import type { Row } from './compile.js';
import { assertNever } from './lexer.js';
import type { Filter, Plan, Stage } from './planner.js';
import type { GraphReader, RelationshipDocument, TwinDocument } from './port.js';
import { expand, type Meter } from './traverse.js';

export interface PositionedRow {
  /** Ordinal of the starting document in the access index. */
  readonly anchor: number;
  /** Ordinal of this row among the rows of the same starting document. */
  readonly index: number;
  readonly row: Row;
}

/** Where to resume: skip `anchor` starting documents, then `index` rows of the next one. */
export interface ResumePoint {
  readonly anchor: number;
  readonly index: number;
}

function passes(filters: readonly Filter[], row: Row): boolean {
  for (const f of filters) if (f.test(row) !== true) return false;
  return true;
}

/** The starting documents, numbered; the first `skip` are passed over without being read. */
function* anchors(access: Access, reader: GraphReader, meter: Meter, skip: number): Generator<[number, TwinDocument | RelationshipDocument]> {
  let ordinal = -1;
  const fetchIds = function* (ids: Iterable<string>): Generator<[number, TwinDocument]> {
    for (const id of ids) {
      if (++ordinal < skip) continue;
      meter.add(1);
      const twin = reader.getTwin(id);
      if (twin) yield [ordinal, twin];
    }
  };
  switch (access.kind) {
    case 'twinIds':
      yield* fetchIds(access.ids);
      return;
    case 'twinsByModel':
      yield* fetchIds(reader.twinsOfModels(access.models));
      return;
    case 'twinsByProperty':
      for (const set of access.sets) yield* fetchIds(set);
      return;
    case 'twinScan':
      for (const twin of reader.allTwins()) {
        if (++ordinal < skip) continue;
        meter.add(1);
        yield [ordinal, twin];
      }
      return;
    case 'relationshipsByTwin':
      for (const id of access.twinIds) {
        for (const rel of access.side === 'source' ? reader.outgoing(id) : reader.incoming(id)) {
          if (++ordinal < skip) continue;
          meter.add(1);
          yield [ordinal, rel];
        }
      }
      return;
    case 'relationshipScan':
      for (const rel of reader.allRelationships()) {
        if (++ordinal < skip) continue;
        meter.add(1);
        yield [ordinal, rel];
      }
      return;
    default:
      assertNever(access);
  }
}

function* descend(stages: readonly Stage[], i: number, row: Row, reader: GraphReader, meter: Meter): Generator<Row> {
  if (i === stages.length) {
    yield row;
    return;
  }
  const stage = stages[i]!;
  if (stage.kind !== 'expand') throw new Error('access stage after the first');
  const x = stage.expansion;
  const from = row[x.fromSlot] as TwinDocument;
  const boundTarget = x.toBound ? (row[x.toSlot] as TwinDocument) : undefined;
  for (const step of expand(x, from, boundTarget, reader, meter)) {
    row[x.toSlot] = step.twin;
    if (x.edge.relSlot !== undefined) row[x.edge.relSlot] = step.rel;
    if (passes(stage.filters, row)) yield* descend(stages, i + 1, row, reader, meter);
  }
  if (!x.toBound) row[x.toSlot] = undefined;
}

/** Identity of a row for MATCH de-duplication: the named twins and relationship variables. */
function distinctKey(row: Row, slots: readonly number[]): string {
  let key = '';
  for (const s of slots) {
    const d = row[s];
    key += d === undefined ? '\u0001' : '$dtId' in d ? `${d.$dtId as string}\u0001` : `${(d as RelationshipDocument).$sourceId}\u0002${(d as RelationshipDocument).$relationshipId}\u0001`;
  }
  return key;
}

export function* rows(plan: Plan, reader: GraphReader, meter: Meter, resume?: ResumePoint): Generator<PositionedRow> {
  const first = plan.stages[0];
  if (!first || first.kind !== 'access') throw new Error('plan without an access stage');
  const scope = plan.analysis.scope;
  const visibleSlots = scope.bindings.filter((b) => b.visible).map((b) => b.slot);
  const row: Row = new Array(scope.bindings.length).fill(undefined);
  for (const [anchor, doc] of anchors(first.access, reader, meter, resume?.anchor ?? 0)) {
    row[first.access.slot] = doc;
    if (!passes(first.filters, row)) continue;
    const skip = resume && anchor === resume.anchor ? resume.index : 0;
    const seen = plan.distinct ? new Set<string>() : undefined;
    let index = 0;
    for (const r of descend(plan.stages, 1, row, reader, meter)) {
      if (seen) {
        const key = distinctKey(r, visibleSlots);
        if (seen.has(key)) continue;
        seen.add(key);
      }
      if (index >= skip) yield { anchor, index, row: r };
      index++;
    }
  }
}
