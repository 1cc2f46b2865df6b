/**
 * The in-process event log: a ring buffer of the newest `capacity` events, addressed by sequence
 * number (1, 2, …). Older events fall off, as with a JetStream stream limited by max_msgs
 * (discard old); a consumer that falls further behind than `capacity` skips what fell off.
 */
import type { EventRecord } from '../delivery.js';

export class EventLog {
  private readonly ring: Array<EventRecord | undefined>;
  private next = 1;

  constructor(readonly capacity: number) {
    this.ring = new Array<EventRecord | undefined>(capacity);
  }

  /** Sequence number of the oldest retained event (= lastSeq + 1 when empty). */
  get firstSeq(): number {
    return Math.max(1, this.next - this.capacity);
  }

  /** Sequence number of the newest event (0 before the first append). */
  get lastSeq(): number {
    return this.next - 1;
  }

  append(record: Omit<EventRecord, 'seq'>): EventRecord {
    // Fields listed rather than spread: one object per event on the publish path, no spread helper.
    const stored: EventRecord = Object.freeze({ seq: this.next, id: record.id, name: record.name, key: record.key, time: record.time, payload: record.payload });
    this.ring[(this.next - 1) % this.capacity] = stored;
    this.next++;
    return stored;
  }

  get(seq: number): EventRecord | undefined {
    if (seq < this.firstSeq || seq > this.lastSeq) return undefined;
    return this.ring[(seq - 1) % this.capacity];
  }
}
