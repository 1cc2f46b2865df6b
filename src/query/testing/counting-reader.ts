/**
 * Wraps a GraphReader and counts what the executor asks of it: calls per method and items handed
 * out per method. Tests use it to prove a plan used an index (e.g. a `$dtId` query never calls
 * `allTwins`, and reads a handful of documents rather than the whole graph).
 */
import type { GraphReader, IdCollection, IndexableValue, RelationshipDocument, TwinDocument } from '../port.js';

type Method = keyof GraphReader;

export class CountingReader implements GraphReader {
  readonly calls: Partial<Record<Method, number>> = {};
  readonly items: Partial<Record<Method, number>> = {};

  constructor(private readonly inner: GraphReader) {}

  reset(): void {
    for (const k of Object.keys(this.calls)) delete this.calls[k as Method];
    for (const k of Object.keys(this.items)) delete this.items[k as Method];
  }

  /** Total items handed out by every method (documents and ids). */
  get totalItems(): number {
    return Object.values(this.items).reduce((a, b) => a + (b ?? 0), 0);
  }

  private count(m: Method, n = 0): void {
    this.calls[m] = (this.calls[m] ?? 0) + 1;
    this.items[m] = (this.items[m] ?? 0) + n;
  }

  private *tally<T>(m: Method, it: Iterable<T>): Iterable<T> {
    this.count(m);
    for (const x of it) {
      this.items[m] = (this.items[m] ?? 0) + 1;
      yield x;
    }
  }

  getTwin(id: string): TwinDocument | undefined {
    const t = this.inner.getTwin(id);
    this.count('getTwin', t ? 1 : 0);
    return t;
  }
  twinCount(): number {
    this.count('twinCount');
    return this.inner.twinCount();
  }
  allTwins(): Iterable<TwinDocument> {
    return this.tally('allTwins', this.inner.allTwins());
  }
  modelAndDescendants(modelId: string): readonly string[] {
    this.count('modelAndDescendants');
    return this.inner.modelAndDescendants(modelId);
  }
  twinsOfModels(modelIds: readonly string[]): Iterable<string> {
    return this.tally('twinsOfModels', this.inner.twinsOfModels(modelIds));
  }
  countByModel(modelIds: readonly string[]): number {
    this.count('countByModel');
    return this.inner.countByModel(modelIds);
  }
  outgoing(twinId: string, names?: readonly string[]): Iterable<RelationshipDocument> {
    return this.tally('outgoing', this.inner.outgoing(twinId, names));
  }
  incoming(twinId: string, names?: readonly string[]): Iterable<RelationshipDocument> {
    return this.tally('incoming', this.inner.incoming(twinId, names));
  }
  getRelationship(sourceId: string, relationshipId: string): RelationshipDocument | undefined {
    this.count('getRelationship', 1);
    return this.inner.getRelationship(sourceId, relationshipId);
  }
  relationshipCount(): number {
    this.count('relationshipCount');
    return this.inner.relationshipCount();
  }
  allRelationships(): Iterable<RelationshipDocument> {
    return this.tally('allRelationships', this.inner.allRelationships());
  }
  findByProperty(path: readonly string[], value: IndexableValue): IdCollection | undefined {
    this.count('findByProperty');
    const set = this.inner.findByProperty(path, value);
    if (!set) return undefined;
    const items = this.items;
    return {
      size: set.size,
      *[Symbol.iterator]() {
        for (const id of set) {
          items.findByProperty = (items.findByProperty ?? 0) + 1;
          yield id;
        }
      },
    };
  }
}
