import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TelemetryReceived } from '../catalogue.js';
import { createInProcessBus } from '../inprocess/bus.js';
import { runBusContract } from '../testing/contract.js';
import { delay, GRACE_MS, nOf, randomInt, telemetry, waitUntil } from '../testing/helpers.js';

const silent = { warn: () => {}, error: () => {} };

runBusContract('inprocess', {
  open: async () => createInProcessBus({ logger: silent }),
  survivesRestart: false,
});

test('inprocess: a durable consumer that falls behind the retention skips what fell off, and says so', async () => {
  const warnings: Array<Record<string, unknown>> = [];
  const bus = createInProcessBus({ retention: 3, logger: { warn: (o) => void warnings.push(o as Record<string, unknown>), error: () => {} } });
  try {
    const got: number[] = [];
    const sub = await bus.subscribe('telemetry.received', (e) => void got.push(nOf(e.payload)), { durable: 'slow' });
    await sub.close();
    for (let n = 1; n <= 5; n++) await bus.publish('telemetry.received', telemetry('d', n));
    await bus.subscribe('telemetry.received', (e) => void got.push(nOf(e.payload)), { durable: 'slow' });
    await waitUntil(() => got.length === 3, () => `got ${got.join()}`);
    // Retention 3 keeps seqs 3–5; the cursor was at 1, so 1 and 2 are gone.
    assert.deepEqual(got, [3, 4, 5]);
    assert.deepEqual(warnings.map((w) => [w['consumer'], w['count']]), [['slow', 2]]);
  } finally {
    await bus.close();
  }
});

test('inprocess: a group consumer ends with its last subscription; a durable one does not', async () => {
  const bus = createInProcessBus({ logger: silent });
  try {
    const group: number[] = [];
    const durable: number[] = [];
    const g = await bus.subscribe('telemetry.received', (e) => void group.push(nOf(e.payload)), { group: 'g' });
    const d = await bus.subscribe('telemetry.received', (e) => void durable.push(nOf(e.payload)), { durable: 'd' });
    await Promise.all([g.close(), d.close()]);
    await bus.publish('telemetry.received', telemetry('x', 1));
    await bus.subscribe('telemetry.received', (e) => void group.push(nOf(e.payload)), { group: 'g' });
    await bus.subscribe('telemetry.received', (e) => void durable.push(nOf(e.payload)), { durable: 'd' });
    await bus.publish('telemetry.received', telemetry('x', 2));
    await waitUntil(() => group.length === 1 && durable.length === 2, () => `group ${group.join()} durable ${durable.join()}`);
    assert.deepEqual(group, [2]);
    assert.deepEqual(durable, [1, 2]);
  } finally {
    await bus.close();
  }
});

test('inprocess: per-key order holds across the members of a group', async () => {
  const bus = createInProcessBus({ logger: silent });
  try {
    const acked = new Map<string, number[]>();
    const members = new Set<string>();
    const handler = (member: string) => async (e: { key: string | undefined; payload: TelemetryReceived }) => {
      members.add(member);
      await delay(randomInt(3));
      const list = acked.get(e.key as string) ?? [];
      list.push(nOf(e.payload));
      acked.set(e.key as string, list);
    };
    await bus.subscribe('telemetry.received', handler('a'), { group: 'ordered' });
    await bus.subscribe('telemetry.received', handler('b'), { group: 'ordered' });
    const pubs: Promise<unknown>[] = [];
    for (let n = 0; n < 20; n++) for (const k of ['p', 'q', 'r']) pubs.push(bus.publish('telemetry.received', telemetry(k, n), { key: k }));
    await Promise.all(pubs);
    await waitUntil(() => [...acked.values()].reduce((s, l) => s + l.length, 0) === 60, () => 'not all acked');
    const expected = Array.from({ length: 20 }, (_, n) => n);
    for (const k of ['p', 'q', 'r']) assert.deepEqual(acked.get(k), expected, k);
    assert.deepEqual([...members].sort(), ['a', 'b']);
  } finally {
    await bus.close();
  }
});

test('inprocess: a failing dead-letter handler does not feed itself', async () => {
  const bus = createInProcessBus({ logger: silent });
  try {
    let deadDeliveries = 0;
    await bus.subscribe('bus.dead_letter', () => {
      deadDeliveries++;
      throw new Error('dead-letter handler broken');
    }, { maxDeliver: 1 });
    await bus.subscribe('telemetry.received', () => {
      throw new Error('poison');
    }, { maxDeliver: 1 });
    await bus.publish('telemetry.received', telemetry('d', 1));
    await waitUntil(() => deadDeliveries === 1, () => `dead deliveries ${deadDeliveries}`);
    await delay(GRACE_MS);
    assert.equal(deadDeliveries, 1);
  } finally {
    await bus.close();
  }
});

test('inprocess: the handler runs after publish() and subscribe() return, never inside them', async () => {
  const bus = createInProcessBus({ logger: silent });
  try {
    const trace: string[] = [];
    await bus.publish('telemetry.received', telemetry('d', 1));
    const sub = bus.subscribe('telemetry.received', () => void trace.push('handler'), { deliver: 'all' });
    trace.push('subscribe returned');
    await sub;
    const pub = bus.publish('telemetry.received', telemetry('d', 2));
    trace.push('publish returned');
    await pub;
    await waitUntil(() => trace.filter((t) => t === 'handler').length === 2, () => trace.join());
    assert.deepEqual(trace.slice(0, 2), ['subscribe returned', 'publish returned']);
  } finally {
    await bus.close();
  }
});

test('inprocess: publish with transfer hands the payload over (frozen in place), without it the publisher keeps a free copy', async () => {
  const bus = createInProcessBus({ logger: silent });
  try {
    const got: TelemetryReceived[] = [];
    await bus.subscribe('telemetry.received', (e) => void got.push(e.payload));
    const handedOver = telemetry('d1', 1);
    await bus.publish('telemetry.received', handedOver, { key: 'd1', transfer: true });
    assert.throws(() => {
      (handedOver.values as Record<string, number>)['n'] = 5;
    }, TypeError);
    const kept = telemetry('d2', 2);
    await bus.publishMany([{ name: 'telemetry.received', key: 'd2', payload: kept }]);
    (kept.values as Record<string, number>)['n'] = 7;
    await waitUntil(() => got.length === 2, () => `got ${got.length}`);
    assert.deepEqual(got.map((p) => p.values['n']), [1, 2]);
    assert.equal(got[0], handedOver);
    assert.notEqual(got[1], kept);
  } finally {
    await bus.close();
  }
});
