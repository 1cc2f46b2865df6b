/**
 * The twin-graph context: DTDL-validated models, twins and relationships in memory with indexes
 * (the query engine's GraphReader), persisted through the storage port, announced on the bus.
 * See docs/twins.md.
 */
import type { EventBus } from '../bus/index.js';
import type { Logger } from '../observability/index.js';
import type { StorageAdapter } from '../storage/index.js';
import { TwinGraph } from './graph/twin-graph.js';

export { TwinGraph, type TwinGraphOptions, type QueryOptions } from './graph/twin-graph.js';
export type { ModelRecord } from './models/catalog.js';
export type { ModelInfo, RelationshipInfo } from './models/model-info.js';
export type { Preconditions } from './graph/twin-ops.js';
export type { PatchOptions } from './twin/patch-twin.js';
export { TwinsErrors, type TwinsErrorCode } from './errors.js';
export { EventRouting, type EventRoute, type EventRoutingOptions } from './events/routing.js';
export type { EndpointSpec } from './events/endpoints.js';
export { toCloudEvent, ADT_EVENT_TYPES, type CloudEvent } from './events/cloudevents.js';
export { parseFilter } from './events/filter/parser.js';
export { matches as filterMatches } from './events/filter/evaluate.js';
export { createTwinsApiModule, type TwinsApiOptions } from './api/module.js';
export { seedDemoPlant, defaultModelsDir, readModelFiles, type SeedResult } from './demo/plant.js';

/** The graph over a store; call `await graph.load()` before serving. */
export function createTwinGraph(options: { store: StorageAdapter; bus?: EventBus | undefined; logger?: Logger | undefined }): TwinGraph {
  return new TwinGraph(options);
}
