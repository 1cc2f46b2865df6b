/**
 * Per-key serial lanes: items pushed under the same key are worked one at a time, in push order;
 * different keys are worked independently (the caller bounds real concurrency with slots). This is
 * what gives "ordering per key" in both adapters.
 *
 * `work` returns 'done' to drop the head and continue, or 'keep' to leave the head in place and
 * park the lane (e.g. no subscriber is left to run it); `resume()` restarts parked lanes.
 */
export type LaneVerdict = 'done' | 'keep';
export type LaneKey = string | undefined; // undefined = the lane of events without a key

export class KeyedLanes<T> {
  private readonly queues = new Map<LaneKey, T[]>();
  private readonly running = new Set<LaneKey>();
  private queued = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly work: (item: T) => Promise<LaneVerdict>) {}

  /** Items waiting or being worked. */
  get size(): number {
    return this.queued;
  }

  push(key: LaneKey, item: T): void {
    let q = this.queues.get(key);
    if (q === undefined) {
      q = [];
      this.queues.set(key, q);
    }
    q.push(item);
    this.queued++;
    if (!this.running.has(key)) void this.runLane(key);
  }

  resume(): void {
    for (const key of this.queues.keys()) if (!this.running.has(key)) void this.runLane(key);
  }

  /** Resolves when no lane is being worked (parked lanes may still hold items). */
  idle(): Promise<void> {
    if (this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async runLane(key: LaneKey): Promise<void> {
    this.running.add(key);
    try {
      // Bounded: every iteration either removes the head or leaves the loop.
      for (;;) {
        const q = this.queues.get(key);
        if (q === undefined || q.length === 0) {
          this.queues.delete(key);
          return;
        }
        let verdict: LaneVerdict;
        try {
          verdict = await this.work(q[0] as T);
        } catch {
          // `work` is expected to turn failures into verdicts; a throw is a bug, so park rather than spin.
          verdict = 'keep';
        }
        if (verdict === 'keep') return;
        q.shift();
        this.queued--;
      }
    } finally {
      this.running.delete(key);
      if (this.running.size === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    }
  }
}

/** A counting semaphore: at most `n` holders at once, waiters served first come, first served. */
export class Slots {
  private used = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly n: number) {}

  async acquire(): Promise<void> {
    if (this.used < this.n) {
      this.used++;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next(); // hand the slot over directly
    else this.used--;
  }
}
