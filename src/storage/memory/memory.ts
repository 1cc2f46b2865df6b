/**
 * In-memory adapter: the reference implementation of the port's semantics, for unit tests of other
 * contexts. It keeps bodies as JSON text (like the databases do), so callers get fresh copies and
 * cannot mutate stored state through a returned object. Nothing survives the process.
 */
import type { CollectionName } from '../collections.js';
import { notOpen } from '../errors.js';
import { planBatch } from '../plan.js';
import type { ListOptions, PointQuery, StorageAdapter, StoredDocument, TimePoint, WriteOp, WriteResult } from '../port.js';
import { scanPages } from '../paging.js';
import type { AggregateQuery, AggregateRow, ArchiveCounts, ArchiveTarget, EdgeQuery, PointRange, TextPoint } from '../port-series.js';
import { MemorySeriesTables } from './series.js';
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
  private readonly series = new MemorySeriesTables(() => [...this.points.values()].flat());

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
    // planBatch throws on the first failed check, before anything below changes the maps.
    const plan = planBatch(checkOps(ops), (c, id) => this.table(c).get(id)?.version);
    const updatedAt = new Date();
    for (const [c, { inserts, updates, deletes }] of plan.changes) {
      const t = this.table(c);
      for (const id of deletes) t.delete(id);
      for (const r of [...inserts, ...updates]) t.set(r.id, { version: r.version, bodyText: r.bodyText, updatedAt });
    }
    return plan.results;
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

  async appendTextPoints(points: readonly TextPoint[]): Promise<void> {
    this.ensureOpen();
    this.series.appendText(points);
  }

  async readTextPoints(query: PointQuery): Promise<TextPoint[]> {
    this.ensureOpen();
    return this.series.readText(query);
  }

  async aggregatePoints(query: AggregateQuery): Promise<AggregateRow[]> {
    this.ensureOpen();
    return this.series.aggregate(query);
  }

  async edgePoints(query: EdgeQuery): Promise<TimePoint[]> {
    this.ensureOpen();
    return this.series.edge([...this.points.values()].flat(), query);
  }

  async edgeTextPoints(query: EdgeQuery): Promise<TextPoint[]> {
    this.ensureOpen();
    return this.series.edge(this.series.text, query);
  }

  async deletePoints(range: PointRange): Promise<{ points: number; textPoints: number }> {
    this.ensureOpen();
    let points = 0;
    for (const list of this.points.values()) points += MemorySeriesTables.remove(list, range);
    return { points, textPoints: MemorySeriesTables.remove(this.series.text, range) };
  }

  async archivePoints(range: { from: Date; to: Date }, target: ArchiveTarget): Promise<ArchiveCounts> {
    this.ensureOpen();
    return MemorySeriesTables.archive([...this.points.values()], this.series.text, range, target);
  }
}
