/**
 * The twin graph in memory: the GraphReader the query engine reads (src/query/port.ts).
 *
 * Layout, chosen for the 1M-twin / 3M-relationship target (docs/twins.md, memory):
 * - one Map id → TwinNode; the node holds the twin document and its adjacency arrays, so a twin costs
 *   one map entry, one small node, the document and two short arrays (no per-twin Maps or closures);
 * - documents are plain JSON objects in ADT's shape, never mutated once stored (writes replace them),
 *   so the query engine can hand them out as results and a reader never sees half a write;
 * - relationships live only in the source's `out` and the target's `in` arrays (same object twice);
 * - by-model Sets of ids, and equality indexes on property paths built on demand.
 * The write pipeline (pipeline.ts) applies twin and relationship writes here as soon as they are
 * validated, before their storage batch commits, and undoes them if the store refuses the batch.
 */
import type { GraphReader, IdCollection, IndexableValue, RelationshipDocument, TwinDocument } from '../../query/index.js';

export class TwinNode {
  out: RelationshipDocument[] | undefined = undefined;
  in: RelationshipDocument[] | undefined = undefined;
  constructor(public doc: TwinDocument) {}
}

interface PropertyIndex {
  readonly path: readonly string[];
  readonly byValue: Map<IndexableValue, Set<string>>;
}

export interface GraphIndexOptions {
  /** The model and all models extending it (from the model catalogue). */
  readonly descendants: (modelId: string) => readonly string[];
  /** Build an equality index on a path after this many `findByProperty` requests for it (0 = never). */
  readonly autoIndexAfter?: number;
  readonly maxAutoIndexes?: number;
  readonly indexedProperties?: readonly (readonly string[])[];
}

const NO_RELS: readonly RelationshipDocument[] = [];
const NO_IDS: IdCollection = new Set<string>();
const pathKey = (path: readonly string[]): string => path.join('\u0000');

export class GraphIndex implements GraphReader {
  private readonly nodes = new Map<string, TwinNode>();
  private readonly byModel = new Map<string, Set<string>>();
  private relCount = 0;
  private readonly indexes = new Map<string, PropertyIndex>();
  private readonly requests = new Map<string, number>();
  private autoBuilt = 0;

  constructor(private readonly options: GraphIndexOptions) {
    for (const p of options.indexedProperties ?? []) this.createIndex(p);
  }

  // ---- writes (called by the write pipeline, and by load) -------------------------------------

  putTwin(doc: TwinDocument): void {
    const node = this.nodes.get(doc.$dtId);
    if (node) {
      const old = node.doc;
      node.doc = doc;
      this.reindexTwin(old, doc);
      return;
    }
    this.nodes.set(doc.$dtId, new TwinNode(doc));
    this.addToModel(doc.$metadata.$model, doc.$dtId);
    for (const index of this.indexes.values()) addToIndex(index, doc, valueAt(doc, index.path));
  }

  /**
   * Moves a replaced twin only in the indexes whose key changed. A patch rarely changes the model or
   * an indexed value; deleting and re-adding the id in sets of a million ids on every write cost
   * time, reordered the sets and made V8 rehash them as deletions piled up.
   */
  private reindexTwin(old: TwinDocument, doc: TwinDocument): void {
    if (old.$metadata.$model !== doc.$metadata.$model) {
      this.removeFromModel(old.$metadata.$model, old.$dtId);
      this.addToModel(doc.$metadata.$model, doc.$dtId);
    }
    for (const index of this.indexes.values()) {
      const before = valueAt(old, index.path);
      const after = valueAt(doc, index.path);
      if (before === after) continue;
      removeFromIndex(index, old, before);
      addToIndex(index, doc, after);
    }
  }

  private addToModel(model: string, id: string): void {
    let set = this.byModel.get(model);
    if (!set) this.byModel.set(model, (set = new Set()));
    set.add(id);
  }

  private removeFromModel(model: string, id: string): void {
    const set = this.byModel.get(model);
    set?.delete(id);
    if (set?.size === 0) this.byModel.delete(model);
  }

  /** The twin must have no relationships left (the graph refuses such deletes before they get here). */
  removeTwin(id: string): void {
    const node = this.nodes.get(id);
    if (!node) return;
    this.unindexTwin(node.doc);
    this.nodes.delete(id);
  }

  /** Adds or replaces (same source and $relationshipId) a relationship. */
  putRelationship(rel: RelationshipDocument): void {
    this.removeRelationship(rel.$sourceId, rel.$relationshipId);
    const source = this.nodes.get(rel.$sourceId);
    const target = this.nodes.get(rel.$targetId);
    if (!source || !target) throw new Error(`relationship ${rel.$sourceId}/${rel.$relationshipId} refers to a missing twin`);
    source.out = append(source.out, rel);
    target.in = append(target.in, rel);
    this.relCount++;
  }

  removeRelationship(sourceId: string, relationshipId: string): RelationshipDocument | undefined {
    const source = this.nodes.get(sourceId);
    const rel = source?.out?.find((r) => r.$relationshipId === relationshipId);
    if (!source || !rel) return undefined;
    source.out = without(source.out!, rel);
    const target = this.nodes.get(rel.$targetId);
    if (target?.in) target.in = without(target.in, rel);
    this.relCount--;
    return rel;
  }

