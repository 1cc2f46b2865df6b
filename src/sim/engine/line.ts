/**
 * Material flow. A line is its stations in flow order with a bounded FIFO buffer between each pair.
 * The first station draws from unlimited raw material, the last delivers to unlimited finished
 * goods. A station with no part to take is starved; one holding a finished part with a full buffer
 * after it is blocked — so a stopped station starves everything downstream (once their buffers
 * empty) and blocks everything upstream (once their buffers fill).
 */
import type { Machine } from './machine.js';

export class PartBuffer {
  /** FIFO of parts; `true` marks a part with a defect that has escaped detection so far. */
  private readonly parts: boolean[] = [];

  constructor(
    readonly capacity: number,
    initialParts = 0,
  ) {
    for (let i = 0; i < Math.min(initialParts, capacity); i++) this.parts.push(false);
  }

  get count(): number {
    return this.parts.length;
  }

  canPut(): boolean {
    return this.parts.length < this.capacity;
  }

  put(defective: boolean): boolean {
    if (!this.canPut()) return false;
    this.parts.push(defective);
    return true;
  }

  /** The oldest part (its defect flag), or undefined when empty. */
  take(): boolean | undefined {
    return this.parts.shift();
  }
}

export class Line {
  /** buffers[i] sits between stations[i] and stations[i + 1]. */
  readonly buffers: PartBuffer[];

  constructor(
    readonly id: string,
    readonly stations: readonly Machine[],
    capacities: readonly number[],
  ) {
    // Start half full: a line that has been running, not an empty one filling up.
    this.buffers = capacities.slice(0, Math.max(0, stations.length - 1)).map((c) => new PartBuffer(c, Math.floor(c / 2)));
  }

  /**
   * One step for every station. Downstream stations go first so that a part they take frees buffer
   * space the upstream station can use in the same step (a pull line).
   */
  step(now: number, dtMs: number, ambientC: number, calendar: import('./calendar.js').CalendarStatus): void {
    for (let i = this.stations.length - 1; i >= 0; i--) {
      const input = i === 0 ? null : this.buffers[i - 1]!;
      const output = i === this.stations.length - 1 ? null : this.buffers[i]!;
      this.stations[i]!.step(now, dtMs, calendar, input, output, ambientC);
    }
  }
}
