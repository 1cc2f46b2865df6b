/**
 * Delivery rules shared by both adapters, so "at least once with ack, backoff, maxDeliver, dead
 * letter" means the same thing whichever adapter runs: option validation, one attempt bounded by
 * the ack wait, the retry loop, JSON freezing of payloads and envelope construction.
 */
import { isEventName, type BusDeadLetter, type EventName, type JsonValue } from './catalogue.js';
import { BusErrors } from './errors.js';
import { checkKey } from './key.js';
import { checkConsumerName, parsePattern, type NamePattern } from './pattern.js';
import { DELIVERY_DEFAULTS, type Envelope, type SubscribeOptions } from './port.js';

export interface DeliveryPolicy {
  readonly ackWaitMs: number;
  readonly maxDeliver: number;
  readonly backoffMs: readonly number[];
}

export interface ResolvedSubscription {
  readonly pattern: NamePattern;
  /** Named consumer (durable or group); undefined = private to the subscription. */
  readonly consumerName: string | undefined;
  readonly durable: boolean;
  readonly key: string | undefined;
  readonly deliver: 'new' | 'all';
  readonly policy: DeliveryPolicy;
  readonly concurrency: number;
  readonly maxAckPending: number;
}

export function resolveSubscription(pattern: string, options: SubscribeOptions = {}): ResolvedSubscription {
  const parsed = parsePattern(pattern);
  const durable = options.durable === undefined ? undefined : checkConsumerName(options.durable, 'durable');
  const group = options.group === undefined ? undefined : checkConsumerName(options.group, 'group');
  if (durable !== undefined && group !== undefined && durable !== group) {
    throw BusErrors.create('invalid_options', `durable ${JSON.stringify(durable)} and group ${JSON.stringify(group)} name one consumer and must be equal`, { durable, group });
  }
  const deliver = options.deliver ?? 'new';
  if (deliver !== 'new' && deliver !== 'all') throw optionError('deliver', deliver, "'new' or 'all'");
  const ackWaitMs = options.ackWaitMs ?? DELIVERY_DEFAULTS.ackWaitMs;
  if (!Number.isInteger(ackWaitMs) || ackWaitMs < 1 || ackWaitMs > 86_400_000) throw optionError('ackWaitMs', ackWaitMs, 'an integer from 1 to 86400000');
  const maxDeliver = options.maxDeliver ?? DELIVERY_DEFAULTS.maxDeliver;
  if (!(maxDeliver === Infinity || (Number.isInteger(maxDeliver) && maxDeliver >= 1))) throw optionError('maxDeliver', maxDeliver, 'an integer ≥ 1 or Infinity');
  const backoffMs = options.backoffMs ?? DELIVERY_DEFAULTS.backoffMs;
  if (backoffMs.length === 0 || backoffMs.some((ms) => !Number.isFinite(ms) || ms < 0)) throw optionError('backoffMs', backoffMs, 'a non-empty list of delays ≥ 0');
  const concurrency = options.concurrency ?? DELIVERY_DEFAULTS.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw optionError('concurrency', concurrency, 'an integer ≥ 1');
  const maxAckPending = options.maxAckPending ?? DELIVERY_DEFAULTS.maxAckPending;
  if (!Number.isInteger(maxAckPending) || maxAckPending < 1) throw optionError('maxAckPending', maxAckPending, 'an integer ≥ 1');
  return {
    pattern: parsed,
    consumerName: durable ?? group,
    durable: durable !== undefined,
    key: checkKey(options.key),
    deliver,
    policy: { ackWaitMs, maxDeliver, backoffMs: [...backoffMs] },
    concurrency,
    maxAckPending,
  };
}

function optionError(option: string, value: unknown, allowed: string) {
  return BusErrors.create('invalid_options', `${option} must be ${allowed}`, { option, value: String(value), allowed });
}

export function checkEventName(name: unknown): EventName {
  if (typeof name !== 'string' || !isEventName(name)) {
    throw BusErrors.create('unknown_event', `${JSON.stringify(name)} is not in the event catalogue (src/bus/catalogue.ts)`, { name: String(name) });
  }
  return name;
}