  createIndex(path: readonly string[]): void {
    const key = pathKey(path);
    if (this.indexes.has(key)) return;
    const index: PropertyIndex = { path: [...path], byValue: new Map() };
    for (const node of this.nodes.values()) addToIndex(index, node.doc, valueAt(node.doc, index.path));
    this.indexes.set(key, index);
  }

  indexedPaths(): string[][] {
    return [...this.indexes.values()].map((i) => [...i.path]);
  }

  node(id: string): TwinNode | undefined {
    return this.nodes.get(id);
  }

  /** Relationships from and to the twin. */
  degree(id: string): number {
    const node = this.nodes.get(id);
    return (node?.out?.length ?? 0) + (node?.in?.length ?? 0);
  }

  // ---- GraphReader ------------------------------------------------------------------------------

  getTwin(id: string): TwinDocument | undefined {
    return this.nodes.get(id)?.doc;
  }

  twinCount(): number {
    return this.nodes.size;
  }

  *allTwins(): Iterable<TwinDocument> {
    for (const node of this.nodes.values()) yield node.doc;
  }

  modelAndDescendants(modelId: string): readonly string[] {
    return this.options.descendants(modelId);
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
    return byName(this.nodes.get(twinId)?.out, names);
  }

  incoming(twinId: string, names?: readonly string[]): Iterable<RelationshipDocument> {
    return byName(this.nodes.get(twinId)?.in, names);
  }

  getRelationship(sourceId: string, relationshipId: string): RelationshipDocument | undefined {
    return this.nodes.get(sourceId)?.out?.find((r) => r.$relationshipId === relationshipId);
  }

  relationshipCount(): number {
    return this.relCount;
  }

  *allRelationships(): Iterable<RelationshipDocument> {
    for (const node of this.nodes.values()) if (node.out) yield* node.out;
  }

  findByProperty(path: readonly string[], value: IndexableValue): IdCollection | undefined {
    const key = pathKey(path);
    let index = this.indexes.get(key);
    const after = this.options.autoIndexAfter ?? 3;
    if (!index && after > 0 && this.autoBuilt < (this.options.maxAutoIndexes ?? 32)) {
      const n = (this.requests.get(key) ?? 0) + 1;
      this.requests.set(key, n);
      if (n >= after) {
        this.createIndex(path);
        this.autoBuilt++;
        this.requests.delete(key);
        index = this.indexes.get(key);
      }
    }
    if (!index) return undefined;
    return index.byValue.get(value) ?? NO_IDS;
  }

  private unindexTwin(doc: TwinDocument): void {
    this.removeFromModel(doc.$metadata.$model, doc.$dtId);
    for (const index of this.indexes.values()) removeFromIndex(index, doc, valueAt(doc, index.path));
  }
}

function valueAt(doc: TwinDocument, path: readonly string[]): IndexableValue | undefined {
  let v: unknown = doc;
  for (const segment of path) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[segment];
  }
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : undefined;
}

function addToIndex(index: PropertyIndex, doc: TwinDocument, v: IndexableValue | undefined): void {
  if (v === undefined) return;
  let set = index.byValue.get(v);
  if (!set) index.byValue.set(v, (set = new Set()));
  set.add(doc.$dtId);
}

function removeFromIndex(index: PropertyIndex, doc: TwinDocument, v: IndexableValue | undefined): void {
  if (v === undefined) return;
  const ids = index.byValue.get(v);
  ids?.delete(doc.$dtId);
  if (ids?.size === 0) index.byValue.delete(v);
}

/**
 * Short lists are copied to exact size (an array grown by push reserves room for 16 more entries,
 * which at 1M twins × 2 lists is most of the memory budget); long ones grow in place.
 */
function append(list: RelationshipDocument[] | undefined, rel: RelationshipDocument): RelationshipDocument[] {
  if (list === undefined) return [rel];
  if (list.length < 16) return [...list, rel];
  list.push(rel);
  return list;
}

/** Copy-on-write removal: an iteration in progress over the old array is not disturbed. */
function without(list: RelationshipDocument[], rel: RelationshipDocument): RelationshipDocument[] | undefined {
  if (list.length === 1) return list[0] === rel ? undefined : list;
  const i = list.indexOf(rel);
  if (i < 0) return list;
  return list.slice(0, i).concat(list.slice(i + 1));
}

function byName(list: readonly RelationshipDocument[] | undefined, names?: readonly string[]): readonly RelationshipDocument[] {
  if (!list) return NO_RELS;
  if (!names || names.length === 0) return list;
  if (names.length === 1) {
    // Counted first, then copied at exact size without a closure: queries call this for every twin
    // they expand, and the garbage it made was most of a 3-hop MATCH's allocation.
    const name = names[0];
    let count = 0;
    for (let i = 0; i < list.length; i++) if (list[i]!.$relationshipName === name) count++;
    if (count === list.length) return list;
    if (count === 0) return NO_RELS;
    const out = new Array<RelationshipDocument>(count);
    let k = 0;
    for (let i = 0; i < list.length; i++) if (list[i]!.$relationshipName === name) out[k++] = list[i]!;
    return out;
  }
  return list.filter((r) => names.includes(r.$relationshipName));
}
