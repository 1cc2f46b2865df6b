/**
 * Runs async tasks one at a time, in call order. The embedded adapter funnels every write through
 * one of these so version checks and the writes they guard never interleave (and DuckDB, which
 * allows one writer per file, never sees two concurrent write transactions from us).
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    // The queue continues after a failed task; the failure goes to that task's caller only.
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once every task queued so far has finished. */
  async drain(): Promise<void> {
    await this.run(async () => undefined);
  }
}
