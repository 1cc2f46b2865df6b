/**
 * `startLivePdm`: live predictive maintenance assembled from the platform's parts, so the
 * composition root only passes what it has (docs/ml-live.md §Wiring): the store (model registry),
 * the bus (telemetry), the history's point reads (warm-up and training), the machines, and the
 * twin, point and alert writers.
 *
 * Start order: the promoted model is loaded before this returns; warm-up (replaying the last days
 * of history through the trackers) then runs in the background and the bus subscriptions start
 * after it, because a tracker drops messages older than the newest it has seen: live telemetry
 * first would make the replay count for nothing. Telemetry that arrives during warm-up is not
 * scored (the features summarise whole hours, so a few minutes are not missed).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { ApiModule } from '../../api/index.js';
import type { EventBus, Subscription } from '../../bus/index.js';
import type { StorageAdapter } from '../../storage/index.js';
import { createPdmApiModule } from './api.js';
import { historySourceFrom, labelSourceFrom, type MachineList, type PointReader } from './history-adapters.js';
import { bootstrapModel, demoBootstrap, DEMO_BOOTSTRAP_DAYS, type BootstrapOptions } from './bootstrap.js';
import type { HistoryTrainRequest } from './history-train.js';
import { connectScorer } from './live.js';
import { warningSinkFrom, type ExternalAlerts } from './port-adapters.js';
import { ModelRegistry, type ModelSummary } from './registry.js';
import { assertPdmModel, type PdmModel } from './model.js';
import { LiveScorer, type LiveScorerOptions, type PointWriter, type TwinWriter } from './scorer.js';
import { TrainWorkers, trainFromHistoryInWorker } from './train-runner.js';
import type { HistorySource, LabelSource } from './types.js';

export interface LivePdmDeps {
  readonly store: StorageAdapter;
  readonly bus: EventBus;
  /** The history's point reads (numbers and text) of one series in [from, to). */
  readonly reader: PointReader;
  /** The machines to score and train on (ids or MachineInfo; read again at every warm-up and training). */
  readonly machines: MachineList;
  readonly twins?: TwinWriter;
  readonly points?: PointWriter;
  readonly alerts?: ExternalAlerts;
  readonly machineInfo?: LiveScorerOptions['machineInfo'];
  /**
   * A model to install when the registry has none promoted (first start): saved as the next version
   * and promoted, so a new platform predicts before it has the failure history to train on.
   */
  readonly initialModel?: () => PdmModel | undefined;
  /** Days of history replayed at start (default 14, what the features look back; 0 = none). */
  readonly warmUpDays?: number;
  /** Training settings for `POST /api/ml/train` (the window comes from the request). */
  readonly train?: Omit<HistoryTrainRequest, 'from' | 'to'>;
  /**
   * When the registry holds no model at all (after `initialModel`): train one from a simulated
   * history in a worker, save it labelled as such, promote it (bootstrap.ts). `'demo'`: the demo's
   * first start (`demoBootstrap`, docs/ml-live.md §Bootstrap model).
   */
  readonly bootstrap?: BootstrapOptions | 'demo';
  readonly onError?: (err: unknown, what: string) => void;
  /** Called once the warm-up is done and the scorer follows the bus. */
  readonly onReady?: (info: { readonly samples: number; readonly modelVersion?: number }) => void;
  readonly clock?: () => number;
}

export interface LivePdm {
  readonly scorer: LiveScorer;
  readonly registry: ModelRegistry;
  readonly history: HistorySource;
  readonly labels: LabelSource;
  readonly api: ApiModule;
  /** Resolves when warm-up has finished and the bus subscriptions are in place (errors go to onError). */
  readonly ready: Promise<void>;
  /** The bootstrap model once trained and promoted; undefined when none was asked for, skipped or failed (onError). */
  readonly bootstrapped: Promise<ModelSummary | undefined>;
  stop(): Promise<void>;
}

/**
 * `initialModel` from a model file (`twinworks ml train --model FILE`): undefined when the file does
 * not exist; a file that is not a model this build can score with throws `ml.pdm.bad_model`.
 */
export function initialModelFrom(file: string): () => PdmModel | undefined {
  return () => (existsSync(file) ? assertPdmModel(JSON.parse(readFileSync(file, 'utf8')), file) : undefined);
}

export async function startLivePdm(d: LivePdmDeps): Promise<LivePdm> {
  const onError = d.onError ?? (() => {});
  const history = historySourceFrom(d.reader, d.machines);
  const labels = labelSourceFrom(d.reader, d.machines);
  const registry = new ModelRegistry(d.store);
  const scorer = new LiveScorer({
    ...(d.twins ? { twins: d.twins } : {}),
    ...(d.points ? { points: d.points } : {}),
    ...(d.alerts ? { warnings: warningSinkFrom(d.alerts) } : {}),
    ...(d.machineInfo ? { machineInfo: d.machineInfo } : {}),
    onError,
  });
  let promoted = await registry.promoted();
  const initial = promoted ? undefined : d.initialModel?.();
  if (initial) {
    const summary = await registry.save(initial, { trainedBy: 'initial', source: 'bundled' });
    await registry.promote(summary.version, 'initial');
    promoted = { summary, model: initial };
  }
  scorer.setModel(promoted?.model, promoted?.summary.version);
  let subs: Subscription[] = [];
  let stopped = false;
  const ready = (async () => {
    let samples = 0;
    const days = d.warmUpDays ?? 14;
    if (days > 0) {
      try {
        samples = await scorer.warmUp(history, (d.clock ?? Date.now)(), days);
      } catch (err) {
        onError(err, 'warm-up'); // scoring still starts: features fill in as telemetry arrives
      }
    }
    if (stopped) return;
    try {
      subs = await connectScorer(d.bus, scorer);
    } catch (err) {
      onError(err, 'subscribe');
      return;
    }
    d.onReady?.({ samples, ...(promoted ? { modelVersion: promoted.summary.version } : {}) });
  })();
  // Training is minutes of synchronous CPU: it runs in worker threads (train-runner.ts).
  const workers = new TrainWorkers();
  const bootstrap = d.bootstrap === 'demo' ? demoBootstrap(DEMO_BOOTSTRAP_DAYS) : d.bootstrap;
  const bootstrapped = bootstrap && !promoted
    ? bootstrapModel({ registry, scorer, workers, options: bootstrap }).catch((err: unknown) => {
      if (!stopped) onError(err, 'bootstrap');
      return undefined;
    })
    : Promise.resolve(undefined);
  const api = createPdmApiModule({ scorer, registry, train: (w) => trainFromHistoryInWorker(workers, history, labels, { ...d.train, ...w }) });
  return {
    scorer, registry, history, labels, api, ready, bootstrapped,
    async stop() {
      stopped = true;
      await workers.close();
      await bootstrapped;
      await ready.catch(() => undefined);
      for (const s of subs) await s.close();
      await scorer.flush();
    },
  };
}
