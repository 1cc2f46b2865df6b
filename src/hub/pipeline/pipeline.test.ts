import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupCommitter, type CommitTargets } from './committer.js';
import { RateLimiter } from './limits.js';
import { decodeMessage, flattenScalars, MAX_MESSAGE_BYTES, type IncomingMessage } from './message.js';
import type { PublishItem } from '../../bus/index.js';
import type { TimePoint } from '../../storage/index.js';

function msg(body: string | Buffer, system: Record<string, string> = {}, extra: Partial<IncomingMessage> = {}): IncomingMessage {
  return { deviceId: 'd', source: 'mqtt', body: typeof body === 'string' ? Buffer.from(body) : body, system, app: {}, arrivalMs: Date.parse('2026-03-01T00:00:00Z'), ...extra };
}

const point = (v: number): TimePoint => ({ series: 's', time: new Date(0), arrival: new Date(0), value: v });

/** A store whose appends wait until released, recording each batch. */
function gatedTargets() {
  const batches: number[][] = [];
  const published: string[][] = [];
  let release: () => void = () => undefined;
  let gate = new Promise<void>((r) => (release = r));
  let fail = false;
  const targets: CommitTargets = {
    async appendPoints(points) {
      batches.push(points.map((p) => p.value));
      await gate;
      if (fail) throw new Error('disk full');
    },
    async publishMany(items) {
      published.push(items.map((i) => String((i.payload as { n?: number }).n)));
    },
  };
  return {
    targets,
    batches,
    published,
    open() {
      release();
      gate = Promise.resolve();
    },
    failNext() {
      fail = true;
    },
  };
}

test('messages that arrive while a commit runs form the next batch; each submitter settles with its batch', async () => {
  const g = gatedTargets();
  const c = new GroupCommitter({ targets: g.targets, concurrency: 1 });
  const first = c.submit({ points: [point(1)], events: [] });
  await new Promise((r) => setImmediate(r)); // batch 1 = [1] is now committing
  const rest = [2, 3, 4].map((v) => c.submit({ points: [point(v)], events: [] }));
  let settled = false;
  void first.then(() => (settled = true));
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(settled, false, 'not acknowledged before the store confirmed');
  g.open();
  await Promise.all([first, ...rest]);
  assert.deepEqual(g.batches, [[1], [2, 3, 4]]);
});

test('a failed commit rejects every message of that batch with hub.store_failed, and nothing else', async () => {
  const g = gatedTargets();
  const c = new GroupCommitter({ targets: g.targets, concurrency: 1 });
  g.failNext();
  const a = c.submit({ points: [point(1)], events: [] });
  const b = c.submit({ points: [point(2)], events: [] });
  g.open();
  await assert.rejects(a, (e: { code?: string }) => e.code === 'hub.store_failed');
  await assert.rejects(b, (e: { code?: string }) => e.code === 'hub.store_failed');
});

test('back-pressure: past maxPending, submit waits; after maxWaitMs it fails with hub.overloaded', async () => {
  const g = gatedTargets();
  const c = new GroupCommitter({ targets: g.targets, concurrency: 1, maxPending: 2, maxWaitMs: 100 });
  const a = c.submit({ points: [point(1)], events: [] });
  const b = c.submit({ points: [point(2)], events: [] });
  assert.equal(c.pending, 2);
  await assert.rejects(c.submit({ points: [point(3)], events: [] }), (e: { code?: string }) => e.code === 'hub.overloaded');
  // A waiter admitted once space frees up:
  const d = c.submit({ points: [point(4)], events: [] });
  g.open();
  await Promise.all([a, b, d]);
  assert.deepEqual(g.batches.flat().sort(), [1, 2, 4]);
});

test('bus events of concurrent batches are published in batch order, with one summary event per batch', async () => {
  const slow: number[] = [];
  const published: string[][] = [];
  const targets: CommitTargets = {
    async appendPoints(points) {
      // The first batch takes longer than the second: publishes must still follow batch order.
      const v = points[0]!.value;
      slow.push(v);
      await new Promise((r) => setTimeout(r, v === 1 ? 40 : 1));
    },
    async publishMany(items: readonly PublishItem[]) {
      published.push(items.map((i) => (i.name === 'telemetry.batch' ? `batch:${i.payload.messages.length}` : String((i.payload as { deviceId: string }).deviceId))));
    },
  };
  const c = new GroupCommitter({ targets, concurrency: 2, maxBatch: 1, summarise: (s) => ({ name: 'telemetry.batch', payload: { messages: s as never } }) });
  const ev = (id: string): PublishItem => ({ name: 'device.connected', payload: { deviceId: id, protocol: 'mqtt', time: '' } });
  await Promise.all([c.submit({ points: [point(1)], events: [ev('a')], summary: {} }), c.submit({ points: [point(2)], events: [ev('b')], summary: {} })]);
  assert.deepEqual(published, [
    ['a', 'batch:1'],
    ['b', 'batch:1'],
  ]);
});

