/**
 * The event bus port. Adapters: in-process (embedded default) and NATS JetStream (scale-out). Both
 * pass `testing/contract.ts`. Only src/platform chooses one.
 *
 * Delivery model (the same for both adapters; docs/bus.md has the long form):
 * - `publish` resolves once the bus has accepted the event (JetStream PubAck; in-process: appended
 *   to the in-memory log) and returns its sequence number.
 * - A subscription belongs to a consumer. Without `durable`/`group` the consumer is private to the
 *   subscription and disappears with it. Subscriptions naming the same consumer split its events
 *   between them (queue semantics); a `durable` consumer also remembers how far it got, so a later
 *   subscription resumes after the last acknowledged event.
 * - At least once: the handler acknowledges by returning (or resolving). A throw, a rejection, or
 *   not settling within `ackWaitMs` counts as a failure; the event is delivered again after a
 *   backoff with `deliveryCount` + 1, until `maxDeliver` deliveries, then it is published as a
 *   `bus.dead_letter` event and dropped.
 * - Per key: events with the same key reach a subscription in publish order, one at a time (the
 *   next waits until the previous is acknowledged or dead-lettered). Events without a key form one
 *   lane of their own. Different keys run concurrently, up to `concurrency` handlers at once.
 */
import type { EventCatalogue, EventName, IsoTime } from './catalogue.js';

export interface EnvelopeOf<N extends EventName> {
  /** Unique per published event (UUID); the same across redeliveries. */
  readonly id: string;
  readonly name: N;
  readonly key: string | undefined;
  readonly payload: EventCatalogue[N];
  /** When the bus accepted the event. */
  readonly time: IsoTime;
  /** The bus's sequence number for the event (JetStream stream sequence; in-process log index). */
  readonly seq: number;
  /** 1 on first delivery to this consumer, +1 on every redelivery. */
  readonly deliveryCount: number;
}

/** Distributes over a union of names, so `switch (e.name)` narrows `e.payload`. */
export type Envelope<N extends EventName = EventName> = N extends EventName ? EnvelopeOf<N> : never;

type TokenTemplate<T extends string> = T extends '*' | '>' ? string : T;
type PatternTemplate<P extends string> = P extends `${infer Head}.${infer Rest}` ? `${TokenTemplate<Head>}.${PatternTemplate<Rest>}` : TokenTemplate<P>;

/**
 * The catalogue names a pattern can match, worked out at compile time. It errs wide (`a.*` admits a
 * three-token `a.b.c` if one existed) so a handler never misses a case it must handle.
 */
export type MatchingNames<P extends string> = string extends P ? EventName : Extract<EventName, PatternTemplate<P>>;

/** Makes a pattern that matches no catalogued event a compile error rather than a silent no-op. */
export type CheckedPattern<P extends string> = [MatchingNames<P>] extends [never] ? `pattern '${P}' matches no catalogued event` : P;

export type Handler<N extends EventName> = (event: Envelope<N>) => void | Promise<void>;

export interface PublishOptions {
  /** Ordering key: events with the same key are delivered in publish order. Any string. */
  readonly key?: string;
  /**
   * The publisher hands the payload over and never reads-to-modify or writes it again (default false).
   * Handlers still get a deep-frozen payload equal to its JSON round trip, but the in-process bus
   * freezes the caller's object in place instead of copying it, so a later write by the publisher
   * throws a TypeError (ESM is strict mode) and nested objects shared with other data get frozen too.
   * A payload that JSON would alter (Dates, undefined values, NaN, -0, class instances) is copied as
   * without the option, possibly after parts of it were frozen. NATS serialises every payload
   * anyway, so there the option changes nothing. Use it for payloads built just for the event.
   */
  readonly transfer?: boolean;
}

export interface PublishReceipt {
  readonly id: string;
  readonly seq: number;
}

export interface SubscribeOptions {
  /** Durable consumer name ([A-Za-z0-9_-]{1,64}): resumes after the last acknowledged event. */
  readonly durable?: string;
  /**
   * Consumer name shared by subscriptions that split the work; like `durable` without persistence.
   * Both given: must be equal. Group members may join a durable; a durable may not take over a group's name.
   */
  readonly group?: string;
  /** Only events with exactly this key. */
  readonly key?: string;
  /** Where a consumer that does not exist yet starts: after the newest event ('new', default) or at the oldest retained ('all'). */
  readonly deliver?: 'new' | 'all';
  /** A handler that has not settled after this long has failed; default 30 000. */
  readonly ackWaitMs?: number;
  /** Deliveries before dead-lettering (≥ 1); default 5; Infinity = retry forever. */
  readonly maxDeliver?: number;
  /** Delay before redelivery n is backoffMs[min(n-1, last)]; default [100, 500, 2000, 5000]. */
  readonly backoffMs?: readonly number[];
  /** Handlers of this subscription running at once (across keys); default 16. */
  readonly concurrency?: number;
  /** Unacknowledged events the consumer holds at once (across its subscriptions in-process); default 1000. */
  readonly maxAckPending?: number;
}

export interface Subscription {
  /** The consumer name (durable/group name, or a generated one). */
  readonly consumer: string;
  /**
   * Stops new deliveries, waits for running handlers (each is bounded by ackWaitMs) and hands
   * unacknowledged events back to the consumer for its other or later subscriptions. Idempotent.
   */
  close(): Promise<void>;
}

export interface EventBus {
  /** 'inprocess' | 'nats' */
  readonly kind: string;
  publish<N extends EventName>(name: N, payload: EventCatalogue[N], options?: PublishOptions): Promise<PublishReceipt>;
  /** Receipts in input order. Events are appended in input order, so same-key order is kept. */
  publishMany(events: ReadonlyArray<PublishItem>): Promise<PublishReceipt[]>;
  subscribe<P extends string>(pattern: CheckedPattern<P>, handler: Handler<MatchingNames<P>>, options?: SubscribeOptions): Promise<Subscription>;
  /** Closes every subscription (as Subscription.close) and then the connection. Idempotent. */
  close(): Promise<void>;
}

/** One event for publishMany; `key` and `transfer` as in PublishOptions. */
export type PublishItem = { [N in EventName]: { readonly name: N; readonly payload: EventCatalogue[N]; readonly key?: string; readonly transfer?: boolean } }[EventName];

/** Minimal structural logger (pino's Logger fits). */
export interface BusLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const DELIVERY_DEFAULTS = {
  ackWaitMs: 30_000,
  maxDeliver: 5,
  backoffMs: [100, 500, 2000, 5000] as readonly number[],
  concurrency: 16,
  maxAckPending: 1000,
} as const;
