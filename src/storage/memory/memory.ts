/**
 * In-memory adapter: the reference implementation of the port's semantics, for unit tests of other
 * contexts. It keeps bodies as JSON text (like the databases do), so callers get fresh copies and
 * cannot mutate stored state through a returned object. Nothing survives the process.
 */
import type { CollectionName } from '../collections.js';
import { notOpen, versionConflict } from '../errors.js';
import type { ListOptions, PointQuery, StorageAdapter, StoredDocument, TimePoint, WriteOp, WriteResult } from '../port.js';
import { scanPages } from '../paging.js';
import { checkCollection, checkId, checkIdList, checkListOptions, checkOps, checkPointQuery, checkPoints, compareIds } from '../validate.js';

interface Row {
  readonly version: number;
  readonly bodyText: string;
  readonly updatedAt: Date;
}

function toDoc(id: string, row: Row): StoredDocument {
  return { id, version: row.version, body: JSON.parse(row.bodyText) as unknown, updatedAt: new Date(row.updatedAt) };
}

export class MemoryStorage implements StorageAdapter {
  readonly kind = 'memory';
  private isOpen = false;
  private readonly docs = new Map<CollectionName, Map<string, Row>>();
  private readonly points = new Map<string, TimePoint[]>();

  async open(): Promise<void> {
    this.isOpen = true;
  }

  async close(): Promise<void> {
    this.isOpen = false;
  }

  /** No schema, so nothing to migrate. */
  async appliedMigrations(): Promise<number[]> {
    this.ensureOpen();
    return [];
  }

  private ensureOpen(): void {
    if (!this.isOpen) throw notOpen('memory', 'memory');
  }

  private table(collection: CollectionName): Map<string, Row> {
    let t = this.docs.get(collection);
    if (t === undefined) {
      t = new Map();
      this.docs.set(collection, t);
    }
    return t;
  }

  async get(collection: CollectionName, id: string): Promise<StoredDocument | undefined> {
    this.ensureOpen();
    const row = this.table(checkCollection(collection)).get(checkId(id));
    return row === undefined ? undefined : toDoc(id, row);
  }

  async getMany(collection: CollectionName, ids: readonly string[]): Promise<StoredDocument[]> {
    this.ensureOpen();
    const t = this.table(checkCollection(collection));
    const wanted = checkIdList(ids).sort(compareIds);
    const out: StoredDocument[] = [];
    for (const id of wanted) {
      const row = t.get(id);
      if (row !== undefined) out.push(toDoc(id, row));
    }
    return out;
  }

  async list(collection: CollectionName, options?: ListOptions): Promise<StoredDocument[]> {
    this.ensureOpen();
    const t = this.table(checkCollection(collection));
    const { after, prefix, limit } = checkListOptions(options);
    const ids = [...t.keys()]
      .filter((id) => (after === undefined || compareIds(id, after) > 0) && (prefix === undefined || id.startsWith(prefix)))
      .sort(compareIds)
      .slice(0, limit);
    return ids.map((id) => toDoc(id, t.get(id) as Row));
  }

  scan(collection: CollectionName, pageSize?: number): AsyncIterable<StoredDocument> {
    return scanPages((c, o) => this.list(c, o), collection, pageSize);
  }

  async count(collection: CollectionName): Promise<number> {
    this.ensureOpen();
    return this.table(checkCollection(collection)).size;
  }

  async write(ops: readonly WriteOp[]): Promise<WriteResult[]> {
    this.ensureOpen();
    const checked = checkOps(ops);
    const updatedAt = new Date();
    // Changes are staged and applied only once every op passed its check: all or nothing.
    const staged = new Map<CollectionName, Map<string, Row | null>>();
    const current = (c: CollectionName, id: string): Row | undefined => {
      const s = staged.get(c)?.get(id);
      return s === undefined ? this.table(c).get(id) : (s ?? undefined);
    };
    const stage = (c: CollectionName, id: string, row: Row | null): void => {
      let s = staged.get(c);
      if (s === undefined) staged.set(c, (s = new Map()));
      s.set(id, row);
    };
    const results: WriteResult[] = [];
    for (const op of checked) {
      const existing = current(op.collection, op.id);
      const actual = existing === undefined ? 'absent' : existing.version;
      if (op.expectVersion !== undefined && op.expectVersion !== actual) {
        throw versionConflict(op.collection, op.id, op.expectVersion, actual);
      }
      if (op.op === 'put') {
        const version = (existing?.version ?? 0) + 1;
        stage(op.collection, op.id, { version, bodyText: op.bodyText, updatedAt });
        results.push({ collection: op.collection, id: op.id, version, deleted: false });
      } else {
        stage(op.collection, op.id, null);
        results.push({ collection: op.collection, id: op.id, version: existing?.version ?? 0, deleted: existing !== undefined });
      }
    }
    for (const [c, rows] of staged) {
      const t = this.table(c);
      for (const [id, row] of rows) {
        if (row === null) t.delete(id);
        else t.set(id, row);
      }
    }
    return results;
  }

  async appendPoints(points: readonly TimePoint[]): Promise<void> {
    this.ensureOpen();
    checkPoints(points);
    for (const p of points) {
      let list = this.points.get(p.series);
      if (list === undefined) this.points.set(p.series, (list = []));
      list.push({ series: p.series, time: new Date(p.time), arrival: new Date(p.arrival), value: p.value });
    }
  }

  async readPoints(query: PointQuery): Promise<TimePoint[]> {
    this.ensureOpen();
    const { series, from, to, limit } = checkPointQuery(query);
    const lo = from.getTime();
    const hi = to.getTime();
    return (this.points.get(series) ?? [])
      .filter((p) => p.time.getTime() >= lo && p.time.getTime() < hi)
      .sort((a, b) => a.time.getTime() - b.time.getTime() || a.arrival.getTime() - b.arrival.getTime())
      .slice(0, limit)
      .map((p) => ({ series: p.series, time: new Date(p.time), arrival: new Date(p.arrival), value: p.value }));
  }
}
