/**
 * The Azure Digital Twins data-plane REST API over the twin graph, so the official ADT SDKs and tools
 * work against Twinworks unchanged: /models, /digitaltwins (twins, components, relationships,
 * telemetry), /query and /eventroutes, with ADT's statuses, error codes, ETags and paging.
 * See docs/twins.md ("ADT REST API").
 */
import type { ApiModule } from '../api/index.js';
import type { TwinGraph } from '../twins/index.js';
import { modelRoutes } from './routes-models.js';
import { queryRoutes } from './routes-query.js';
import { relationshipRoutes } from './routes-relationships.js';
import { twinRoutes } from './routes-twins.js';
import { installAdtScope } from './scope.js';

export { API_VERSIONS, AdtErrors } from './scope.js';
export { toAdtError } from './errors.js';

export interface AdtModuleOptions {
  /** Adds /eventroutes (the twins context's event-route store). */
  readonly eventRoutes?: (app: Parameters<ApiModule['register']>[0]) => void;
}

export function createAdtModule(graph: TwinGraph, options: AdtModuleOptions = {}): ApiModule {
  return {
    name: 'adt',
    register(app) {
      installAdtScope(app);
      modelRoutes(app, graph);
      twinRoutes(app, graph);
      relationshipRoutes(app, graph);
      queryRoutes(app, graph);
      options.eventRoutes?.(app);
    },
  };
}
