/**
 * Turns validated batches into their net effect, given the versions stored before them. Used by the
 * adapters whose writes are already serialised (memory, DuckDB): they read the current versions of
 * every id once, plan in memory, then apply a few set-based statements instead of several statements
 * per op (DuckDB spends about a millisecond per statement; see docs/storage.md).
 *
 * Several batches can be planned together (DuckDB's group commit): each is all-or-nothing on its
 * own and sees the batches planned before it, exactly as if they had run one after another.
 * Within a batch ops apply in order (put then put → version 2; delete then put 'absent' →
 * re-created at version 1).
 */
import type { CollectionName } from './collections.js';
import { StorageErrors, versionConflict } from './errors.js';
import type { WriteResult } from './port.js';
import type { CheckedOp } from './validate.js';

export interface PlannedRow {
  readonly id: string;
  readonly version: number;
  readonly bodyText: string;
}

export interface CollectionChanges {
  /** Did not exist before, exists after. */
  readonly inserts: PlannedRow[];
  /** Existed before and after (possibly deleted and re-created in between). */
  readonly updates: PlannedRow[];
  /** Existed before, not after. */
  readonly deletes: string[];
}

export interface GroupPlan {
  /** Per batch, in order: its results, or the version_conflict that rejected it (and only it). */
  readonly outcomes: Array<WriteResult[] | Error>;
  /** Net change of all accepted batches together, relative to the stored state. */
  readonly changes: Map<CollectionName, CollectionChanges>;
}

type Lookup = (collection: CollectionName, id: string) => number | undefined;

// U+0000 cannot occur in a valid collection name or id, so it separates them unambiguously.
const keyOf = (collection: CollectionName, id: string) => `${collection}\u0000${id}`;

/** Distinct ids per collection, for reading the current versions in one query per collection. */
export function idsByCollection(batches: readonly (readonly CheckedOp[])[]): Map<CollectionName, string[]> {
  const out = new Map<CollectionName, Set<string>>();
  for (const ops of batches) {
    for (const op of ops) {
      let ids = out.get(op.collection);
      if (ids === undefined) out.set(op.collection, (ids = new Set()));
      ids.add(op.id);
    }
  }
  return new Map([...out].map(([c, ids]) => [c, [...ids]]));
}

export function planBatches(batches: readonly (readonly CheckedOp[])[], before: Lookup): GroupPlan {
  const original = new Map<string, { collection: CollectionName; id: string; existed: boolean }>();
  const final = new Map<string, PlannedRow | null>();
  const outcomes: Array<WriteResult[] | Error> = [];
  for (const ops of batches) {
    const local = new Map<string, PlannedRow | null>();
    const current = (c: CollectionName, id: string): number | undefined => {
      const key = keyOf(c, id);
      if (!original.has(key)) original.set(key, { collection: c, id, existed: before(c, id) !== undefined });
      const row = local.has(key) ? local.get(key) : final.has(key) ? final.get(key) : undefined;
      if (row !== undefined) return row === null ? undefined : row.version;
      return before(c, id);
    };
    try {
      const results: WriteResult[] = [];
      for (const op of ops) {
        const v = current(op.collection, op.id);
        const actual = v === undefined ? 'absent' : v;
        if (op.expectVersion !== undefined && op.expectVersion !== actual) throw versionConflict(op.collection, op.id, op.expectVersion, actual);
        if (op.op === 'put') {
          const version = v === undefined ? 1 : v + 1;
          local.set(keyOf(op.collection, op.id), { id: op.id, version, bodyText: op.bodyText });
          results.push({ collection: op.collection, id: op.id, version, deleted: false });
        } else {
          local.set(keyOf(op.collection, op.id), null);
          results.push({ collection: op.collection, id: op.id, version: v ?? 0, deleted: v !== undefined });
        }
      }
      for (const [key, row] of local) final.set(key, row);
      outcomes.push(results);
    } catch (err) {
      if (!StorageErrors.is(err, 'version_conflict')) throw err;
      outcomes.push(err); // this batch is dropped whole; `local` is discarded with it
    }
  }
  const changes = new Map<CollectionName, CollectionChanges>();
  for (const [key, row] of final) {
    const o = original.get(key);
    if (o === undefined) continue; // every key in `final` went through current(), so this does not happen
    let c = changes.get(o.collection);
    if (c === undefined) changes.set(o.collection, (c = { inserts: [], updates: [], deletes: [] }));
    if (row === null) {
      if (o.existed) c.deletes.push(o.id);
    } else if (o.existed) {
      c.updates.push(row);
    } else {
      c.inserts.push(row);
    }
  }
  return { outcomes, changes };
}

/** One batch: its results and changes, or throws its version_conflict. */
export function planBatch(ops: readonly CheckedOp[], before: Lookup): { results: WriteResult[]; changes: Map<CollectionName, CollectionChanges> } {
  const { outcomes, changes } = planBatches([ops], before);
  const outcome = outcomes[0] ?? [];
  if (outcome instanceof Error) throw outcome;
  return { results: outcome, changes };
}
