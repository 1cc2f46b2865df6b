/** The twins context's /api routes as one ApiModule (src/api/context.ts). */
import { hostname } from 'node:os';
import type { ApiModule } from '../../api/index.js';
import type { EventBus } from '../../bus/index.js';
import type { EventRouting } from '../events/routing.js';
import type { TwinGraph } from '../graph/twin-graph.js';
import { eventRoutes } from './routes-events.js';
import { graphRoutes } from './routes-graph.js';

export interface TwinsApiOptions {
  readonly routing?: EventRouting | undefined;
  /** Needed for the live event stream. */
  readonly bus?: EventBus | undefined;
  /** CloudEvents `source` of streamed events; default this host's name. */
  readonly source?: string;
}

export function createTwinsApiModule(graph: TwinGraph, options: TwinsApiOptions = {}): ApiModule {
  return {
    name: 'twins',
    register(app) {
      app.addContentTypeParser('application/json-patch+json', { parseAs: 'string' }, (_req, body, done) => {
        try {
          done(null, JSON.parse(body as string));
        } catch (err) {
          (err as Error & { statusCode?: number }).statusCode = 400;
          done(err as Error, undefined);
        }
      });
      graphRoutes(app, graph);
      eventRoutes(app, { routing: options.routing, bus: options.bus, source: options.source ?? hostname() });
    },
  };
}
