/**
 * One subscription on a JetStream pull consumer (explicit ack). Messages go into per-key lanes;
 * retries happen here, not through a server-side nak, because a nak lets the next message of the
 * same key overtake the failed one. While this process holds a message it renews the server's ack
 * timer (`working()`), so the server redelivers only what a dead or disconnected process held.
 * Closing naks what was not handled so other or later subscriptions get it at once.
 */
import type { ConsumerMessages, JsMsg, Consumer } from 'nats';
import { isEventName } from '../catalogue.js';
import { deepFreeze, deliverWithRetry, envelopeOf, errorMessage, runWithAckWait, type AttemptResult, type EventRecord, type ResolvedSubscription } from '../delivery.js';
import { KeyedLanes, Slots } from '../lanes.js';
import type { BusLogger, Envelope, Subscription } from '../port.js';

export interface SubscriptionHost {
  readonly logger: BusLogger | undefined;
  deadLetter(consumer: string, rec: EventRecord, deliveries: number, error: string): void;
  /** Called once the subscription has closed (e.g. to delete an ephemeral consumer). */
  closed(sub: NatsSubscription): Promise<void>;
}

interface Held {
  /** The newest delivery of the message: acks go through it. */
  msg: JsMsg;
  readonly rec: EventRecord;
  readonly priorDeliveries: number;
}

/** Acks must be confirmed, or a resumed durable could see an event that was already handled. */
const ACK_TIMEOUT_MS = 5000;

export class NatsSubscription implements Subscription {
  private readonly held = new Map<number, Held>();
  private readonly lanes = new KeyedLanes<number>((seq) => this.work(seq));
  private readonly slots: Slots;
  private readonly abort = new AbortController();
  private readonly inFlight = new Set<Promise<AttemptResult>>();
  private messages: ConsumerMessages | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly host: SubscriptionHost,
    readonly consumer: string,
    readonly ephemeral: boolean,
    private readonly spec: ResolvedSubscription,
    private readonly handler: (event: Envelope) => void | Promise<void>,
  ) {
    this.slots = new Slots(spec.concurrency);
  }

  async start(consumer: Consumer): Promise<void> {
    // Pull a few batches ahead of the handlers, never more than the consumer may hold unacked.
    const prefetch = Math.max(1, Math.min(this.spec.maxAckPending, this.spec.concurrency * 4));
    this.messages = await consumer.consume({ max_messages: prefetch, callback: (m) => this.accept(m) });
    this.leaseTimer = setInterval(() => this.renewLeases(), Math.max(20, Math.floor(this.spec.policy.ackWaitMs / 3)));
    this.leaseTimer.unref();
    void this.watchStatus(this.messages);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.abort.abort();
      await this.messages?.close();
      // Running handlers finish (bounded by ackWait); queued messages are nak'd as their lanes reach them.
      await this.lanes.idle();
      await Promise.allSettled([...this.inFlight]);
      clearInterval(this.leaseTimer);
      await this.host.closed(this);
    })();
    return this.closing;
  }

  private accept(m: JsMsg): void {
    if (this.abort.signal.aborted) {
      m.nak();
      return;
    }
    const held = this.held.get(m.seq);
    if (held !== undefined) {
      // The server redelivered a message we still hold (our lease lapsed, e.g. during a reconnect).
      held.msg = m;
      return;
    }
    let rec: EventRecord;
    try {
      rec = decode(m);
    } catch (err) {
      this.host.logger?.error({ consumer: this.consumer, subject: m.subject, seq: m.seq, err: errorMessage(err) }, 'bus: undecodable message terminated');
      m.term();
      return;
    }
    this.held.set(m.seq, { msg: m, rec, priorDeliveries: m.info.deliveryCount - 1 });
    this.lanes.push(rec.key, m.seq);
  }

  private async work(seq: number): Promise<'done'> {
    const h = this.held.get(seq) as Held;
    const outcome = await deliverWithRetry({
      priorDeliveries: h.priorDeliveries,
      policy: this.spec.policy,
      signal: this.abort.signal,
      attempt: (n) => this.attempt(h, n),
    });
    switch (outcome.kind) {
      case 'acked':
        await this.ack(h);
        break;
      case 'dead':
        this.host.deadLetter(this.consumer, h.rec, outcome.deliveries, outcome.error);
        h.msg.term();
        break;
      case 'abandoned':
        h.msg.nak();
        break;
      default: {
        const never: never = outcome;
        throw new Error(`unexpected outcome ${JSON.stringify(never)}`);
      }
    }
    this.held.delete(seq);
    return 'done';
  }

  private async attempt(h: Held, deliveryCount: number): Promise<AttemptResult | 'no_runner'> {
    if (this.abort.signal.aborted) return 'no_runner';
    await this.slots.acquire();
    try {
      if (this.abort.signal.aborted) return 'no_runner';
      const run = runWithAckWait(() => this.handler(envelopeOf(h.rec, deliveryCount)), this.spec.policy.ackWaitMs);
      this.inFlight.add(run);
      try {
        return await run;
      } finally {
        this.inFlight.delete(run);
      }
    } finally {
      this.slots.release();
    }
  }

  private async ack(h: Held): Promise<void> {
    try {
      const confirmed = await h.msg.ackAck({ timeout: ACK_TIMEOUT_MS });
      if (!confirmed) throw new Error('ack not confirmed');
    } catch (err) {
      // At least once: the server will redeliver it after ack_wait; handlers must be idempotent.
      this.host.logger?.warn({ consumer: this.consumer, seq: h.rec.seq, err: errorMessage(err) }, 'bus: ack not confirmed; the event may be delivered again');
    }
  }

  private renewLeases(): void {
    for (const h of this.held.values()) h.msg.working();
  }

  private async watchStatus(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const s of await messages.status()) {
        if (s.type === 'consumer_deleted' || s.type === 'consumer_not_found' || s.type === 'stream_not_found' || s.type === 'heartbeats_missed') {
          this.host.logger?.warn({ consumer: this.consumer, status: s.type, data: s.data }, 'bus: consumer status');
        }
      }
    } catch {
      // The status iterator ends with the subscription; nothing to report.
    }
  }
}

function decode(m: JsMsg): EventRecord {
  const body = m.json<{ id?: unknown; name?: unknown; key?: unknown; time?: unknown; payload?: unknown }>();
  if (typeof body.id !== 'string' || typeof body.name !== 'string' || !isEventName(body.name) || typeof body.time !== 'string') throw new Error('not a Twinworks event envelope');
  if (body.key !== undefined && typeof body.key !== 'string') throw new Error('key is not a string');
  if (body.payload === null || typeof body.payload !== 'object') throw new Error('payload is not an object');
  return { seq: m.seq, id: body.id, name: body.name, key: body.key, time: body.time, payload: deepFreeze(body.payload as EventRecord['payload']) };
}
