/**
 * What a training worker is asked to do, and the messages it answers with (train-worker.ts runs
 * `runTrainJob`; train-runner.ts starts the worker). Kept free of worker APIs so the same job runs
 * in-process in tests and in the CLI.
 *
 * Two kinds of job: `dataset` — rows already built on the main thread (from the platform history,
 * which is async I/O) and posted with their typed arrays transferred, only the CPU-bound `trainPdm`
 * runs here; `sim` — the bootstrap: simulating and replaying a history through the trackers is CPU
 * too (about as much as training, docs/ml-live.md §Results), so the whole job runs here.
 */
import type { Dataset } from './dataset.js';
import { buildSimDataset, type SimWindow } from './evaluate.js';
import type { TrackerOptions } from './features/tracker.js';
import type { PdmModel } from './model.js';
import { trainPdm, type TrainOptions } from './train.js';
import { HOUR_MS } from './types.js';

/** Training options that cross a thread boundary (functions cannot be posted). */
export type TrainSettings = Omit<TrainOptions, 'onProgress'>;

export type TrainJob =
  | { readonly kind: 'dataset'; readonly dataset: Dataset; readonly options?: TrainSettings }
  | {
      readonly kind: 'sim';
      readonly sim: SimWindow;
      /** Days simulated before `sim.from` only to warm the features up. */
      readonly warmUpDays: number;
      readonly tracker?: TrackerOptions;
      readonly options?: TrainSettings;
    };

/** A TwinworksError flattened for posting (structured clone keeps only an Error's message and name). */
export interface PostedError {
  readonly message: string;
  readonly code?: string;
  readonly kind?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export type WorkerReply =
  | { readonly kind: 'progress'; readonly message: string }
  | { readonly kind: 'done'; readonly model: PdmModel }
  | { readonly kind: 'failed'; readonly error: PostedError };

export function runTrainJob(job: TrainJob, onProgress: (message: string) => void): PdmModel {
  const options: TrainOptions = { ...job.options, onProgress };
  if (job.kind === 'dataset') return trainPdm(job.dataset, options);
  const horizonHours = Math.max(...(job.options?.horizonsHours ?? [168]));
  onProgress(`simulating ${Math.round((job.sim.to - job.sim.from) / 86_400_000)} days (seed ${job.sim.seed})`);
  const ds = buildSimDataset(job.sim, job.warmUpDays, horizonHours * HOUR_MS, job.tracker);
  onProgress(`${ds.rows} rows of ${ds.machines.length} machines, ${ds.failures.length} failures`);
  return trainPdm(ds, options);
}

/** The buffers of a dataset to transfer (moved, not copied); views into a larger buffer are copied. */
export function transferables(ds: Dataset): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const a of [ds.x, ds.machine, ds.time, ds.inFailure]) {
    if (a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && a.buffer instanceof ArrayBuffer && !out.includes(a.buffer)) out.push(a.buffer);
  }
  return out;
}

export function postedError(err: unknown): PostedError {
  if (!(err instanceof Error)) return { message: String(err) };
  const e = err as Error & { code?: unknown; kind?: unknown; details?: unknown };
  return {
    message: e.message,
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof e.kind === 'string' ? { kind: e.kind } : {}),
    ...(e.details && typeof e.details === 'object' ? { details: e.details as Record<string, unknown> } : {}),
  };
}
