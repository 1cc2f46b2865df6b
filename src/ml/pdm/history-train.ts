/**
 * Training from the platform's own history: every machine's telemetry read through the
 * HistorySource port a day at a time (bounded memory), replayed through the trackers, labelled
 * from the LabelSource's failure records, and handed to `trainPdm`.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { DatasetBuilder, type Dataset } from './dataset.js';
import { PdmErrors } from './errors.js';
import type { TrackerOptions } from './features/tracker.js';
import { WARM_SIGNALS } from './scorer.js';
import { trainPdm, type TrainOptions } from './train.js';
import type { PdmModel } from './model.js';
import { DAY_MS, type HistorySource, type LabelSource } from './types.js';

/** Messages replayed between two event-loop turns while building training rows. */
const YIELD_EVERY = 4096;

export interface HistoryTrainRequest {
  /** Rows (hour boundaries) are made in [from, to); failures are read up to to + the longest horizon. */
  readonly from: number;
  readonly to: number;
  /** Days of history before `from` replayed only to warm the features up (default 14). */
  readonly warmUpDays?: number;
  readonly tracker?: TrackerOptions;
  readonly train?: TrainOptions;
}

export async function datasetFromHistory(history: HistorySource, labels: LabelSource, req: HistoryTrainRequest, horizonHours = 168): Promise<Dataset> {
  if (!(req.to > req.from)) throw PdmErrors.create('bad_window', 'training window is empty or reversed', { from: req.from, to: req.to });
  const machines = await history.machines();
  const builder = new DatasetBuilder(machines, { from: req.from, to: req.to, ...(req.tracker ? { tracker: req.tracker } : {}) });
  const start = req.from - (req.warmUpDays ?? 14) * DAY_MS;
  for (const m of machines) {
    for (let t = start; t < req.to; t += DAY_MS) {
      const samples = await history.readSeries(m.deviceId, WARM_SIGNALS, t, Math.min(req.to, t + DAY_MS));
      for (let i = 0; i < samples.length; i++) {
        builder.push(m.deviceId, samples[i]!);
        // A 1 Hz machine-day is 86 400 messages, 0.3–0.5 s of tracker CPU: give the event loop a turn
        // every YIELD_EVERY messages (≈ 20 ms) so the server keeps answering while rows are built.
        if ((i + 1) % YIELD_EVERY === 0) await nextTurn();
      }
    }
  }
  const labelsUntil = Math.min(Date.now(), req.to + horizonHours * 3_600_000);
  return builder.finish(await labels.failures(start, labelsUntil), { labelsUntil });
}

export async function trainFromHistory(history: HistorySource, labels: LabelSource, req: HistoryTrainRequest): Promise<PdmModel> {
  const horizon = Math.max(...(req.train?.horizonsHours ?? [168]));
  const ds = await datasetFromHistory(history, labels, req, horizon);
  return trainPdm(ds, req.train);
}
