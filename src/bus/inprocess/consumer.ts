/**
 * An in-process consumer: a cursor into the log, the events it has taken but not yet finished,
 * per-key lanes, and the subscriptions ("members") that run its handler. Lanes live here, not in a
 * member, so per-key order holds across all members of a group: a key's next event waits for the
 * previous one whichever member ran it.
 */
import { deliverWithRetry, envelopeOf, runWithAckWait, type AttemptResult, type DeliveryPolicy, type EventRecord, type RetryOutcome } from '../delivery.js';
import { KeyedLanes } from '../lanes.js';
import { matchName, type NamePattern } from '../pattern.js';
import type { Envelope } from '../port.js';
import type { EventLog } from './log.js';

export interface Member {
  readonly handler: (event: Envelope) => void | Promise<void>;
  readonly concurrency: number;
  running: number;
  closed: boolean;
  readonly inFlight: Set<Promise<AttemptResult>>;
}

export interface ConsumerHost {
  readonly log: EventLog;
  readonly signal: AbortSignal;
  /** Called once an event is given up on after maxDeliver deliveries. */
  deadLetter(consumer: string, rec: EventRecord, deliveries: number, error: string): void;
  /** Called when the cursor had to jump over events that fell off the log. */
  skipped(consumer: string, count: number): void;
}

export class InProcessConsumer {
  /** Next log sequence to look at. */
  private nextSeq: number;
  /** Taken from the log and not yet acknowledged or dead-lettered. */
  private pending = 0;
  /** Deliveries already made of events whose lane was parked (no member left). */
  private readonly deliveries = new Map<number, number>();
  private readonly members: Member[] = [];
  private roundRobin = 0;
  private slotWaiters: Array<(m: Member | undefined) => void> = [];
  private readonly lanes: KeyedLanes<EventRecord>;

  constructor(
    private readonly host: ConsumerHost,
    readonly name: string,
    readonly durable: boolean,
    readonly pattern: NamePattern,
    readonly key: string | undefined,
    public policy: DeliveryPolicy,
    public maxAckPending: number,
    deliver: 'new' | 'all',
  ) {
    this.nextSeq = deliver === 'all' ? host.log.firstSeq : host.log.lastSeq + 1;
    this.lanes = new KeyedLanes((rec) => this.work(rec));
  }

  get memberCount(): number {
    return this.members.length;
  }

  matches(rec: EventRecord): boolean {
    return matchName(this.pattern, rec.name) && (this.key === undefined || rec.key === this.key);
  }

  addMember(member: Member): void {
    this.members.push(member);
    // Later, not now: subscribe() must return before its handler first runs.
    setImmediate(() => {
      this.wakeSlotWaiters();
      this.lanes.resume();
      this.pump();
    });
  }

  /** Stops giving the member work and waits for its running deliveries (each bounded by ackWait). */
  async removeMember(member: Member): Promise<void> {
    member.closed = true;
    const i = this.members.indexOf(member);
    if (i >= 0) this.members.splice(i, 1);
    if (this.members.length === 0) this.wakeSlotWaiters();
    await Promise.allSettled([...member.inFlight]);
  }

  /** Moves matching log events into the lanes, up to maxAckPending held at once. */
  pump(): void {
    const log = this.host.log;
    // Bounded by the log length: every turn advances nextSeq.
    while (this.members.length > 0 && this.pending < this.maxAckPending && this.nextSeq <= log.lastSeq) {
      if (this.nextSeq < log.firstSeq) {
        this.host.skipped(this.name, log.firstSeq - this.nextSeq);
        this.nextSeq = log.firstSeq;
      }
      const rec = log.get(this.nextSeq++);
      if (rec !== undefined && this.matches(rec)) {
        this.pending++;
        this.lanes.push(rec.key, rec);
      }
    }
  }

  private async work(rec: EventRecord): Promise<'done' | 'keep'> {
    const outcome: RetryOutcome = await deliverWithRetry({
      priorDeliveries: this.deliveries.get(rec.seq) ?? 0,
      policy: this.policy,
      signal: this.host.signal,
      attempt: (n) => this.attempt(rec, n),
    });
    switch (outcome.kind) {
      case 'abandoned':
        this.deliveries.set(rec.seq, outcome.deliveries);
        return 'keep';
      case 'dead':
        this.host.deadLetter(this.name, rec, outcome.deliveries, outcome.error);
        break;
      case 'acked':
        break;
      default: {
        const never: never = outcome;
        throw new Error(`unexpected outcome ${JSON.stringify(never)}`);
      }
    }
    this.deliveries.delete(rec.seq);
    this.pending--;
    this.pump();
    return 'done';
  }

  private async attempt(rec: EventRecord, deliveryCount: number): Promise<AttemptResult | 'no_runner'> {
    let member = await this.acquireMember();
    // A member can close between being handed a slot and running; bounded by the member count.
    while (member?.closed) {
      member.running--;
      member = await this.acquireMember();
    }
    if (member === undefined) return 'no_runner';
    const run = runWithAckWait(() => member.handler(envelopeOf(rec, deliveryCount)), this.policy.ackWaitMs);
    member.inFlight.add(run);
    try {
      return await run;
    } finally {
      member.inFlight.delete(run);
      member.running--;
      this.wakeSlotWaiters();
    }
  }

  /** A member with a handler slot taken for the caller, round robin; undefined once no member is left. */
  private acquireMember(): Promise<Member | undefined> {
    const free = this.pickFree();
    if (free !== undefined) free.running++;
    if (free !== undefined || this.members.length === 0) return Promise.resolve(free);
    return new Promise((resolve) => this.slotWaiters.push(resolve));
  }

  private pickFree(): Member | undefined {
    for (let i = 0; i < this.members.length; i++) {
      const m = this.members[(this.roundRobin + i) % this.members.length] as Member;
      if (m.running < m.concurrency) {
        this.roundRobin = (this.roundRobin + i + 1) % this.members.length;
        return m;
      }
    }
    return undefined;
  }

  private wakeSlotWaiters(): void {
    // Bounded by the waiter count; each waiter is served once.
    while (this.slotWaiters.length > 0) {
      if (this.members.length === 0) {
        for (const w of this.slotWaiters.splice(0)) w(undefined);
        return;
      }
      const m = this.pickFree();
      if (m === undefined) return;
      // Take the slot now, before the waiter's continuation runs, so two waiters cannot share one.
      m.running++;
      const w = this.slotWaiters.shift() as (m: Member | undefined) => void;
      w(m);
    }
  }
}
