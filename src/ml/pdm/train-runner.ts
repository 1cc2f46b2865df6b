/**
 * Training off the event loop. `trainPdm` is synchronous JS that runs for minutes on months of
 * history; in the server process it would stall MQTT acknowledgements, HTTP and live scoring for
 * that long. `TrainWorkers` runs each job in its own `worker_threads` Worker (train-worker.ts) and
 * answers with a promise; `close()` terminates the running ones (platform stop).
 *
 * The worker entry is picked by how this module itself was loaded: compiled (`dist/…/*.js`, what
 * `npm start` runs) → `train-worker.js` next to it; TypeScript under tsx (tests, `node --import tsx`,
 * `npx tsx`) → `train-worker.ts`, which needs tsx inside the worker: on Node 20 tsx's loader, though
 * the worker inherits `--import tsx` through execArgv, does not register its hooks in worker threads
 * (a `.ts` entry fails with "Unknown file extension"), so a two-line bootstrap registers them through
 * `tsx/esm/api` and then imports the entry.
 */
import { Worker } from 'node:worker_threads';
import { TwinworksError, type ErrorKind } from '../../shared/errors.js';
import { PdmErrors } from './errors.js';
import { datasetFromHistory, type HistoryTrainRequest } from './history-train.js';
import type { PdmModel } from './model.js';
import { transferables, type PostedError, type TrainJob, type WorkerReply } from './train-job.js';
import type { HistorySource, LabelSource } from './types.js';

export interface TrainRunOptions {
  readonly onProgress?: (message: string) => void;
}

function startWorker(): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./train-worker.js', self));
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./train-worker.ts', self).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(entry)}); });`, { eval: true });
}

const KINDS: readonly ErrorKind[] = ['invalid', 'unauthenticated', 'forbidden', 'not_found', 'conflict', 'precondition_failed', 'too_large', 'rate_limited', 'unavailable', 'internal'];

/** The worker's error back as the catalogued error it was (`ml.pdm.too_few_failures` stays a 400). */
function errorFrom(e: PostedError): TwinworksError {
  const kind = KINDS.find((k) => k === e.kind);
  if (e.code && kind) return new TwinworksError(e.code, kind, e.message, e.details ?? {});
  return PdmErrors.create('training_failed', `training failed in the worker: ${e.message}`, { error: e.message });
}

export class TrainWorkers {
  private readonly running = new Map<Worker, (err: Error) => void>();
  private closed = false;

  /** Jobs running now. */
  get active(): number {
    return this.running.size;
  }

  /**
   * Runs one job in a new worker. A `dataset` job's typed arrays are transferred: the caller's
   * dataset is unusable afterwards (its buffers are detached).
   */
  run(job: TrainJob, o: TrainRunOptions = {}): Promise<PdmModel> {
    if (this.closed) return Promise.reject(PdmErrors.create('training_stopped', 'the platform is stopping: no new training runs', {}));
    return new Promise<PdmModel>((resolve, reject) => {
      const worker = startWorker();
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        this.running.delete(worker);
        fn();
      };
      this.running.set(worker, (err) => settle(() => reject(err)));
      worker.on('message', (m: WorkerReply) => {
        if (m.kind === 'progress') o.onProgress?.(m.message);
        else if (m.kind === 'done') settle(() => resolve(m.model));
        else settle(() => reject(errorFrom(m.error)));
      });
      worker.on('error', (err) => settle(() => reject(PdmErrors.create('training_failed', `training worker failed: ${err.message}`, { error: err.message }, err))));
      worker.on('exit', (code) => settle(() => reject(PdmErrors.create('training_failed', `training worker exited (code ${code}) without a model`, { exitCode: code }))));
      worker.postMessage(job, job.kind === 'dataset' ? transferables(job.dataset) : []);
    });
  }

  /** Stops every running job (their promises reject with `ml.pdm.training_stopped`) and refuses new ones. */
  async close(): Promise<void> {
    this.closed = true;
    const stopping = [...this.running];
    for (const [, stop] of stopping) stop(PdmErrors.create('training_stopped', 'the training run was stopped: the platform is shutting down', {}));
    await Promise.all(stopping.map(([w]) => w.terminate()));
  }
}

/**
 * `trainFromHistory` with the CPU-bound part in a worker: the rows are built here (the history is
 * read a machine-day at a time, so the event loop gets a turn between reads), then only `trainPdm`
 * runs in the worker.
 */
export async function trainFromHistoryInWorker(workers: TrainWorkers, history: HistorySource, labels: LabelSource, req: HistoryTrainRequest): Promise<PdmModel> {
  const { onProgress, ...settings } = req.train ?? {};
  const horizon = Math.max(...(settings.horizonsHours ?? [168]));
  const dataset = await datasetFromHistory(history, labels, req, horizon);
  return workers.run({ kind: 'dataset', dataset, options: settings }, onProgress ? { onProgress } : {});
}
