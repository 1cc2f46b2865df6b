import { join } from 'node:path';
import type { EventBus } from '../bus/index.js';
import type { Logger } from '../observability/index.js';
import type { StorageAdapter } from '../storage/index.js';
import type { TwinGraph } from '../twins/index.js';
import { plantModelFromReader } from '../analytics/index.js';
import { readNumbers, readTexts } from '../timeseries/index.js';
import { initialModelFrom, startLivePdm, type LivePdm } from '../ml/index.js';
import { internalTwinWriter, type HistoryParts } from './history.js';

/**
 * Live predictive maintenance (docs/ml-live.md): scoring, warnings as alerts, /api/ml routes.
 * `dataDir`: a model file `<data>/pdm-model.json` is installed when none is promoted. `demo`: when the
 * registry is still empty, a bootstrap model is trained from a simulated history in a worker thread
 * (docs/ml-live.md §Bootstrap model) — the demo's own few days of history hold too few failures.
 */
export async function startPdm(d: { store: StorageAdapter; bus: EventBus; graph: TwinGraph; history: HistoryParts; logger: Logger; demo?: boolean; dataDir?: string }): Promise<LivePdm> {
  const log = d.logger.child({ context: 'ml' });
  const plant = plantModelFromReader(d.graph.index);
  const archive = d.history.history.archive;
  const pdm = await startLivePdm({
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
    ...(d.dataDir !== undefined ? { initialModel: initialModelFrom(join(d.dataDir, 'pdm-model.json')) } : {}),
    ...(d.demo ? { bootstrap: 'demo' as const } : {}),
    onError: (err, what) => log.warn({ err, what }, 'predictive maintenance error'),
    onReady: (info) => log.info(info, 'predictive maintenance scoring live'),
  });
  if (d.demo && (await pdm.registry.list()).length === 0) {
    log.info('no model in the registry: training a bootstrap model from simulated history in a worker thread (a few CPU-minutes; maintenance predictions appear when it is done)');
  }
  void pdm.bootstrapped.then((s) => {
    if (s) log.info({ version: s.version, source: s.source, trainingSeconds: s.metrics.trainingSeconds }, 'bootstrap model trained on simulated history and promoted');
  });
  return pdm;
}
