/**
 * The NATS JetStream adapter (`--bus nats://…`): events are stored in a file-backed stream before
 * publish() resolves (PubAck), consumers are JetStream consumers with explicit ack, so durable
 * consumers and unacknowledged events survive a restart of the platform and of the broker.
 */
import { randomUUID } from 'node:crypto';
import { AckPolicy, connect, DeliverPolicy, nanos, type ConsumerConfig, type ConsumerInfo, type JetStreamClient, type JetStreamManager, type NatsConnection, type NatsError } from 'nats';
import type { EventCatalogue, EventName } from '../catalogue.js';
import { checkEventName, deadLetterOf, errorMessage, frozenJson, resolveSubscription, sleep, type EventRecord, type ResolvedSubscription } from '../delivery.js';
import { BusErrors } from '../errors.js';
import { checkKey } from '../key.js';
import type { BusLogger, CheckedPattern, EventBus, Handler, MatchingNames, PublishItem, PublishOptions, PublishReceipt, SubscribeOptions, Subscription } from '../port.js';
import { checkStreamOptions, ensureStream, eventSubject, filterSubject, isNotFound, type StreamLimits } from './stream.js';
import { NatsSubscription, type SubscriptionHost } from './subscription.js';

export interface NatsBusOptions extends StreamLimits {
  /** nats://host:4222 (several, comma-separated, for a cluster). */
  readonly url: string;
  /** JetStream stream name; default TWINWORKS. */
  readonly stream?: string;
  /** First subject token(s); default twinworks. Tests use unique ones to stay apart. */
  readonly subjectPrefix?: string;
  /** How long one publish waits for its PubAck; default 5000. */
  readonly publishTimeoutMs?: number;
  /** Publish tries on timeout / no JetStream responder (same Nats-Msg-Id, so stored once); default 3. */
  readonly publishAttempts?: number;
  /** How long a group consumer outlives its last subscription; default 1 hour. */
  readonly groupInactiveMs?: number;
  readonly logger?: BusLogger;
  /** Connection name shown by the server's monitoring. */
  readonly name?: string;
}

export async function createNatsBus(options: NatsBusOptions): Promise<EventBus> {
  const stream = options.stream ?? 'TWINWORKS';
  const prefix = options.subjectPrefix ?? 'twinworks';
  checkStreamOptions(stream, prefix);
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: options.url.split(',').map((s) => s.trim()),
      name: options.name ?? 'twinworks',
      // Keep trying for ever once connected: the platform outlives broker restarts.
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    });
  } catch (err) {
    throw BusErrors.create('unavailable', `cannot connect to NATS at ${options.url}: ${errorMessage(err)}`, { url: options.url }, err);
  }
  try {
    const jsm = await nc.jetstreamManager();
    await ensureStream(jsm, stream, prefix, options);
    return new NatsBus(nc, jsm, nc.jetstream(), stream, prefix, options);
  } catch (err) {
    await nc.close();
    throw BusErrors.create('unavailable', `JetStream at ${options.url} is not usable: ${errorMessage(err)}`, { url: options.url, stream }, err);
  }
}

const RETRYABLE = new Set(['TIMEOUT', '503', 'DISCONNECT']);

