/**
 * Entry of a training worker thread (started by train-runner.ts; one job per worker, so the memory
 * of a training run — hundreds of MB for months of history — goes back when it ends). Receives one
 * TrainJob, answers with progress messages, then the model or the error.
 */
import { parentPort } from 'node:worker_threads';
import { postedError, runTrainJob, type TrainJob, type WorkerReply } from './train-job.js';

const port = parentPort;
if (!port) throw new Error('train-worker.ts is a worker_threads entry; start it through TrainWorkers');

port.once('message', (job: TrainJob) => {
  const reply = (m: WorkerReply) => port.postMessage(m);
  try {
    const model = runTrainJob(job, (message) => reply({ kind: 'progress', message }));
    reply({ kind: 'done', model });
  } catch (err) {
    reply({ kind: 'failed', error: postedError(err) });
  }
  // Nothing else keeps the thread alive: it exits once the reply is flushed.
  port.close();
});
