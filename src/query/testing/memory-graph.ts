/**
 * An in-memory GraphReader with real indexes: twins by id, twins by model, relationships by source
 * and by target, and per-property equality maps. Used by the tests and the benchmark; the twin-graph
 * context may reuse or adapt it.
 *
 * Property indexes are declared up front (`indexedProperties`) or built on demand once queries have
 * asked `findByProperty` for the same path `autoIndexAfter` times (0 turns that off). Building one
 * is a single pass over the twins; afterwards every write keeps it current.
 */
import type { GraphReader, IdCollection, IndexableValue, RelationshipDocument, TwinDocument } from '../port.js';

export interface ModelDeclaration {
  readonly id: string;
  readonly extends?: readonly string[];
}

export interface MemoryGraphOptions {
  readonly models?: readonly ModelDeclaration[];
  readonly indexedProperties?: readonly (readonly string[])[];
  /** Build an index on a path after this many `findByProperty` requests for it (default 3, 0 = never). */
  readonly autoIndexAfter?: number;
  /** At most this many indexes are built on demand (default 32). */
  readonly maxAutoIndexes?: number;
}

interface PropertyIndex {
  readonly path: readonly string[];
  readonly byValue: Map<IndexableValue, Set<string>>;
}

const EMPTY: readonly RelationshipDocument[] = [];
const pathKey = (path: readonly string[]): string => path.join('\u0000');

export class MemoryGraph implements GraphReader {
  private readonly twins = new Map<string, TwinDocument>();
  private readonly byModel = new Map<string, Set<string>>();
  private readonly out = new Map<string, RelationshipDocument[]>();
  private readonly in = new Map<string, RelationshipDocument[]>();
  private relCount = 0;
  private readonly children = new Map<string, Set<string>>();
  private descendantsCache = new Map<string, readonly string[]>();
  private readonly indexes = new Map<string, PropertyIndex>();
  private readonly requests = new Map<string, number>();
  private autoBuilt = 0;
  private readonly autoIndexAfter: number;
  private readonly maxAutoIndexes: number;

  constructor(options: MemoryGraphOptions = {}) {
    this.autoIndexAfter = options.autoIndexAfter ?? 3;
    this.maxAutoIndexes = options.maxAutoIndexes ?? 32;
    for (const m of options.models ?? []) this.addModel(m.id, m.extends ?? []);
    for (const p of options.indexedProperties ?? []) this.createIndex(p);
  }

  // ---- writes -------------------------------------------------------------------------------

  addModel(id: string, extendsIds: readonly string[] = []): void {
    for (const parent of extendsIds) {
      let set = this.children.get(parent);
      if (!set) this.children.set(parent, (set = new Set()));
      set.add(id);
    }
    this.descendantsCache = new Map();
  }

  upsertTwin(twin: TwinDocument): void {
    const previous = this.twins.get(twin.$dtId);
    if (previous) this.unindexTwin(previous);
    this.twins.set(twin.$dtId, twin);
    const model = twin.$metadata.$model;
    let set = this.byModel.get(model);
    if (!set) this.byModel.set(model, (set = new Set()));
    set.add(twin.$dtId);
    for (const index of this.indexes.values()) addToIndex(index, twin);
  }

  /** Removes the twin and every relationship from or to it. */
  deleteTwin(id: string): boolean {
    const twin = this.twins.get(id);
    if (!twin) return false;
    for (const rel of [...(this.out.get(id) ?? EMPTY), ...(this.in.get(id) ?? EMPTY)]) {
      this.deleteRelationship(rel.$sourceId, rel.$relationshipId);
    }
    this.unindexTwin(twin);
    this.twins.delete(id);
    return true;
  }

  upsertRelationship(rel: RelationshipDocument): void {
    this.deleteRelationship(rel.$sourceId, rel.$relationshipId);
    push(this.out, rel.$sourceId, rel);
    push(this.in, rel.$targetId, rel);
    this.relCount++;
  }

  deleteRelationship(sourceId: string, relationshipId: string): boolean {
    const rel = this.getRelationship(sourceId, relationshipId);
    if (!rel) return false;
    remove(this.out, rel.$sourceId, rel);
    remove(this.in, rel.$targetId, rel);
    this.relCount--;
    return true;
  }

  createIndex(path: readonly string[]): void {
    const key = pathKey(path);
    if (this.indexes.has(key)) return;
    const index: PropertyIndex = { path: [...path], byValue: new Map() };
    for (const twin of this.twins.values()) addToIndex(index, twin);
    this.indexes.set(key, index);
  }

