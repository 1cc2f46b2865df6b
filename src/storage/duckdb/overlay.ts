/**
 * The in-memory half of the DuckDB document store (see journal.ts for why documents are journalled):
 * - `versions`: the current version of every document of a collection, loaded on the collection's
 *   first write. The DuckDB file is locked to this process (open.ts), so this map is authoritative
 *   and a write plans against it without reading the database.
 * - `overlay`: per id, the newest journal row not yet compacted into the base table. Reads take the
 *   base table's answer and let the overlay override it.
 *
 * Pure state, no I/O; the writer and the adapter keep it consistent with what is committed:
 * `record` only after a journal append committed, `dropCompacted` only after a compaction committed.
 */
import type { CollectionName } from '../collections.js';
import type { CollectionChanges, PlannedRow } from '../plan.js';
import type { StoredDocument } from '../port.js';
import { compareIds } from '../validate.js';

export interface OverlayEntry {
  /** Journal sequence number of the newest row for this id. */
  readonly seq: number;
  /** The version after the write; for a delete, the version that was deleted. */
  readonly version: number;
  /** The serialised body, or null when the newest row deletes the document. */
  readonly bodyText: string | null;
  readonly updatedAt: Date;
  /** Whether the base table holds a row for this id (for count). */
  readonly inBase: boolean;
}

/** One row for the journal, in the order it is appended. */
export interface JournalRow {
  readonly seq: number;
  readonly collection: CollectionName;
  readonly id: string;
  readonly version: number;
  readonly bodyText: string | null;
}

export class DocumentOverlay {
  private readonly versions = new Map<CollectionName, Map<string, number>>();
  private readonly entries = new Map<CollectionName, Map<string, OverlayEntry>>();
  /** Ids of `entries` per collection in byte order, built on demand by list and dropped on change. */
  private readonly sortedIds = new Map<CollectionName, string[]>();
  /** The entries when the running compaction took its upper bound (see dropCompacted). */
  private atCompactionStart: Map<CollectionName, Map<string, OverlayEntry>> | undefined;
  private readonly writes = new Map<CollectionName, number>();
  private size = 0;
  private journalRows = 0;
  private nextSeq = 1;

  constructor(firstSeq = 1) {
    this.nextSeq = firstSeq;
  }

  hasVersions(c: CollectionName): boolean {
    return this.versions.has(c);
  }

  setVersions(c: CollectionName, map: Map<string, number>): void {
    this.versions.set(c, map);
  }

  /** The current version, or undefined when the document does not exist. Only for loaded collections. */
  version(c: CollectionName, id: string): number | undefined {
    return this.versions.get(c)?.get(id);
  }

  /** Documents known across the loaded collections (sizes the compaction threshold). */
  knownDocuments(): number {
    let n = 0;
    for (const m of this.versions.values()) n += m.size;
    return n;
  }

  /** The journal rows for a planned group's net changes, numbered; nothing is recorded yet. */
  rowsFor(changes: ReadonlyMap<CollectionName, CollectionChanges>): JournalRow[] {
    const rows: JournalRow[] = [];
    const put = (c: CollectionName, r: PlannedRow) => rows.push({ seq: this.nextSeq++, collection: c, id: r.id, version: r.version, bodyText: r.bodyText });
    for (const [c, { inserts, updates, deletes }] of changes) {
      for (const r of inserts) put(c, r);
      for (const r of updates) put(c, r);
      for (const id of deletes) rows.push({ seq: this.nextSeq++, collection: c, id, version: this.version(c, id) ?? 0, bodyText: null });
    }
    return rows;
  }

  /** Committed journal rows of a collection since open (a scan uses it to tell whether it saw the latest state). */
  writeCount(c: CollectionName): number {
    return this.writes.get(c) ?? 0;
  }

