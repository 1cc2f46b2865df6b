/**
 * Small tools for the bus contract suite: a namespaced bus lifecycle, event factories, and a
 * bounded wait. Waits only bound how long a test may take to see something; no test asserts speed.
 */
import { randomBytes } from 'node:crypto';
import type { TelemetryReceived, TwinCreated } from '../catalogue.js';
import type { EventBus } from '../port.js';

export interface BusContractTarget {
  /**
   * Opens a bus over the backing store named by `namespace` (a fresh [a-z0-9] string per test).
   * Opening the same namespace again after closing is a restart of the platform process.
   */
  open(namespace: string): Promise<EventBus>;
  /** Removes whatever `open` created for the namespace (e.g. a JetStream stream). */
  cleanup?(namespace: string): Promise<void>;
  /** True when a durable consumer outlives the bus instance (NATS); false in-process. */
  readonly survivesRestart: boolean;
  /** Set to a reason to skip the whole suite (e.g. a service URL is not configured). */
  readonly skip?: string;
}

export function newNamespace(): string {
  return 'c' + randomBytes(5).toString('hex');
}

/** Runs `fn` with a bus for a fresh namespace, then closes every bus it opened and cleans up. */
export async function withBus(target: BusContractTarget, fn: (bus: EventBus, reopen: () => Promise<EventBus>) => Promise<void>): Promise<void> {
  const ns = newNamespace();
  const opened: EventBus[] = [];
  const open = async () => {
    const bus = await target.open(ns);
    opened.push(bus);
    return bus;
  };
  try {
    await fn(await open(), open);
  } finally {
    for (const bus of opened) await bus.close();
    await target.cleanup?.(ns);
  }
}

export const WAIT_LIMIT_MS = 10_000;

/** Polls until `ready()` is true; fails with `describe()` if that takes longer than `limitMs`. */
export async function waitUntil(ready: () => boolean, describe: () => string, limitMs = WAIT_LIMIT_MS): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting after ${limitMs} ms: ${describe()}`);
    await delay(5);
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Gives a wrongly delivered event time to show up before a test asserts it did not. */
export const GRACE_MS = 150;

export function telemetry(deviceId: string, n: number): TelemetryReceived {
  return {
    deviceId,
    sourceTime: new Date(Date.UTC(2026, 0, 1, 0, 0, n % 60)).toISOString(),
    arrivalTime: '2026-01-01T00:01:00.000Z',
    values: { n, temperature: 20.5, running: true, mode: 'auto' },
    properties: { 'content-type': 'application/json' },
  };
}

export function twinCreated(twinId: string): TwinCreated {
  return {
    twinId,
    modelId: 'dtmi:com:example:Pump;1',
    twin: { $dtId: twinId, $metadata: { $model: 'dtmi:com:example:Pump;1' }, ratedFlow: 12.5, tags: ['a', 'b'], nested: { on: false, note: null } },
    etag: 'W/"1"',
    time: '2026-01-01T00:00:00.000Z',
  };
}

/** The `n` value carried by a telemetry payload built by `telemetry()`. */
export function nOf(payload: TelemetryReceived): number {
  return payload.values['n'] as number;
}

export function randomInt(maxExclusive: number): number {
  return Math.floor(Math.random() * maxExclusive);
}
