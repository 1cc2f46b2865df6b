/**
 * Lazily produces the rows of a plan: one starting document at a time from the chosen index, then
 * the pattern expansions depth-first, filtering at each stage. Because it is a generator, TOP and
 * paging stop the work as soon as they have enough rows.
 *
 * Rows are reused between yields: a consumer must project or copy a row before pulling the next.
 */
import type { Access } from './access.js';
import { allSingleHops, descendSingleHops } from './descend.js';
import type { Row } from './compile.js';
import { assertNever } from './lexer.js';
import type { Filter, Plan, Stage } from './planner.js';
import type { GraphReader, RelationshipDocument, TwinDocument } from './port.js';
import { walkHops, type Meter } from './traverse.js';

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
  const stage = stages[i]!;
  if (stage.kind !== 'expand') throw new Error('access stage after the first');
  const x = stage.expansion;
  const last = i + 1 === stages.length;
  const from = row[x.fromSlot] as TwinDocument;
  const boundTarget = x.toBound ? (row[x.toSlot] as TwinDocument) : undefined;
  if (x.edge.maxHops > 1) {
    for (const twin of walkHops(x, from, boundTarget, reader, meter)) {
      row[x.toSlot] = twin;
      if (!passes(stage.filters, row)) continue;
      if (last) yield row;
      else yield* descend(stages, i + 1, row, reader, meter);
    }
  } else {
    // Single hop, the common case: walked inline, without intermediate generators, for speed.
    const names = x.edge.names.length > 0 ? x.edge.names : undefined;
    const relSlot = x.edge.relSlot;
    for (let pass = 0; pass < 2; pass++) {
      const outgoing = pass === 0;
      if (outgoing ? x.via === 'incoming' : x.via === 'outgoing') continue;
      for (const rel of outgoing ? reader.outgoing(from.$dtId, names) : reader.incoming(from.$dtId, names)) {
        // An undirected edge already produced a self-relationship on its outgoing pass.
        if (!outgoing && x.via === 'both' && rel.$sourceId === rel.$targetId) continue;
        meter.add(1);
        const otherId = outgoing ? rel.$targetId : rel.$sourceId;
        let twin: TwinDocument | undefined;
        if (boundTarget) {
          if (boundTarget.$dtId !== otherId) continue;
          twin = boundTarget;
        } else {
          meter.add(1);
          twin = reader.getTwin(otherId);
          if (!twin) continue;
        }
        row[x.toSlot] = twin;
        if (relSlot !== undefined) row[relSlot] = rel;
        if (!passes(stage.filters, row)) continue;
        if (last) yield row;
        else yield* descend(stages, i + 1, row, reader, meter);
      }
    }
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
  const singleHops = allSingleHops(plan.stages);
  for (const [anchor, doc] of anchors(first.access, reader, meter, resume?.anchor ?? 0)) {
    row[first.access.slot] = doc;
    if (!passes(first.filters, row)) continue;
    const skip = resume && anchor === resume.anchor ? resume.index : 0;
    const seen = plan.distinct ? new Set<string>() : undefined;
    let index = 0;
    const produced = plan.stages.length === 1 ? [row] : singleHops ? descendSingleHops(plan.stages, row, reader, meter) : descend(plan.stages, 1, row, reader, meter);
    for (const r of produced) {
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
