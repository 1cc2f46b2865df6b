/**
 * The twin graph service: models, twins and relationships validated against DTDL, kept in memory
 * with indexes (the GraphReader the query engine reads), stored through the storage port and
 * announced on the bus. Reads are answered from memory; writes go through the group-commit pipeline
 * (pipeline.ts) and are visible to the next read or query as soon as the call resolves.
 */
import type { EventBus } from '../../bus/index.js';
import type { Logger } from '../../observability/index.js';
import { executeQuery, explainQuery, type QueryPage, type RelationshipDocument, type TwinDocument } from '../../query/index.js';
import type { StorageAdapter } from '../../storage/index.js';
import { TwinsErrors } from '../errors.js';
import { ModelCatalog, type ModelRecord } from '../models/catalog.js';
import { createDtdlModelParser } from '../models/dtdl-parser.js';
import type { ModelParser } from '../models/parser-port.js';
import { escapePointer, isPlainObject } from '../models/values.js';
import { parsePatch, type PatchOp } from '../patch/json-patch.js';
import { MetadataEntries, isoNow } from '../twin/metadata.js';
import { componentNotFound, type PatchOptions } from '../twin/patch-twin.js';
import { GraphIndex, type GraphIndexOptions } from './graph-index.js';
import { loadGraph, type LoadCounts } from './load.js';
import { decommissionIntent, deleteModelIntent, modelNotFound, parseUpload, uploadIntent } from './model-ops.js';
import { WritePipeline, type Intent } from './pipeline.js';
import { deleteRelationshipIntent, patchRelationshipIntent, relationshipNotFound, upsertRelationshipIntent } from './relationship-ops.js';
import { TelemetrySender, type TelemetryInput } from './telemetry.js';
import { deleteTwinIntent, patchTwinIntent, twinNotFound, upsertTwinIntent, type OpsContext, type Preconditions } from './twin-ops.js';

export interface TwinGraphOptions {
  readonly store: StorageAdapter;
  readonly bus?: EventBus | undefined;
  readonly logger?: Logger | undefined;
  readonly parser?: ModelParser;
  /** Milliseconds since the epoch; tests pin it. */
  readonly clock?: () => number;
  readonly index?: Omit<GraphIndexOptions, 'descendants'>;
}

export interface QueryOptions {
  readonly pageSize?: number;
  readonly continuationToken?: string;
}

export class TwinGraph {
  readonly models = new ModelCatalog();
  readonly index: GraphIndex;
  private readonly pipeline: WritePipeline;
  private readonly parser: ModelParser;
  private readonly ctx: OpsContext;
  private loaded = false;
  private readonly telemetry: TelemetrySender;

  constructor(private readonly options: TwinGraphOptions) {
    this.index = new GraphIndex({ ...options.index, descendants: (id) => this.models.descendants(id) });
    this.parser = options.parser ?? createDtdlModelParser();
    this.pipeline = new WritePipeline(options.store, options.bus, this.index, this.models, options.logger);
    const clock = options.clock ?? Date.now;
    this.ctx = { entries: new MetadataEntries(), now: () => isoNow(clock) };
    this.telemetry = new TelemetrySender(options.bus, this.models, this.ctx.now);
  }

  /** Reads every model, twin and relationship from storage into memory. Call once, before serving. */
  async load(): Promise<LoadCounts> {
    if (this.loaded) throw new Error('TwinGraph.load() called twice');
    this.loaded = true;
    const counts = await loadGraph(this.options.store, this.parser, this.models, this.index, this.options.logger);
    this.options.logger?.info({ ...counts }, 'twin graph loaded');
    return counts;
  }

  /** Waits for queued writes (shutdown). */
  async drain(): Promise<void> {
    await this.pipeline.idle();
  }

  get writeStats() {
    return this.pipeline.stats;
  }

  /** Runs a custom intent through the pipeline (event routes use it to share the commit order). */
  submit<T>(intent: Intent<T>): Promise<T> {
    return this.pipeline.submit(intent);
  }

  // ---- models --------------------------------------------------------------------------------------

  async createModels(definitions: unknown): Promise<ModelRecord[]> {
    const parsed = await parseUpload(definitions, this.models, this.parser);
    return this.pipeline.submit(uploadIntent(parsed, this.ctx.now));
  }

  getModel(id: string): ModelRecord {
    const r = this.models.get(id);
    if (!r) throw modelNotFound(id);
    return r;
  }

  /** All models, or the named ones with what they depend on (ADT `dependenciesFor`). */
  listModels(dependenciesFor?: readonly string[]): ModelRecord[] {
    if (!dependenciesFor || dependenciesFor.length === 0) return this.models.all();
    for (const id of dependenciesFor) if (!this.models.has(id)) throw modelNotFound(id);
    return this.models.withDependencies(dependenciesFor);
  }

