import type { EventBus } from '../bus/index.js';
import type { Logger } from '../observability/index.js';
import type { StorageAdapter } from '../storage/index.js';
import type { TwinGraph } from '../twins/index.js';
import { plantModelFromReader } from '../analytics/index.js';
import { readNumbers, readTexts } from '../timeseries/index.js';
import { startLivePdm, type LivePdm } from '../ml/index.js';
import { internalTwinWriter, type HistoryParts } from './history.js';

/** Live predictive maintenance (docs/ml-live.md): scoring, warnings as alerts, /api/ml routes. */
export async function startPdm(d: { store: StorageAdapter; bus: EventBus; graph: TwinGraph; history: HistoryParts; logger: Logger }): Promise<LivePdm> {
  const log = d.logger.child({ context: 'ml' });
  const plant = plantModelFromReader(d.graph.index);
  const archive = d.history.history.archive;
  return startLivePdm({
    store: d.store,
    bus: d.bus,
    reader: {
      readPoints: (series, from, to) => readNumbers(d.store, archive, series, from.getTime(), to.getTime()),
      readTextPoints: (series, from, to) => readTexts(d.store, archive, series, from.getTime(), to.getTime()),
    },
    machines: () => plant.units().filter((u) => u.kind === 'machine').map((u) => u.id),
    twins: internalTwinWriter(d.graph),
    // Anomaly scores are history (derived series) and feed the alert rule kind `anomalous`.
    points: {
      write: async (points) => {
        await d.history.history.writer.derived(points);
        await d.history.alerts.observePoints(points);
      },
    },
    alerts: d.history.alerts,
    onError: (err, what) => log.warn({ err, what }, 'predictive maintenance error'),
    onReady: (info) => log.info(info, 'predictive maintenance scoring live'),
  });
}