test('minIntervalMs: messages arriving soon after a commit started wait and leave together', async () => {
  const batches: number[][] = [];
  const targets: CommitTargets = {
    async appendPoints(points) {
      batches.push(points.map((p) => p.value));
    },
    async publishMany() {},
  };
  const turn = () => new Promise((r) => setImmediate(r));
  const c = new GroupCommitter({ targets, concurrency: 2, minIntervalMs: 300 });
  const all = [c.submit({ points: [point(1)], events: [] })];
  await turn(); // batch [1] started
  for (const v of [2, 3, 4]) {
    // Without the interval each would start its own batch (a free slot, one per turn).
    all.push(c.submit({ points: [point(v)], events: [] }));
    await turn();
  }
  await Promise.all(all);
  assert.deepEqual(batches, [[1], [2, 3, 4]]);
});

test('rate limiter: burst, then waits, then refusal; buckets are per device', () => {
  const l = new RateLimiter({ ratePerSecond: 10, burst: 2, maxDelayMs: 150 });
  assert.equal(l.take('a', 0), 0);
  assert.equal(l.take('a', 0), 0);
  assert.equal(l.take('a', 0), 100); // one token every 100 ms
  assert.equal(l.take('a', 0), -1); // the next would wait 200 ms > 150
  assert.equal(l.take('b', 0), 0);
  assert.equal(l.take('a', 1000), 0); // refilled (capped at the burst)
});

test('decode: JSON declared or detected, source time from the body or the creation-time property', () => {
  const a = decodeMessage(msg('{"t":1,"timestamp":"2026-02-01T10:00:00Z"}'));
  assert.deepEqual(a.json, { t: 1, timestamp: '2026-02-01T10:00:00Z' });
  assert.equal(a.sourceMs, Date.parse('2026-02-01T10:00:00Z'));
  const b = decodeMessage(msg('{"t":1}', { 'iothub-creation-time-utc': '2026-02-02T00:00:00Z' }));
  assert.equal(b.sourceMs, Date.parse('2026-02-02T00:00:00Z'));
  const c = decodeMessage(msg('{"t":1,"timestamp":"garbage"}'));
  assert.equal(c.sourceMs, c.arrivalMs);
  const opaque = decodeMessage(msg('{not json', {}));
  assert.equal(opaque.json, undefined); // undeclared: kept as bytes
  assert.throws(() => decodeMessage(msg('{not json', { 'content-type': 'application/json' })), (e: { code?: string }) => e.code === 'hub.malformed_message');
  assert.throws(() => decodeMessage(msg('x', {}, { assumeJson: true })), (e: { code?: string }) => e.code === 'hub.malformed_message');
  assert.throws(() => decodeMessage(msg(Buffer.alloc(MAX_MESSAGE_BYTES + 1))), (e: { code?: string }) => e.code === 'hub.message_too_large');
  assert.equal(decodeMessage(msg('plain text', { 'content-type': 'text/plain' })).json, undefined);
});

test('flattenScalars: dotted paths, arrays and timestamp left out, non-finite numbers dropped', () => {
  assert.deepEqual(flattenScalars({ a: 1, b: { c: 'x', d: true }, e: [1, 2], timestamp: 't', f: null }), [
    ['a', 1],
    ['b.c', 'x'],
    ['b.d', true],
  ]);
  assert.deepEqual(flattenScalars([1, 2]), []);
});

test('with a history port, whole messages go to writeTelemetry in the batch and the ack waits for it', async () => {
  const written: string[][] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const targets: CommitTargets = {
    async appendPoints() {
      throw new Error('points must not be appended when the history port takes the messages');
    },
    async writeTelemetry(messages) {
      written.push(messages.map((m) => `${m.deviceId}:${String(m.values['state'])}`));
      await gate;
    },
    async publishMany() {},
  };
  const c = new GroupCommitter({ targets, concurrency: 1 });
  const t = (id: string, state: string) => ({ deviceId: id, sourceTime: '2026-03-01T00:00:00.000Z', arrivalTime: '2026-03-01T00:00:00.000Z', values: { state }, properties: {} });
  let acked = 0;
  const subs = [c.submit({ points: [], events: [], telemetry: t('a', 'running') }), c.submit({ points: [], events: [], telemetry: t('b', 'down') })].map((p) => p.then(() => acked++));
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(written, [['a:running', 'b:down']], 'one batch with the text values kept');
  assert.equal(acked, 0, 'not acknowledged before the history write resolved');
  release();
  await Promise.all(subs);
  assert.equal(acked, 2);
});
