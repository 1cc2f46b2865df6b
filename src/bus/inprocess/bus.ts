/**
 * The in-process adapter (embedded default): one bounded log per bus instance, consumers with
 * cursors, ack/nak/redelivery with ack timeouts, per-key ordering. Nothing here outlives the
 * process: the durable state of record is the storage port, and events are notifications derived
 * from acknowledged writes. For delivery that survives a restart, run the NATS adapter.
 */
import { randomUUID } from 'node:crypto';
import type { EventCatalogue, EventName } from '../catalogue.js';
import { checkEventName, deadLetterOf, resolveSubscription, type EventRecord } from '../delivery.js';
import { BusErrors } from '../errors.js';
import { checkKey } from '../key.js';
import { isolatePayload } from '../payload.js';
import type { BusLogger, CheckedPattern, EventBus, Handler, MatchingNames, PublishItem, PublishOptions, PublishReceipt, SubscribeOptions, Subscription } from '../port.js';
import { InProcessConsumer, type ConsumerHost, type Member } from './consumer.js';
import { EventLog } from './log.js';

export interface InProcessBusOptions {
  /** Events kept in the log for late and durable consumers; default 100 000. */
  readonly retention?: number;
  readonly logger?: BusLogger;
}

export const DEFAULT_RETENTION = 100_000;

export function createInProcessBus(options: InProcessBusOptions = {}): EventBus {
  return new InProcessBus(options);
}

class InProcessBus implements EventBus, ConsumerHost {
  readonly kind = 'inprocess';
  readonly log: EventLog;
  private readonly abort = new AbortController();
  private readonly named = new Map<string, InProcessConsumer>();
  private readonly ephemeral = new Set<InProcessConsumer>();
  private readonly subscriptions = new Set<Subscription>();
  private readonly logger: BusLogger | undefined;
  private pumpScheduled = false;
  private ephemeralCount = 0;

  constructor(options: InProcessBusOptions) {
    const retention = options.retention ?? DEFAULT_RETENTION;
    if (!Number.isInteger(retention) || retention < 1) {
      throw BusErrors.create('invalid_options', 'retention must be an integer ≥ 1', { option: 'retention', value: String(retention) });
    }
    this.log = new EventLog(retention);
    this.logger = options.logger;
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  async publish<N extends EventName>(name: N, payload: EventCatalogue[N], options: PublishOptions = {}): Promise<PublishReceipt> {
    const [receipt] = await this.publishMany([{ name, payload, key: options.key, transfer: options.transfer } as PublishItem]);
    return receipt as PublishReceipt;
  }

  async publishMany(events: ReadonlyArray<PublishItem>): Promise<PublishReceipt[]> {
    this.checkOpen();
    // Validate everything first so a bad item appends nothing. (With `transfer`, items before a bad
    // one may already be frozen in place; their publishers handed them over, so that is theirs to keep.)
    const time = new Date().toISOString();
    const prepared = events.map((e) => {
      const name = checkEventName(e.name);
      return { id: randomUUID(), name, key: checkKey(e.key), time, payload: isolatePayload(name, e.payload, e.transfer === true) };
    });
    const receipts = prepared.map((p) => ({ id: p.id, seq: this.log.append(p).seq }));
    this.schedulePump();
    return receipts;
  }

  async subscribe<P extends string>(pattern: CheckedPattern<P>, handler: Handler<MatchingNames<P>>, options?: SubscribeOptions): Promise<Subscription> {
    this.checkOpen();
    const spec = resolveSubscription(pattern, options);
    let consumer: InProcessConsumer;
    if (spec.consumerName === undefined) {
      consumer = new InProcessConsumer(this, `ephemeral-${++this.ephemeralCount}`, false, spec.pattern, spec.key, spec.policy, spec.maxAckPending, spec.deliver);
      this.ephemeral.add(consumer);
    } else {
      const existing = this.named.get(spec.consumerName);
      if (existing === undefined) {
        consumer = new InProcessConsumer(this, spec.consumerName, spec.durable, spec.pattern, spec.key, spec.policy, spec.maxAckPending, spec.deliver);
        this.named.set(spec.consumerName, consumer);
      } else {
        if (spec.durable && !existing.durable) {
          throw BusErrors.create('consumer_conflict', `consumer ${spec.consumerName} exists as a non-durable group; a durable needs its own name`, { consumer: spec.consumerName });
        }
        if (existing.pattern.source !== spec.pattern.source || existing.key !== spec.key) {
          throw BusErrors.create('consumer_conflict', `consumer ${spec.consumerName} exists for pattern ${existing.pattern.source}${existing.key === undefined ? '' : ` key ${existing.key}`}`, {
            consumer: spec.consumerName,
            existingPattern: existing.pattern.source,
            requestedPattern: spec.pattern.source,
          });
        }
        consumer = existing;
        // The newest subscription's settings win, as when a service is redeployed with new ones.
        consumer.policy = spec.policy;
        consumer.maxAckPending = spec.maxAckPending;
      }
    }
    // The handler's parameter type is narrowed by the pattern; the consumer only hands it matching events.
    const member: Member = { handler: handler as Member['handler'], concurrency: spec.concurrency, running: 0, closed: false, inFlight: new Set() };
    consumer.addMember(member);
    let closing: Promise<void> | undefined;
    const subscription: Subscription = {
      consumer: consumer.name,
      close: () => {
        closing ??= (async () => {
          this.subscriptions.delete(subscription);
          await consumer.removeMember(member);
          if (consumer.memberCount === 0 && !consumer.durable) {
            // Private and group consumers end with their last subscription; durable ones wait for the next.
            this.ephemeral.delete(consumer);
            if (this.named.get(consumer.name) === consumer) this.named.delete(consumer.name);
          }
        })();
        return closing;
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    if (this.abort.signal.aborted) return;
    this.abort.abort();
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    this.named.clear();
    this.ephemeral.clear();
  }

  deadLetter(consumer: string, rec: EventRecord, deliveries: number, error: string): void {
    this.logger?.warn({ consumer, eventId: rec.id, eventName: rec.name, key: rec.key, seq: rec.seq, deliveries, error }, 'bus: event dead-lettered');
    // A failing dead-letter handler must not feed itself: its own failures are only logged.
    if (rec.name === 'bus.dead_letter' || this.abort.signal.aborted) return;
    void this.publish('bus.dead_letter', deadLetterOf(consumer, rec, deliveries, error)).catch((err: unknown) => {
      this.logger?.error({ consumer, eventId: rec.id, err }, 'bus: dead letter could not be published');
    });
  }

  skipped(consumer: string, count: number): void {
    this.logger?.warn({ consumer, count, retention: this.log.capacity }, 'bus: consumer fell behind the log retention; events skipped');
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    // Handlers run after publish() returns, never inside it.
    queueMicrotask(() => {
      this.pumpScheduled = false;
      for (const c of this.named.values()) c.pump();
      for (const c of this.ephemeral) c.pump();
    });
  }

  private checkOpen(): void {
    if (this.abort.signal.aborted) throw BusErrors.create('closed', 'the event bus has been closed');
  }
}
