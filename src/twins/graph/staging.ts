/**
 * The view a write validates against: the graph in memory (which already holds the writes applied
 * before the commit, see pipeline.ts) plus what the write itself staged, and for writes applied only
 * after their commit (models) the changes staged before them. A relationship to a twin created just
 * before, or a second patch of the same twin, thus sees the earlier write.
 */
import type { RelationshipDocument, TwinDocument } from '../../query/index.js';
import type { ModelCatalog, ModelRecord } from '../models/catalog.js';
import type { ModelInfo } from '../models/model-info.js';
import type { ModelLookup } from '../twin/content.js';
import type { GraphIndex } from './graph-index.js';
import { relationshipKey } from './keys.js';

export class StagingView implements ModelLookup {
  private readonly twins = new Map<string, TwinDocument | null>();
  private readonly rels = new Map<string, RelationshipDocument | null>();
  private readonly models = new Map<string, ModelRecord | null>();

  constructor(
    readonly index: GraphIndex,
    readonly catalog: ModelCatalog,
  ) {}

  /** Forgets what was staged (the pipeline applies early writes to memory, so the view needs no copy). */
  clear(): void {
    if (this.twins.size > 0) this.twins.clear();
    if (this.rels.size > 0) this.rels.clear();
    if (this.models.size > 0) this.models.clear();
  }

  // ---- twins -------------------------------------------------------------------------------------

  twin(id: string): TwinDocument | undefined {
    const staged = this.twins.get(id);
    return staged === undefined ? this.index.getTwin(id) : (staged ?? undefined);
  }

  stageTwin(id: string, doc: TwinDocument | null): void {
    this.twins.set(id, doc);
  }

  /** Twins (committed and staged) whose model is exactly `modelId`. */
  twinsOfModel(modelId: string): number {
    let n = this.index.countByModel([modelId]);
    for (const [id, doc] of this.twins) {
      if (this.index.getTwin(id)?.$metadata.$model === modelId) n--;
      if (doc?.$metadata.$model === modelId) n++;
    }
    return n;
  }

  // ---- relationships -----------------------------------------------------------------------------

  relationship(sourceId: string, relationshipId: string): RelationshipDocument | undefined {
    const staged = this.rels.get(relationshipKey(sourceId, relationshipId));
    return staged === undefined ? this.index.getRelationship(sourceId, relationshipId) : (staged ?? undefined);
  }

  stageRelationship(sourceId: string, relationshipId: string, doc: RelationshipDocument | null): void {
    this.rels.set(relationshipKey(sourceId, relationshipId), doc);
  }

  outgoingCount(sourceId: string, name: string, except?: string): number {
    let n = 0;
    for (const r of this.index.outgoing(sourceId, [name])) {
      if (r.$relationshipId !== except && !this.rels.has(relationshipKey(sourceId, r.$relationshipId))) n++;
    }
    for (const doc of this.rels.values()) {
      if (doc && doc.$sourceId === sourceId && doc.$relationshipName === name && doc.$relationshipId !== except) n++;
    }
    return n;
  }

  /** Whether any relationship (committed or staged) starts or ends at the twin. */
  hasRelationships(twinId: string): boolean {
    for (const list of [this.index.outgoing(twinId), this.index.incoming(twinId)]) {
      for (const r of list) {
        const key = relationshipKey(r.$sourceId, r.$relationshipId);
        if (!this.rels.has(key)) return true;
        const staged = this.rels.get(key);
        if (staged && (staged.$sourceId === twinId || staged.$targetId === twinId)) return true;
      }
    }
    for (const doc of this.rels.values()) if (doc && (doc.$sourceId === twinId || doc.$targetId === twinId)) return true;
    return false;
  }

  // ---- models --------------------------------------------------------------------------------------

  model(id: string): ModelRecord | undefined {
    const staged = this.models.get(id);
    return staged === undefined ? this.catalog.get(id) : (staged ?? undefined);
  }

  info(id: string): ModelInfo | undefined {
    return this.model(id)?.info;
  }

  stageModel(id: string, record: ModelRecord | null): void {
    this.models.set(id, record);
  }

  /** Models (committed and staged) other than `id` that refer to it. */
  modelsReferencing(id: string): string[] {
    const out = new Set<string>();
    for (const m of this.catalog.referencedBy(id)) if (!this.models.has(m)) out.add(m);
    for (const [mid, r] of this.models) if (r && mid !== id && r.info.references.has(id)) out.add(mid);
    return [...out].sort();
  }
}