class NatsBus implements EventBus, SubscriptionHost {
  readonly kind = 'nats';
  readonly logger: BusLogger | undefined;
  private readonly subscriptions = new Set<NatsSubscription>();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly js: JetStreamClient,
    private readonly stream: string,
    private readonly prefix: string,
    private readonly options: NatsBusOptions,
  ) {
    this.logger = options.logger;
    void this.watchConnection();
  }

  async publish<N extends EventName>(name: N, payload: EventCatalogue[N], options: PublishOptions = {}): Promise<PublishReceipt> {
    const [receipt] = await this.publishMany([{ name, payload, key: options.key } as PublishItem]);
    return receipt as PublishReceipt;
  }

  async publishMany(events: ReadonlyArray<PublishItem>): Promise<PublishReceipt[]> {
    this.checkOpen();
    const time = new Date().toISOString();
    const prepared = events.map((e) => {
      const name = checkEventName(e.name);
      const key = checkKey(e.key);
      const id = randomUUID();
      const body = JSON.stringify({ id, name, key, time, payload: frozenJson(name, e.payload) });
      return { id, subject: eventSubject(this.prefix, name, key), body };
    });
    // Issued in order on one connection, so the stream stores them in this order.
    return Promise.all(prepared.map((p) => this.publishOne(p.subject, p.body, p.id)));
  }

  private async publishOne(subject: string, body: string, id: string): Promise<PublishReceipt> {
    const attempts = this.options.publishAttempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      try {
        const ack = await this.js.publish(subject, body, { msgID: id, expect: { streamName: this.stream }, timeout: this.options.publishTimeoutMs ?? 5000 });
        return { id, seq: ack.seq };
      } catch (err) {
        if (this.closing !== undefined || this.nc.isClosed()) throw BusErrors.create('closed', 'the event bus has been closed', {}, err);
        const code = (err as Partial<NatsError>).code ?? '';
        if (!RETRYABLE.has(code)) throw BusErrors.create('publish_failed', `JetStream refused ${subject}: ${errorMessage(err)}`, { subject, stream: this.stream }, err);
        if (attempt >= attempts) throw BusErrors.create('unavailable', `no PubAck for ${subject} after ${attempt} tries: ${errorMessage(err)}`, { subject, attempts: attempt }, err);
        await sleep(200 * attempt);
      }
    }
  }

  async subscribe<P extends string>(pattern: CheckedPattern<P>, handler: Handler<MatchingNames<P>>, options?: SubscribeOptions): Promise<Subscription> {
    this.checkOpen();
    const spec = resolveSubscription(pattern, options);
    const info = await this.consumerFor(spec);
    const sub = new NatsSubscription(this, info.name, spec.consumerName === undefined, spec, handler as (e: unknown) => void | Promise<void>);
    try {
      await sub.start(await this.js.consumers.get(this.stream, info.name));
    } catch (err) {
      throw BusErrors.create('unavailable', `cannot consume from ${info.name}: ${errorMessage(err)}`, { consumer: info.name }, err);
    }
    this.subscriptions.add(sub);
    return sub;
  }

  /** Finds the named consumer (checking it is bound to the same filter) or creates one. */
  private async consumerFor(spec: ResolvedSubscription): Promise<ConsumerInfo> {
    const filter = filterSubject(this.prefix, spec.pattern, spec.key);
    const config: Partial<ConsumerConfig> = {
      filter_subject: filter,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(spec.policy.ackWaitMs),
      // Local retries do not raise the server's count; this bounds redeliveries after crashes.
      max_deliver: spec.policy.maxDeliver === Infinity ? -1 : spec.policy.maxDeliver,
      deliver_policy: spec.deliver === 'all' ? DeliverPolicy.All : DeliverPolicy.New,
      max_ack_pending: spec.maxAckPending,
    };
    const name = spec.consumerName;
    try {
      if (name === undefined) return await this.jsm.consumers.add(this.stream, { ...config, inactive_threshold: nanos(60_000) });
      const existing = await this.findConsumer(name);
      if (existing !== undefined) return this.checkBound(existing, filter, spec.durable);
      const named = spec.durable ? { durable_name: name } : { name, inactive_threshold: nanos(this.options.groupInactiveMs ?? 3_600_000) };
      try {
        return await this.jsm.consumers.add(this.stream, { ...config, ...named });
      } catch (err) {
        // Another subscriber of the group may have created it a moment ago.
        const raced = await this.findConsumer(name);
        if (raced === undefined) throw err;
        return this.checkBound(raced, filter, spec.durable);
      }
    } catch (err) {
      if (BusErrors.is(err)) throw err;
      throw BusErrors.create('unavailable', `cannot create consumer ${name ?? '(ephemeral)'}: ${errorMessage(err)}`, { consumer: name, stream: this.stream }, err);
    }
  }

  private async findConsumer(name: string): Promise<ConsumerInfo | undefined> {
    try {
      return await this.jsm.consumers.info(this.stream, name);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  private checkBound(info: ConsumerInfo, filter: string, durable: boolean): ConsumerInfo {
    if (durable && !info.config.durable_name) {
      throw BusErrors.create('consumer_conflict', `consumer ${info.name} exists as a non-durable group; a durable needs its own name`, { consumer: info.name });
    }
    if (info.config.filter_subject !== filter) {
      throw BusErrors.create('consumer_conflict', `consumer ${info.name} exists with filter ${info.config.filter_subject ?? '(none)'}`, {
        consumer: info.name,
        existingFilter: info.config.filter_subject,
        requestedFilter: filter,
      });
    }
    return info;
  }

  async closed(sub: NatsSubscription): Promise<void> {
    this.subscriptions.delete(sub);
    if (sub.ephemeral && !this.nc.isClosed()) {
      await this.jsm.consumers.delete(this.stream, sub.consumer).catch((err: unknown) => {
        // The server removes it after its inactive threshold anyway.
        this.logger?.warn({ consumer: sub.consumer, err: errorMessage(err) }, 'bus: ephemeral consumer not deleted');
      });
    }
  }

  deadLetter(consumer: string, rec: EventRecord, deliveries: number, error: string): void {
    this.logger?.warn({ consumer, eventId: rec.id, eventName: rec.name, key: rec.key, seq: rec.seq, deliveries, error }, 'bus: event dead-lettered');
    if (rec.name === 'bus.dead_letter' || this.closing !== undefined) return;
    void this.publish('bus.dead_letter', deadLetterOf(consumer, rec, deliveries, error)).catch((err: unknown) => {
      this.logger?.error({ consumer, eventId: rec.id, err: errorMessage(err) }, 'bus: dead letter could not be published');
    });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.subscriptions].map((s) => s.close()));
      if (!this.nc.isClosed()) {
        // drain() flushes what is still buffered (acks, naks) before closing.
        await this.nc.drain().catch(() => this.nc.close());
      }
    })();
    return this.closing;
  }

  private checkOpen(): void {
    if (this.closing !== undefined || this.nc.isClosed()) throw BusErrors.create('closed', 'the event bus has been closed');
  }

  private async watchConnection(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (s.type === 'disconnect' || s.type === 'reconnect' || s.type === 'error') {
        this.logger?.warn({ status: s.type, data: String(s.data) }, `bus: NATS connection ${s.type}`);
      }
    }
  }
}
