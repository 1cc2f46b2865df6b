/**
 * The bus contract against a real NATS JetStream server. Each test gets its own stream and subject
 * prefix (from the namespace) and deletes the stream afterwards.
 */
import assert from 'node:assert/strict';
import { createServer, connect as netConnect, type AddressInfo, type Socket } from 'node:net';
import { test } from 'node:test';
import { connect, StorageType } from 'nats';
import { BusErrors } from '../errors.js';
import { runBusContract } from '../testing/contract.js';
import { delay, GRACE_MS, newNamespace, nOf, telemetry, twinCreated, waitUntil } from '../testing/helpers.js';
import { createNatsBus } from './bus.js';

const url = process.env['TWINWORKS_TEST_NATS_URL'];
const silent = { warn: () => {}, error: () => {} };

runBusContract('nats', {
  skip: url ? undefined : 'set TWINWORKS_TEST_NATS_URL (e.g. nats://127.0.0.1:4222) to run',
  survivesRestart: true,
  open: (ns) => createNatsBus({ url: url as string, stream: `TWT_${ns}`, subjectPrefix: `twt.${ns}`, logger: silent, maxMessages: 100_000 }),
  cleanup: async (ns) => {
    const nc = await connect({ servers: url as string });
    try {
      const jsm = await nc.jetstreamManager();
      await jsm.streams.delete(`TWT_${ns}`).catch(() => false);
    } finally {
      await nc.close();
    }
  },
});

// ---- NATS-specific behaviour ---------------------------------------------------------------------

const skip = url ? false : 'set TWINWORKS_TEST_NATS_URL (e.g. nats://127.0.0.1:4222) to run';

async function withStream(fn: (ns: string, stream: string) => Promise<void>): Promise<void> {
  const ns = newNamespace();
  const stream = `TWT_${ns}`;
  try {
    await fn(ns, stream);
  } finally {
    const nc = await connect({ servers: url as string });
    await (await nc.jetstreamManager()).streams.delete(stream).catch(() => false);
    await nc.close();
  }
}

test('nats: events are stored on file under <prefix>.<key token>.<name> with their id as Nats-Msg-Id', { skip }, async () => {
  await withStream(async (ns, stream) => {
    const bus = await createNatsBus({ url: url as string, stream, subjectPrefix: `twt.${ns}`, logger: silent });
    const receipt = await bus.publish('twin.created', twinCreated('t1'), { key: 'a.b' });
    const plain = await bus.publish('model.deleted', { modelId: 'dtmi:x;1', time: '2026-01-01T00:00:00.000Z' });
    await bus.close();
    const nc = await connect({ servers: url as string });
    try {
      const jsm = await nc.jetstreamManager();
      const info = await jsm.streams.info(stream);
      assert.equal(info.config.storage, StorageType.File);
      assert.deepEqual(info.config.subjects, [`twt.${ns}.>`]);
      const stored = await jsm.streams.getMessage(stream, { seq: receipt.seq });
      assert.equal(stored.subject, `twt.${ns}._YS5i.twin.created`); // base64url('a.b') = YS5i
      assert.equal(stored.header.get('Nats-Msg-Id'), receipt.id);
      const body = stored.json<{ id: string; name: string; key: string; payload: unknown }>();
      assert.deepEqual([body.id, body.name, body.key], [receipt.id, 'twin.created', 'a.b']);
      assert.deepEqual(body.payload, twinCreated('t1'));
      assert.equal((await jsm.streams.getMessage(stream, { seq: plain.seq })).subject, `twt.${ns}.-.model.deleted`);
    } finally {
      await nc.close();
    }
  });
});

test('nats: two prefixes can share one stream without seeing each other', { skip }, async () => {
  await withStream(async (ns, stream) => {
    const a = await createNatsBus({ url: url as string, stream, subjectPrefix: `twt.${ns}.a`, logger: silent });
    const b = await createNatsBus({ url: url as string, stream, subjectPrefix: `twt.${ns}.b`, logger: silent });
    try {
      const gotA: number[] = [];
      const gotB: number[] = [];
      await a.subscribe('>', (e) => void gotA.push(e.seq));
      await b.subscribe('>', (e) => void gotB.push(e.seq));
      const ra = await a.publish('telemetry.received', telemetry('d', 1));
      const rb = await b.publish('telemetry.received', telemetry('d', 2));
      await waitUntil(() => gotA.length === 1 && gotB.length === 1, () => `a ${gotA.join()} b ${gotB.join()}`);
      await delay(GRACE_MS);
      assert.deepEqual([gotA, gotB], [[ra.seq], [rb.seq]]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

test('nats: delivery continues after the connection drops and comes back', { skip }, async () => {
  const proxy = await startProxy(new URL(url as string));
  try {
    await withStream(async (ns, stream) => {
      // A publish written to the dying socket gets no PubAck; it is retried with the same
      // Nats-Msg-Id, so JetStream must still store each event once.
      const bus = await createNatsBus({ url: `nats://127.0.0.1:${proxy.port}`, stream, subjectPrefix: `twt.${ns}`, logger: silent, publishTimeoutMs: 1000 });
      try {
        const got = new Set<number>();
        await bus.subscribe('telemetry.received', (e) => void got.add(nOf(e.payload)), { durable: 'steady' });
        for (let n = 1; n <= 10; n++) await bus.publish('telemetry.received', telemetry('d', n), { key: `k${n % 3}` });
        await waitUntil(() => got.size === 10, () => `got ${got.size} of 10 before the drop`);
        proxy.cut();
        for (let n = 11; n <= 20; n++) await bus.publish('telemetry.received', telemetry('d', n), { key: `k${n % 3}` });
        await waitUntil(() => got.size === 20, () => `got ${[...got].sort((x, y) => x - y).join()} after the drop`);
        assert.ok(proxy.connections() >= 2, 'the client reconnected');
        const nc = await connect({ servers: url as string });
        const stored = (await (await nc.jetstreamManager()).streams.info(stream)).state.messages;
        await nc.close();
        assert.equal(stored, 20);
      } finally {
        await bus.close();
      }
    });
  } finally {
    await proxy.close();
  }
});

test('nats: an unreachable server is bus.unavailable', { skip }, async () => {
  const port = await freePort();
  await assert.rejects(createNatsBus({ url: `nats://127.0.0.1:${port}`, logger: silent }), (e: unknown) => BusErrors.is(e, 'unavailable'));
});

/** A TCP pass-through to the real server whose live connections can be cut, to force a reconnect. */
async function startProxy(target: URL) {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((client) => {
    accepted++;
    const upstream = netConnect(Number(target.port || 4222), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => accepted,
    cut: () => {
      for (const s of sockets) s.destroy();
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
