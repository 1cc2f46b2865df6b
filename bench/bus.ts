/**
 * Event bus throughput and latency, both adapters.
 *
 *   nice -n 10 node --import tsx bench/bus.ts [--quick]
 *
 * Cases per adapter:
 *   publish only          N events, 1000 in flight, no subscriber            → events/s
 *   publish + consume     N events over 100 keys, one subscription            → events/s end to end,
 *                         (concurrency 16) acking each; latency = publish call → handler start,
 *                         which under this load is mostly queueing
 *   ping-pong latency     one event at a time, next published after the      → p50 / p99 ms
 *                         handler ran: the unloaded path
 *
 * NATS runs when TWINWORKS_BENCH_NATS_URL (or TWINWORKS_TEST_NATS_URL) is set, on a fresh stream
 * that is deleted afterwards.
 */
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { connect } from 'nats';
import { createInProcessBus, createNatsBus, type EventBus, type TelemetryReceived } from '../src/bus/index.js';

const quick = process.argv.includes('--quick');
const N = quick ? 2_000 : 20_000;
const PINGS = quick ? 200 : 1_000;
const KEYS = 100;
const silent = { warn: () => {}, error: () => {} };

function payload(n: number): TelemetryReceived {
  return {
    deviceId: `dev-${n % KEYS}`,
    sourceTime: '2026-01-01T00:00:00.000Z',
    arrivalTime: '2026-01-01T00:00:00.000Z',
    values: { n, t0: performance.now(), temperature: 21.5, running: true },
    properties: { line: 'L1' },
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function publishAll(bus: EventBus, count: number, window = 1000): Promise<void> {
  for (let start = 0; start < count; start += window) {
    const batch: Promise<unknown>[] = [];
    for (let n = start; n < Math.min(count, start + window); n++) batch.push(bus.publish('telemetry.received', payload(n), { key: `dev-${n % KEYS}` }));
    await Promise.all(batch);
  }
}

async function waitFor(ready: () => boolean, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error('bench: gave up waiting for deliveries');
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function run(name: string, open: () => Promise<EventBus>): Promise<void> {
  // publish only
  let bus = await open();
  let t = performance.now();
  await publishAll(bus, N);
  const publishRate = N / ((performance.now() - t) / 1000);
  await bus.close();

  // publish + consume
  bus = await open();
  const latencies: number[] = [];
  await bus.subscribe('telemetry.received', (e) => {
    latencies.push(performance.now() - (e.payload.values['t0'] as number));
  }, { concurrency: 16 });
  t = performance.now();
  await publishAll(bus, N);
  await waitFor(() => latencies.length >= N, 120_000);
  const e2eRate = N / ((performance.now() - t) / 1000);
  await bus.close();
  latencies.sort((a, b) => a - b);

  // ping-pong
  bus = await open();
  const pings: number[] = [];
  let resolveHandled: () => void = () => {};
  await bus.subscribe('telemetry.received', (e) => {
    pings.push(performance.now() - (e.payload.values['t0'] as number));
    resolveHandled();
  });
  for (let n = 0; n < PINGS; n++) {
    const handled = new Promise<void>((r) => (resolveHandled = r));
    await bus.publish('telemetry.received', payload(n), { key: 'ping' });
    await handled;
  }
  await bus.close();
  pings.sort((a, b) => a - b);

  const f = (x: number) => x.toFixed(2);
  console.log(`${name.padEnd(9)} publish only      ${Math.round(publishRate).toString().padStart(8)} events/s`);
  console.log(`${name.padEnd(9)} publish + consume ${Math.round(e2eRate).toString().padStart(8)} events/s   latency p50 ${f(percentile(latencies, 50))} ms, p99 ${f(percentile(latencies, 99))} ms`);
  console.log(`${name.padEnd(9)} ping-pong                          latency p50 ${f(percentile(pings, 50))} ms, p99 ${f(percentile(pings, 99))} ms`);
}

console.log(`bus bench: ${N} events over ${KEYS} keys, ${PINGS} pings; ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, node ${process.version}, ${new Date().toISOString()}`);
await run('inprocess', async () => createInProcessBus({ logger: silent }));

const natsUrl = process.env['TWINWORKS_BENCH_NATS_URL'] ?? process.env['TWINWORKS_TEST_NATS_URL'];
if (natsUrl) {
  const stream = `TWBENCH_${randomBytes(4).toString('hex')}`;
  try {
    await run('nats', () => createNatsBus({ url: natsUrl, stream, subjectPrefix: `twbench.${stream}`, logger: silent }));
  } finally {
    const nc = await connect({ servers: natsUrl });
    await (await nc.jetstreamManager()).streams.delete(stream).catch(() => false);
    await nc.close();
  }
} else {
  console.log('nats      skipped: set TWINWORKS_BENCH_NATS_URL (or TWINWORKS_TEST_NATS_URL)');
}