/**
 * A deep-frozen JSON copy: the publisher may reuse its object afterwards, handlers cannot mutate
 * what other handlers see, and both adapters hand out exactly what survives JSON.
 */
export function frozenJson(name: string, payload: unknown): JsonValue {
  let text: string | undefined;
  try {
    text = JSON.stringify(payload);
  } catch (err) {
    throw BusErrors.create('invalid_payload', `payload of ${name} cannot be serialised: ${errorMessage(err)}`, { name }, err);
  }
  if (text === undefined || payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw BusErrors.create('invalid_payload', `payload of ${name} must be a JSON object`, { name });
  }
  return deepFreeze(JSON.parse(text) as JsonValue);
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export interface EventRecord {
  readonly seq: number;
  readonly id: string;
  readonly name: EventName;
  readonly key: string | undefined;
  readonly time: string;
  readonly payload: JsonValue;
}

export function envelopeOf(rec: EventRecord, deliveryCount: number): Envelope {
  // The record was validated against the catalogue when published; the cast only re-attaches the
  // name ↔ payload correlation that a stored record cannot carry in its type.
  return Object.freeze({ id: rec.id, name: rec.name, key: rec.key, payload: rec.payload, time: rec.time, seq: rec.seq, deliveryCount }) as unknown as Envelope;
}

export type AttemptResult = { readonly ok: true } | { readonly ok: false; readonly error: string; readonly timedOut: boolean };

/** Runs one delivery; not settling within `ackWaitMs` is a failure (the handler is left to finish on its own). */
export async function runWithAckWait(fn: () => void | Promise<void>, ackWaitMs: number): Promise<AttemptResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<AttemptResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: `not acknowledged within ${ackWaitMs} ms`, timedOut: true }), ackWaitMs);
  });
  const run = (async (): Promise<AttemptResult> => {
    try {
      await fn();
      return { ok: true };
    } catch (err) {
      return { ok: false, error: errorMessage(err), timedOut: false };
    }
  })();
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export type RetryOutcome =
  | { readonly kind: 'acked'; readonly deliveries: number }
  | { readonly kind: 'dead'; readonly deliveries: number; readonly error: string }
  /** Stopped without a verdict (no subscriber left, or closing); the event stays unacknowledged. */
  | { readonly kind: 'abandoned'; readonly deliveries: number };

/**
 * Delivers until acknowledged, dead (maxDeliver reached) or abandoned. `attempt` returns
 * 'no_runner' when nobody can take the delivery. Bounded: each loop turn makes a delivery, and
 * deliveries stop at maxDeliver (or on abort when maxDeliver is Infinity).
 */
export async function deliverWithRetry(params: {
  readonly priorDeliveries: number;
  readonly policy: DeliveryPolicy;
  readonly signal: AbortSignal;
  readonly attempt: (deliveryCount: number) => Promise<AttemptResult | 'no_runner'>;
}): Promise<RetryOutcome> {
  const { policy, signal } = params;
  let deliveries = params.priorDeliveries;
  for (;;) {
    if (signal.aborted) return { kind: 'abandoned', deliveries };
    const result = await params.attempt(deliveries + 1);
    if (result === 'no_runner') return { kind: 'abandoned', deliveries };
    deliveries++;
    if (result.ok) return { kind: 'acked', deliveries };
    if (deliveries >= policy.maxDeliver) return { kind: 'dead', deliveries, error: result.error };
    await sleep(backoffFor(deliveries, policy.backoffMs), signal);
  }
}

/** Delay after the n-th failed delivery (n ≥ 1). */
export function backoffFor(n: number, backoffMs: readonly number[]): number {
  return backoffMs[Math.min(n - 1, backoffMs.length - 1)] ?? 0;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function deadLetterOf(consumer: string, rec: EventRecord, deliveries: number, error: string): BusDeadLetter {
  return { consumer, eventId: rec.id, eventName: rec.name, ...(rec.key === undefined ? {} : { key: rec.key }), seq: rec.seq, deliveryCount: deliveries, error, payload: rec.payload };
}
