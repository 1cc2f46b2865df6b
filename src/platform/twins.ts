import type { ApiModule } from '../api/index.js';
import type { EventBus } from '../bus/index.js';
import type { Logger } from '../observability/index.js';
import type { StorageAdapter } from '../storage/index.js';
import { createTwinGraph, createTwinsApiModule, EventRouting, seedDemoPlant, type TwinGraph } from '../twins/index.js';
import { createAdtModule } from '../adt/index.js';

/**
 * The twin graph with its event routing and HTTP surfaces (ADT data plane + /api/twins…). With the
 * demo on, the demo plant's models and twins are created if missing (idempotent across restarts).
 */
export async function startTwins(options: { store: StorageAdapter; bus: EventBus; logger: Logger; source: string; seedDemo: boolean }): Promise<{
  graph: TwinGraph;
  modules: ApiModule[];
  stop(): Promise<void>;
}> {
  const log = options.logger.child({ context: 'twins' });
  const graph = createTwinGraph({ store: options.store, bus: options.bus, logger: log });
  const counts = await graph.load();
  log.info({ counts }, 'twin graph loaded');
  if (options.seedDemo) {
    const seeded = await seedDemoPlant(graph);
    log.info({ seeded }, 'demo plant ready');
  }
  const routing = new EventRouting({ store: options.store, bus: options.bus, logger: log, source: options.source });
  await routing.start();
  return {
    graph,
    modules: [createAdtModule(graph, { routing }), createTwinsApiModule(graph, { routing, bus: options.bus, source: options.source })],
    async stop() {
      await routing.stop();
      await graph.drain();
    },
  };
}
