/**
 * Turns a validated batch into its net effect, given the versions stored before it. Used by the
 * adapters whose writes are already serialised (memory, DuckDB): they read the current versions of
 * every id in the batch once, plan in memory, then apply a few set-based statements instead of
 * several statements per op (DuckDB spends about a millisecond per statement; see docs/storage.md).
 *
 * Ops apply in order, so a later op sees earlier ones (put then put → version 2; delete then
 * put 'absent' → re-created at version 1). Any failed check throws before anything is applied.
 */
import type { CollectionName } from './collections.js';
import { versionConflict } from './errors.js';
import type { WriteResult } from './port.js';
import type { CheckedOp } from './validate.js';

export interface PlannedRow {
  readonly id: string;
  readonly version: number;
  readonly bodyText: string;
}

export interface CollectionChanges {
  /** Did not exist before the batch, exists after. */
  readonly inserts: PlannedRow[];
  /** Existed before and after (possibly deleted and re-created in between). */
  readonly updates: PlannedRow[];
  /** Existed before, not after. */
  readonly deletes: string[];
}

export interface BatchPlan {
  readonly results: WriteResult[];
  readonly changes: Map<CollectionName, CollectionChanges>;
}

/** Distinct ids per collection, for reading the current versions in one query per collection. */
export function idsByCollection(ops: readonly CheckedOp[]): Map<CollectionName, string[]> {
  const out = new Map<CollectionName, Set<string>>();
  for (const op of ops) {
    let ids = out.get(op.collection);
    if (ids === undefined) out.set(op.collection, (ids = new Set()));
    ids.add(op.id);
  }
  return new Map([...out].map(([c, ids]) => [c, [...ids]]));
}

/** `before(collection, id)`: the stored version, or undefined when absent. */
export function planBatch(ops: readonly CheckedOp[], before: (collection: CollectionName, id: string) => number | undefined): BatchPlan {
  interface State {
    readonly collection: CollectionName;
    readonly id: string;
    readonly existed: boolean;
    row: PlannedRow | null;
  }
  const states = new Map<string, State>();
  const results: WriteResult[] = [];
  for (const op of ops) {
    const key = `${op.collection}\u0000${op.id}`; // U+0000 cannot occur in a valid id
    let state = states.get(key);
    if (state === undefined) {
      const v = before(op.collection, op.id);
      state = { collection: op.collection, id: op.id, existed: v !== undefined, row: v === undefined ? null : { id: op.id, version: v, bodyText: '' } };
      states.set(key, state);
    }
    const actual = state.row === null ? 'absent' : state.row.version;
    if (op.expectVersion !== undefined && op.expectVersion !== actual) throw versionConflict(op.collection, op.id, op.expectVersion, actual);
    if (op.op === 'put') {
      state.row = { id: op.id, version: actual === 'absent' ? 1 : actual + 1, bodyText: op.bodyText };
      results.push({ collection: op.collection, id: op.id, version: state.row.version, deleted: false });
    } else {
      state.row = null;
      results.push({ collection: op.collection, id: op.id, version: actual === 'absent' ? 0 : actual, deleted: actual !== 'absent' });
    }
  }
  const changes = new Map<CollectionName, CollectionChanges>();
  for (const s of states.values()) {
    let c = changes.get(s.collection);
    if (c === undefined) changes.set(s.collection, (c = { inserts: [], updates: [], deletes: [] }));
    if (s.row === null) {
      if (s.existed) c.deletes.push(s.id);
    } else if (s.existed) {
      // Non-null here means the last op on this id was a put, so bodyText is that put's body.
      c.updates.push(s.row);
    } else {
      c.inserts.push(s.row);
    }
  }
  return { results, changes };
}
