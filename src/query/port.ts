/**
 * The port the query executor reads the twin graph through. The twin-graph context implements it
 * (the test double is testing/memory-graph.ts). It is designed around indexes: every method is a
 * point lookup or an index walk, and only `allTwins` / `allRelationships` visit everything.
 *
 * It is synchronous on purpose: the twin graph keeps its indexes in memory (loaded at start with
 * the storage port's `scan`), and per-item async iteration would cost more than the lookups
 * themselves at the p99 targets (docs/query.md).
 *
 * Iteration order must be stable while the graph does not change: continuation tokens resume by
 * position in the starting index.
 */

/** ADT twin JSON: `$dtId`, `$etag`, `$metadata: {$model, <prop>: {lastUpdateTime}}`, properties, components. */
export interface TwinDocument {
  readonly $dtId: string;
  readonly $etag?: string;
  readonly $metadata: { readonly $model: string; readonly [key: string]: unknown };
  readonly [property: string]: unknown;
}

/** ADT relationship JSON. `$relationshipId` is unique per source twin. */
export interface RelationshipDocument {
  readonly $relationshipId: string;
  readonly $sourceId: string;
  readonly $targetId: string;
  readonly $relationshipName: string;
  readonly $etag?: string;
  readonly [property: string]: unknown;
}

/** A collection of ids whose size is known without iterating (a Set, or a view over one). */
export interface IdCollection extends Iterable<string> {
  readonly size: number;
}

export type IndexableValue = string | number | boolean | null;

export interface GraphReader {
  getTwin(id: string): TwinDocument | undefined;
  twinCount(): number;
  /** Every twin, in a stable order. The executor uses it only when no index applies. */
  allTwins(): Iterable<TwinDocument>;

  /** The model itself and every model that extends it, directly or not (DTDL `extends`). Unknown models: just `[modelId]`. */
  modelAndDescendants(modelId: string): readonly string[];
  /** Ids of the twins whose `$metadata.$model` is exactly one of `modelIds` (no subtype expansion here). */
  twinsOfModels(modelIds: readonly string[]): Iterable<string>;
  /** How many twins `twinsOfModels(modelIds)` would yield, without iterating them. */
  countByModel(modelIds: readonly string[]): number;

  /** Relationships whose `$sourceId` is `twinId`, optionally only those with one of `names`. */
  outgoing(twinId: string, names?: readonly string[]): Iterable<RelationshipDocument>;
  /** Relationships whose `$targetId` is `twinId`, optionally only those with one of `names`. */
  incoming(twinId: string, names?: readonly string[]): Iterable<RelationshipDocument>;
  getRelationship(sourceId: string, relationshipId: string): RelationshipDocument | undefined;
  relationshipCount(): number;
  allRelationships(): Iterable<RelationshipDocument>;

  /**
   * Equality index on a property path from the twin root (e.g. ['line'] or ['thermostat', 'mode']).
   * Returns undefined when there is no index on that path: the executor then filters instead.
   * Implementations may build indexes for paths that queries keep asking for.
   */
  findByProperty(path: readonly string[], value: IndexableValue): IdCollection | undefined;
}
