/**
 * The Azure Digital Twins data-plane REST API over the twin graph, so the official ADT SDKs and tools
 * work against Twinworks unchanged: /models, /digitaltwins (twins, components, relationships,
 * telemetry), /query and /eventroutes, with ADT's statuses, error codes, ETags and paging.
 * See docs/twins.md ("ADT REST API").
 */
import type { ApiModule } from '../api/index.js';
import type { EventRouting, TwinGraph } from '../twins/index.js';
import { eventRouteRoutes } from './routes-eventroutes.js';
import { modelRoutes } from './routes-models.js';
import { queryRoutes } from './routes-query.js';
import { relationshipRoutes } from './routes-relationships.js';
import { twinRoutes } from './routes-twins.js';
import { installAdtScope } from './scope.js';

export { API_VERSIONS, AdtErrors } from './scope.js';
export { toAdtError } from './errors.js';

export interface AdtModuleOptions {
  /** Serves /eventroutes from the twins context's event routing. */
  readonly routing?: EventRouting;
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
      if (options.routing) eventRouteRoutes(app, options.routing);
    },
  };
}
