/**
 * Depth-first expansion of single-hop pattern edges (JOIN, and MATCH without `*` hops) with an
 * explicit stack: per stage one cursor over the bound twin's adjacency list, instead of a generator
 * per row and stage. The recursive generators allocated about 1.5 KB per row of a 3-hop MATCH, so a
 * young-generation GC landed in roughly every sixtieth query and set its p99. Same rows, same order,
 * same charge as the recursive walk in pipeline.ts, which still serves multi-hop edges.
 *
 * Rows are reused between yields, as everywhere in the pipeline.
 */
import type { Row } from './compile.js';
import type { Expansion, Filter, Stage } from './planner.js';
import type { GraphReader, RelationshipDocument, TwinDocument } from './port.js';
import type { Meter } from './traverse.js';

/** Whether every stage after the access one follows a single relationship. */
export function allSingleHops(stages: readonly Stage[]): boolean {
  for (let i = 1; i < stages.length; i++) {
    const s = stages[i]!;
    if (s.kind !== 'expand' || s.expansion.edge.maxHops > 1) return false;
  }
  return true;
}

/** One stage's position: the adjacency list being read (an array by index, else an iterator). */
interface Cursor {
  x: Expansion;
  filters: readonly Filter[];
  names: readonly string[] | undefined;
  outgoing: boolean;
  list: readonly RelationshipDocument[] | undefined;
  at: number;
  iterator: Iterator<RelationshipDocument> | undefined;
}

function passes(filters: readonly Filter[], row: Row): boolean {
  for (const f of filters) if (f.test(row) !== true) return false;
  return true;
}

function read(c: Cursor, reader: GraphReader, twinId: string): void {
  const rels = c.outgoing ? reader.outgoing(twinId, c.names) : reader.incoming(twinId, c.names);
  if (Array.isArray(rels)) {
    c.list = rels as readonly RelationshipDocument[];
    c.iterator = undefined;
  } else {
    c.list = undefined;
    c.iterator = rels[Symbol.iterator]();
  }
  c.at = 0;
}

function open(c: Cursor, row: Row, reader: GraphReader): void {
  c.outgoing = c.x.via !== 'incoming';
  read(c, reader, (row[c.x.fromSlot] as TwinDocument).$dtId);
}

/** The next relationship of the stage (switching from outgoing to incoming for undirected edges). */
function next(c: Cursor, row: Row, reader: GraphReader): RelationshipDocument | undefined {
  for (;;) {
    if (c.list !== undefined) {
      if (c.at < c.list.length) return c.list[c.at++];
    } else if (c.iterator !== undefined) {
      const r = c.iterator.next();
      if (r.done !== true) return r.value;
    }
    if (!c.outgoing || c.x.via !== 'both') return undefined;
    c.outgoing = false;
    read(c, reader, (row[c.x.fromSlot] as TwinDocument).$dtId);
  }
}

/** The rows of stages 1.. for the anchor already in `row` (stages must pass allSingleHops). */
export function* descendSingleHops(stages: readonly Stage[], row: Row, reader: GraphReader, meter: Meter): Generator<Row> {
  const cursors: Cursor[] = [];
  for (let i = 1; i < stages.length; i++) {
    const s = stages[i]!;
    if (s.kind !== 'expand') throw new Error('access stage after the first');
    const x = s.expansion;
    cursors.push({ x, filters: s.filters, names: x.edge.names.length > 0 ? x.edge.names : undefined, outgoing: true, list: undefined, at: 0, iterator: undefined });
  }
  const last = cursors.length - 1;
  let depth = 0;
  open(cursors[0]!, row, reader);
  while (depth >= 0) {
    const c = cursors[depth]!;
    const x = c.x;
    const rel = next(c, row, reader);
    if (rel === undefined) {
      if (!x.toBound) row[x.toSlot] = undefined;
      depth--;
      continue;
    }
    // An undirected edge already produced a self-relationship on its outgoing pass.
    if (!c.outgoing && x.via === 'both' && rel.$sourceId === rel.$targetId) continue;
    meter.add(1);
    const otherId = c.outgoing ? rel.$targetId : rel.$sourceId;
    let twin: TwinDocument | undefined;
    if (x.toBound) {
      // Bound by an earlier stage (a cycle in the pattern): only edges reaching it count.
      twin = row[x.toSlot] as TwinDocument;
      if (twin.$dtId !== otherId) continue;
    } else {
      meter.add(1);
      twin = reader.getTwin(otherId);
      if (!twin) continue;
    }
    row[x.toSlot] = twin;
    if (x.edge.relSlot !== undefined) row[x.edge.relSlot] = rel;
    if (!passes(c.filters, row)) continue;
    if (depth === last) {
      yield row;
    } else {
      depth++;
      open(cursors[depth]!, row, reader);
    }
  }
}