  async updateModel(id: string, patch: unknown): Promise<void> {
    if (!this.models.has(id)) throw modelNotFound(id);
    return this.pipeline.submit(decommissionIntent(id, patch, this.ctx.now));
  }

  async decommissionModel(id: string): Promise<void> {
    return this.updateModel(id, [{ op: 'replace', path: '/decommissioned', value: true }]);
  }

  async deleteModel(id: string): Promise<void> {
    return this.pipeline.submit(deleteModelIntent(id, this.ctx.now));
  }

  // ---- twins -----------------------------------------------------------------------------------------

  getTwin(id: string): TwinDocument {
    const t = this.index.getTwin(id);
    if (!t) throw twinNotFound(id);
    return t;
  }

  async upsertTwin(id: string, body: unknown, pre: Preconditions = {}): Promise<TwinDocument> {
    return this.pipeline.submit(upsertTwinIntent(id, body, pre, this.ctx));
  }

  /** `patch` is a JSON Patch document (RFC 6902), parsed and checked here. */
  async patchTwin(id: string, patch: unknown, pre: Preconditions = {}, options: PatchOptions = {}): Promise<TwinDocument> {
    return this.pipeline.submit(patchTwinIntent(id, parsePatch(patch), pre, options, this.ctx));
  }

  async deleteTwin(id: string, pre: Preconditions = {}): Promise<void> {
    return this.pipeline.submit(deleteTwinIntent(id, pre, this.ctx));
  }

  getComponent(id: string, component: string): Record<string, unknown> {
    const twin = this.getTwin(id);
    const value = (twin as Record<string, unknown>)[component];
    if (!this.models.info(twin.$metadata.$model)?.components.has(component) || !isPlainObject(value)) throw componentNotFound(id, component);
    return value;
  }

  /** JSON Patch relative to the component (ADT "DigitalTwins UpdateComponent"). */
  async patchComponent(id: string, component: string, patch: unknown, pre: Preconditions = {}, options: PatchOptions = {}): Promise<TwinDocument> {
    const twin = this.getTwin(id);
    if (!this.models.info(twin.$metadata.$model)?.components.has(component)) throw componentNotFound(id, component);
    const prefix = `/${escapePointer(component)}`;
    const ops: PatchOp[] = parsePatch(patch).map((op) => ({ ...op, path: prefix + op.path, segments: [component, ...op.segments] }));
    return this.pipeline.submit(patchTwinIntent(id, ops, pre, options, this.ctx));
  }

  // ---- relationships -----------------------------------------------------------------------------

  getRelationship(sourceId: string, relationshipId: string): RelationshipDocument {
    if (!this.index.getTwin(sourceId)) throw twinNotFound(sourceId);
    const r = this.index.getRelationship(sourceId, relationshipId);
    if (!r) throw relationshipNotFound(sourceId, relationshipId);
    return r;
  }

  async upsertRelationship(sourceId: string, relationshipId: string, body: unknown, pre: Preconditions = {}): Promise<RelationshipDocument> {
    return this.pipeline.submit(upsertRelationshipIntent(sourceId, relationshipId, body, pre, this.ctx));
  }

  async patchRelationship(sourceId: string, relationshipId: string, patch: unknown, pre: Preconditions = {}, options: PatchOptions = {}): Promise<RelationshipDocument> {
    return this.pipeline.submit(patchRelationshipIntent(sourceId, relationshipId, parsePatch(patch), pre, options.trusted ?? false, this.ctx));
  }

  async deleteRelationship(sourceId: string, relationshipId: string, pre: Preconditions = {}): Promise<void> {
    return this.pipeline.submit(deleteRelationshipIntent(sourceId, relationshipId, pre, this.ctx));
  }

  /** Outgoing relationships of a twin, optionally only those named `name`. */
  listRelationships(twinId: string, name?: string): readonly RelationshipDocument[] {
    if (!this.index.getTwin(twinId)) throw twinNotFound(twinId);
    return [...this.index.outgoing(twinId, name ? [name] : undefined)];
  }

  listIncomingRelationships(twinId: string): readonly RelationshipDocument[] {
    if (!this.index.getTwin(twinId)) throw twinNotFound(twinId);
    return [...this.index.incoming(twinId)];
  }

  /** Telemetry on behalf of a twin or one of its components; false when dropped as a duplicate. */
  async sendTelemetry(twinId: string, input: TelemetryInput): Promise<boolean> {
    return this.telemetry.send(this.getTwin(twinId), input);
  }

  // ---- queries -------------------------------------------------------------------------------------

  query(text: string, options: QueryOptions = {}): QueryPage {
    if (typeof text !== 'string' || text.trim() === '') throw TwinsErrors.create('invalid_argument', 'The query text is empty');
    return executeQuery(text, this.index, options);
  }

  explain(text: string): ReturnType<typeof explainQuery> {
    return explainQuery(text, this.index);
  }

  /** The time the graph stamps on writes now (RFC 3339). */
  now(): string {
    return this.ctx.now();
  }
}
