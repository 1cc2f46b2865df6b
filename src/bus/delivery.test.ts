import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffFor, deliverWithRetry, frozenJson, resolveSubscription, runWithAckWait, type AttemptResult } from './delivery.js';
import { BusErrors } from './errors.js';

const policy = { ackWaitMs: 1000, maxDeliver: 3, backoffMs: [1] };
const fail: AttemptResult = { ok: false, error: 'boom', timedOut: false };

test('resolveSubscription applies the documented defaults', () => {
  const r = resolveSubscription('twin.*');
  assert.equal(r.consumerName, undefined);
  assert.equal(r.durable, false);
  assert.equal(r.deliver, 'new');
  assert.deepEqual(r.policy, { ackWaitMs: 30_000, maxDeliver: 5, backoffMs: [100, 500, 2000, 5000] });
  assert.equal(r.concurrency, 16);
  assert.equal(r.maxAckPending, 1000);
  const g = resolveSubscription('>', { group: 'g1' });
  assert.equal(g.consumerName, 'g1');
  assert.equal(g.durable, false);
  const d = resolveSubscription('>', { durable: 'd1', group: 'd1', maxDeliver: Infinity });
  assert.equal(d.durable, true);
  assert.equal(d.policy.maxDeliver, Infinity);
});

test('resolveSubscription refuses out-of-range options', () => {
  const bad = [{ ackWaitMs: 0 }, { ackWaitMs: 1.5 }, { maxDeliver: 0 }, { maxDeliver: 2.5 }, { backoffMs: [] }, { backoffMs: [-1] }, { concurrency: 0 }, { maxAckPending: 0 }, { deliver: 'last' }, { group: 'x'.repeat(65) }, { durable: 'a b' }];
  for (const options of bad) assert.throws(() => resolveSubscription('>', options as never), (e: unknown) => BusErrors.is(e, 'invalid_options'), JSON.stringify(options));
});

test('backoffFor uses the n-th delay and repeats the last one', () => {
  assert.equal(backoffFor(1, [100, 500]), 100);
  assert.equal(backoffFor(2, [100, 500]), 500);
  assert.equal(backoffFor(7, [100, 500]), 500);
});

test('deliverWithRetry: acked on the third try, dead at maxDeliver, abandoned without a runner', async () => {
  const signal = new AbortController().signal;
  let calls: number[] = [];
  const acked = await deliverWithRetry({ priorDeliveries: 0, policy, signal, attempt: async (n) => (calls.push(n), n < 3 ? fail : { ok: true }) });
  assert.deepEqual(acked, { kind: 'acked', deliveries: 3 });
  assert.deepEqual(calls, [1, 2, 3]);
  calls = [];
  const dead = await deliverWithRetry({ priorDeliveries: 1, policy, signal, attempt: async (n) => (calls.push(n), fail) });
  assert.deepEqual(dead, { kind: 'dead', deliveries: 3, error: 'boom' });
  assert.deepEqual(calls, [2, 3]);
  const parked = await deliverWithRetry({ priorDeliveries: 2, policy, signal, attempt: async () => 'no_runner' });
  assert.deepEqual(parked, { kind: 'abandoned', deliveries: 2 });
  const aborted = new AbortController();
  aborted.abort();
  assert.deepEqual(await deliverWithRetry({ priorDeliveries: 0, policy, signal: aborted.signal, attempt: async () => ({ ok: true }) }), { kind: 'abandoned', deliveries: 0 });
});

test('runWithAckWait reports throws, rejections and handlers that never settle', async () => {
  assert.deepEqual(await runWithAckWait(() => {}, 50), { ok: true });
  assert.deepEqual(await runWithAckWait(() => { throw new Error('sync'); }, 50), { ok: false, error: 'sync', timedOut: false });
  assert.deepEqual(await runWithAckWait(async () => { throw new Error('async'); }, 50), { ok: false, error: 'async', timedOut: false });
  assert.deepEqual(await runWithAckWait(() => new Promise<void>(() => {}), 20), { ok: false, error: 'not acknowledged within 20 ms', timedOut: true });
});

test('frozenJson keeps what JSON keeps and freezes it deeply', () => {
  const p = frozenJson('x', { at: new Date(Date.UTC(2026, 0, 2)), gone: undefined, list: [{ a: 1 }] }) as { at: string; list: Array<{ a: number }> };
  assert.deepEqual(p, { at: '2026-01-02T00:00:00.000Z', list: [{ a: 1 }] });
  assert.ok(Object.isFrozen(p) && Object.isFrozen(p.list) && Object.isFrozen(p.list[0]));
  const cyclic: Record<string, unknown> = {};
  cyclic['self'] = cyclic;
  assert.throws(() => frozenJson('x', cyclic), (e: unknown) => BusErrors.is(e, 'invalid_payload'));
  assert.throws(() => frozenJson('x', [1]), (e: unknown) => BusErrors.is(e, 'invalid_payload'));
  assert.throws(() => frozenJson('x', null), (e: unknown) => BusErrors.is(e, 'invalid_payload'));
});