  /** Applies rows whose append has committed. */
  record(rows: readonly JournalRow[], updatedAt: Date): void {
    for (const r of rows) {
      this.writes.set(r.collection, (this.writes.get(r.collection) ?? 0) + 1);
      let byId = this.entries.get(r.collection);
      if (byId === undefined) this.entries.set(r.collection, (byId = new Map()));
      const before = byId.get(r.id);
      // Without an overlay entry the base table holds the current state, so it has a row iff the
      // document exists now.
      const inBase = before !== undefined ? before.inBase : this.versions.get(r.collection)?.has(r.id) === true;
      if (before === undefined) {
        this.size++;
        this.sortedIds.delete(r.collection);
      }
      byId.set(r.id, { seq: r.seq, version: r.version, bodyText: r.bodyText, updatedAt, inBase });
      const versions = this.versions.get(r.collection);
      if (r.bodyText === null) versions?.delete(r.id);
      else versions?.set(r.id, r.version);
    }
    this.journalRows += rows.length;
  }

  /** A compaction of every row up to the returned sequence number begins. */
  beginCompaction(): number {
    this.atCompactionStart = new Map([...this.entries].map(([c, byId]) => [c, new Map(byId)]));
    return this.lastSeq();
  }

  /** After a compaction of every row up to `upTo` committed: those entries now live in the base tables. */
  dropCompacted(upTo: number, journalRowsCompacted: number): void {
    const before = this.atCompactionStart;
    this.atCompactionStart = undefined;
    for (const [c, byId] of this.entries) {
      for (const [id, e] of byId) {
        if (e.seq > upTo) {
          // Written again while compacting: the base table now holds the state this id had when the
          // compaction began (if it had an entry then), which decides whether count sees a base row.
          const old = before?.get(c)?.get(id);
          if (old !== undefined) byId.set(id, { ...e, inBase: old.bodyText !== null });
          continue;
        }
        byId.delete(id);
        this.size--;
        this.sortedIds.delete(c);
      }
      if (byId.size === 0) this.entries.delete(c);
    }
    this.journalRows = Math.max(0, this.journalRows - journalRowsCompacted);
  }

  /** The newest sequence number handed out. */
  private lastSeq(): number {
    return this.nextSeq - 1;
  }

  entryCount(): number {
    return this.size;
  }

  journalRowCount(): number {
    return this.journalRows;
  }

  entry(c: CollectionName, id: string): OverlayEntry | undefined {
    return this.entries.get(c)?.get(id);
  }

  collections(): CollectionName[] {
    return [...this.entries.keys()];
  }

  /** Live overlay documents with after < id ≤ upTo (no bound when undefined) and the prefix, in id order. */
  liveInRange(c: CollectionName, after: string | undefined, upTo: string | undefined, prefix: string | undefined): StoredDocument[] {
    const byId = this.entries.get(c);
    if (byId === undefined) return [];
    let ids = this.sortedIds.get(c);
    if (ids === undefined) this.sortedIds.set(c, (ids = [...byId.keys()].sort(compareIds)));
    const out: StoredDocument[] = [];
    for (let i = after === undefined ? 0 : firstAfter(ids, after); i < ids.length; i++) {
      const id = ids[i] as string;
      if (upTo !== undefined && compareIds(id, upTo) > 0) break;
      if (prefix !== undefined && !id.startsWith(prefix)) continue;
      const doc = this.document(c, id);
      if (doc !== undefined) out.push(doc);
    }
    return out;
  }

  /** The overlay's answer for one id: a document, null when deleted, undefined when the overlay has no entry. */
  lookup(c: CollectionName, id: string): StoredDocument | null | undefined {
    const e = this.entry(c, id);
    if (e === undefined) return undefined;
    return this.document(c, id) ?? null;
  }

  /** How the overlay changes the base table's row count of a collection. */
  countDelta(c: CollectionName): number {
    let delta = 0;
    for (const e of this.entries.get(c)?.values() ?? []) delta += (e.bodyText !== null ? 1 : 0) - (e.inBase ? 1 : 0);
    return delta;
  }

  /** A frozen copy of one collection's entries, for a scan that reads one database snapshot. */
  snapshot(c: CollectionName): Map<string, OverlayEntry> {
    return new Map(this.entries.get(c) ?? []);
  }

  private document(c: CollectionName, id: string): StoredDocument | undefined {
    const e = this.entry(c, id);
    if (e === undefined || e.bodyText === null) return undefined;
    return { id, version: e.version, body: JSON.parse(e.bodyText) as unknown, updatedAt: e.updatedAt };
  }
}

/** Index of the first id strictly greater than `after` in a byte-ordered array. */
function firstAfter(ids: readonly string[], after: string): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareIds(ids[mid] as string, after) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