  indexedPaths(): string[][] {
    return [...this.indexes.values()].map((i) => [...i.path]);
  }

  // ---- GraphReader --------------------------------------------------------------------------

  getTwin(id: string): TwinDocument | undefined {
    return this.twins.get(id);
  }

  twinCount(): number {
    return this.twins.size;
  }

  allTwins(): Iterable<TwinDocument> {
    return this.twins.values();
  }

  modelAndDescendants(modelId: string): readonly string[] {
    const cached = this.descendantsCache.get(modelId);
    if (cached) return cached;
    const seen = new Set([modelId]);
    const queue = [modelId];
    // DTDL forbids cycles in `extends`; `seen` still guarantees termination.
    for (let i = 0; i < queue.length; i++) {
      for (const child of this.children.get(queue[i] as string) ?? []) {
        if (!seen.has(child)) {
          seen.add(child);
          queue.push(child);
        }
      }
    }
    const result = [...seen];
    this.descendantsCache.set(modelId, result);
    return result;
  }

  *twinsOfModels(modelIds: readonly string[]): Iterable<string> {
    for (const m of modelIds) {
      const set = this.byModel.get(m);
      if (set) yield* set;
    }
  }

  countByModel(modelIds: readonly string[]): number {
    let n = 0;
    for (const m of modelIds) n += this.byModel.get(m)?.size ?? 0;
    return n;
  }

  outgoing(twinId: string, names?: readonly string[]): Iterable<RelationshipDocument> {
    return filterByName(this.out.get(twinId), names);
  }

  incoming(twinId: string, names?: readonly string[]): Iterable<RelationshipDocument> {
    return filterByName(this.in.get(twinId), names);
  }

  getRelationship(sourceId: string, relationshipId: string): RelationshipDocument | undefined {
    return this.out.get(sourceId)?.find((r) => r.$relationshipId === relationshipId);
  }

  relationshipCount(): number {
    return this.relCount;
  }

  *allRelationships(): Iterable<RelationshipDocument> {
    for (const list of this.out.values()) yield* list;
  }

  findByProperty(path: readonly string[], value: IndexableValue): IdCollection | undefined {
    const key = pathKey(path);
    let index = this.indexes.get(key);
    if (!index && this.autoIndexAfter > 0 && this.autoBuilt < this.maxAutoIndexes) {
      const n = (this.requests.get(key) ?? 0) + 1;
      this.requests.set(key, n);
      if (n >= this.autoIndexAfter) {
        this.createIndex(path);
        this.autoBuilt++;
        this.requests.delete(key);
        index = this.indexes.get(key);
      }
    }
    if (!index) return undefined;
    return index.byValue.get(value) ?? EMPTY_IDS;
  }

  private unindexTwin(twin: TwinDocument): void {
    this.byModel.get(twin.$metadata.$model)?.delete(twin.$dtId);
    for (const index of this.indexes.values()) {
      const v = valueAt(twin, index.path);
      if (v !== undefined) index.byValue.get(v)?.delete(twin.$dtId);
    }
  }
}

const EMPTY_IDS: IdCollection = new Set<string>();

function valueAt(twin: TwinDocument, path: readonly string[]): IndexableValue | undefined {
  let v: unknown = twin;
  for (const segment of path) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[segment];
  }
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : undefined;
}

function addToIndex(index: PropertyIndex, twin: TwinDocument): void {
  const v = valueAt(twin, index.path);
  if (v === undefined) return;
  let set = index.byValue.get(v);
  if (!set) index.byValue.set(v, (set = new Set()));
  set.add(twin.$dtId);
}

function push(map: Map<string, RelationshipDocument[]>, key: string, rel: RelationshipDocument): void {
  const list = map.get(key);
  if (list) list.push(rel);
  else map.set(key, [rel]);
}

function remove(map: Map<string, RelationshipDocument[]>, key: string, rel: RelationshipDocument): void {
  const list = map.get(key);
  if (!list) return;
  const i = list.indexOf(rel);
  if (i >= 0) list.splice(i, 1);
  if (list.length === 0) map.delete(key);
}

function filterByName(list: readonly RelationshipDocument[] | undefined, names?: readonly string[]): readonly RelationshipDocument[] {
  if (!list) return EMPTY;
  if (!names || names.length === 0) return list;
  if (names.length === 1) {
    const name = names[0];
    return list.filter((r) => r.$relationshipName === name);
  }
  return list.filter((r) => names.includes(r.$relationshipName));
}
