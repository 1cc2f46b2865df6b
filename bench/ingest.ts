/**
 * Device ingest benchmark: N simulated devices (default 1000) publish JSON telemetry at QoS 1
 * through the full path (embedded broker → routing → group commit to the DuckDB store → PUBACK →
 * twin update via a binding → `twin.updated` event), and, in the same run, the same load into a bare
 * aedes broker with nothing behind it.
 *
 *   nice -n 10 node --import tsx bench/ingest.ts [--devices 1000] [--seconds 10] [--window 2]
 *                                                [--loaders 2] [--store duckdb|memory] [--quick]
 *
 * Load: each device keeps `window` QoS 1 messages in flight and sends the next as soon as one is
 * acknowledged (closed loop), so the rate is what the hub sustains. Load generators run in
 * `loaders` child processes. Reported:
 * - sustained messages/s (acknowledged within the measurement window, after a warm-up);
 * - PUBACK latency (publish → ack at the device) p50/p99;
 * - publish → twin updated p50/p99: from the device's send time (in the body) to the `twin.updated`
 *   event whose patch covers that message (twin updates merge messages that arrive meanwhile);
 * - CPU (hub process and load generators, % of one core) and the hub's peak RSS;
 * - the raw broker's rate and the ratio.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { cpus, tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Aedes } from 'aedes';
import { createInProcessBus, type JsonPatchOperation } from '../src/bus/index.js';
import { createMetrics, silentLogger } from '../src/observability/index.js';
import { createDuckDbStorage, createMemoryStorage } from '../src/storage/index.js';
import { createDeviceHub, parseHubConfig, type TwinUpdater } from '../src/hub/index.js';

// A larger young generation halves the time spent in scavenges at device rates (measured: GC was
// about half of the hub's CPU with the default). The platform should start with the same flag.
if (!process.execArgv.some((a) => a.startsWith('--max-semi-space-size')) && !process.env['BENCH_NO_REEXEC']) {
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, ['--max-semi-space-size=64', ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const quick = args.includes('--quick');
const DEVICES = opt('devices', quick ? 200 : 1000);
const SECONDS = opt('seconds', quick ? 4 : 10);
const WARMUP_MS = quick ? 1500 : 3000;
const WINDOW = opt('window', 2);
const LOADERS = opt('loaders', 2);
const RATE = opt('rate', quick ? 5000 : 20_000);
const STORE = args.includes('--store') ? args[args.indexOf('--store') + 1] : 'duckdb';
const LOADER = fileURLToPath(new URL('./ingest-load.ts', import.meta.url));

interface LoadResult {
  acked: number;
  failed: number;
  offered?: number;
  skipped?: number;
  latencies: number[];
  cpuMs: number;
  sentAt: Record<string, number[]>;
}

interface Phase {
  rate: number;
  offered: number;
  failed: number;
  ack: number[];
  loaderCpuPct: number;
  /** CPU of this process (broker or hub) during the measured window, % of one core. */
  cpuPct: number;
  /** Send time by device and seq (from the loaders). */
  sentAt: Map<string, number[]>;
  measureFrom: number;
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function request<T>(child: ChildProcess, msg: unknown, key: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: Record<string, unknown>) => {
      if (m['error']) return reject(new Error(String(m['error'])));
      if (key in m) {
        child.off('message', onMessage);
        resolve(m as T);
      }
    };
    child.on('message', onMessage);
    child.send(msg as never);
  });
}

/** Connects the devices from `loaders` processes, runs one load phase, returns the merged results. */
async function drive(url: string, devices: Array<{ id: string; key?: string }>, mode: 'closed' | 'open', onMeasureStart?: () => void): Promise<Phase> {
  const children = Array.from({ length: LOADERS }, () => fork(LOADER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  try {
    await Promise.all(children.map((c, i) => request(c, { cmd: 'connect', url, devices: devices.filter((_, j) => j % LOADERS === i) }, 'connected')));
    let cpu0: NodeJS.CpuUsage | undefined;
    let t0 = 0;
    let measureFrom = Infinity;
    const timer = setTimeout(() => {
      cpu0 = process.cpuUsage();
      t0 = performance.now();
      measureFrom = Date.now();
      onMeasureStart?.();
    }, WARMUP_MS);
    const results = await Promise.all(
      children.map((c) => request<LoadResult>(c, { cmd: 'run', mode, warmupMs: WARMUP_MS, measureMs: SECONDS * 1000, window: WINDOW, ratePerDevice: RATE / devices.length }, 'done')),
    );
    clearTimeout(timer);
    const cpu = cpu0 ? process.cpuUsage(cpu0) : { user: NaN, system: NaN };
    const acked = results.reduce((n, r) => n + r.acked, 0);
    return {
      rate: acked / SECONDS,
      offered: results.reduce((n, r) => n + (r.offered ?? 0), 0) / SECONDS,
      failed: results.reduce((n, r) => n + r.failed + (r.skipped ?? 0), 0),
      ack: results.flatMap((r) => r.latencies).sort((a, b) => a - b),
      loaderCpuPct: (results.reduce((n, r) => n + r.cpuMs, 0) / (SECONDS * 1000)) * 100,
      cpuPct: ((cpu.user + cpu.system) / 1000 / (performance.now() - t0)) * 100,
      sentAt: new Map(results.flatMap((r) => Object.entries(r.sentAt))),
      measureFrom,
    };
  } finally {
    for (const c of children) c.send({ cmd: 'close' });
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
  }
}

async function rawBroker(): Promise<Phase> {
  const aedes = await Aedes.createBroker();
  const server = createServer(aedes.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const r = await drive(`mqtt://127.0.0.1:${port}`, Array.from({ length: DEVICES }, (_, i) => ({ id: `dev-${i}` })), 'closed');
  await new Promise<void>((res) => aedes.close(() => res()));
  await new Promise((res) => server.close(res));
  return r;
}

async function fullPath(): Promise<{ closed: Phase & { twin: number[] }; open: Phase & { twin: number[] }; rssPeakMb: number; commits: string; stored: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'twinworks-bench-'));
  const store = STORE === 'memory' ? createMemoryStorage() : createDuckDbStorage({ file: join(dir, 'bench.duckdb') });
  await store.open();
  // Diagnostic: BENCH_NULL_STORE=1 makes appends free, to see the pipeline without the store.
  if (process.env['BENCH_NULL_STORE']) (store as { appendPoints: (p: unknown) => Promise<void> }).appendPoints = async () => undefined;
  const logger = silentLogger();
  const bus = createInProcessBus({ logger });
  // The twin graph stand-in: applies patches in memory and emits twin.updated, as src/twins does.
  const twinState = new Map<string, number>();
  const bump = (twinId: string) => {
    const v = (twinState.get(twinId) ?? 0) + 1;
    twinState.set(twinId, v);
    return `W/"${v}"`;
  };
  const modelId = 'dtmi:twinworks:bench:Machine;1';
  const twins: TwinUpdater = {
    async patchTwin(twinId: string, patch: readonly JsonPatchOperation[], { sourceTime }) {
      await bus.publish('twin.updated', { twinId, modelId, patch, etag: bump(twinId), time: sourceTime }, { key: twinId });
    },
    // The batch form the sink prefers: one publishMany for all twins of a round.
    async patchTwins(updates) {
      await bus.publishMany(updates.map((u) => ({ name: 'twin.updated' as const, payload: { twinId: u.twinId, modelId, patch: u.patch, etag: bump(u.twinId), time: u.sourceTime }, key: u.twinId })));
      return updates.map(() => undefined);
    },
    async twinExists() {
      return true;
    },
  };
  const metrics = createMetrics();
  const hub = await createDeviceHub({
    store,
    bus,
    logger,
    metrics,
    hostName: 'bench.twinworks.test',
    twins,
    config: parseHubConfig({
      rateLimit: { ratePerSecond: 10_000, burst: 20_000 },
      commit: { concurrency: Number(process.env['BENCH_COMMIT_CONCURRENCY'] ?? 2) },
      bindings: [{ devices: '*', properties: [{ from: 'temperature', to: 'temperature' }, { from: 'pressure', to: 'pressure' }, { from: 'seq', to: 'seq' }, { from: 'sentAt', to: 'sentAt' }] }],
    }),
  });
  const devices: Array<{ id: string; key: string }> = [];
  for (let i = 0; i < DEVICES; i++) {
    const d = (await hub.registry.read(`dev-${i}`)) ?? (await hub.operations.createDevice({ deviceId: `dev-${i}` }));
    devices.push({ id: d.deviceId, key: d.authentication.symmetricKey!.primaryKey });
  }

  // publish → twin updated: every twin.updated (seq it covers, time) is recorded; after the phase
  // each message sent in the window is matched with the first update whose seq reaches it.
  let updates = new Map<string, Array<[number, number]>>();
  await bus.subscribe(
    'twin.updated',
    (e) => {
      const op = e.payload.patch.find((p) => p.path === '/seq') as { value?: number } | undefined;
      if (typeof op?.value !== 'number') return;
      let l = updates.get(e.payload.twinId);
      if (!l) updates.set(e.payload.twinId, (l = []));
      l.push([op.value, Date.now()]);
    },
    { concurrency: 64, maxAckPending: 100_000 },
  );
  const twinLatencies = (r: Phase): number[] => {
    const out: number[] = [];
    for (const [deviceId, sends] of r.sentAt) {
      const ups = (updates.get(deviceId) ?? []).sort((a, b) => a[0] - b[0]);
      let u = 0;
      for (let i = 0; i < sends.length; i++) {
        const sent = sends[i];
        if (sent === undefined || sent < r.measureFrom) continue;
        while (u < ups.length && ups[u]![0] < i + 1) u++;
        if (u < ups.length) out.push(ups[u]![1] - sent);
      }
    }
    return out.sort((a, b) => a - b);
  };

  const ports = await hub.listen({ host: '127.0.0.1', port: 0 });
  let rssPeak = 0;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 200);
  const url = `mqtt://127.0.0.1:${ports.port}`;
  const phase = async (mode: 'closed' | 'open') => {
    updates = new Map();
    const r = await drive(url, devices, mode);
    await hub.settled();
    await new Promise((res) => setTimeout(res, 500));
    return { ...r, twin: twinLatencies(r) };
  };
  const closed = await phase('closed');
  const open = await phase('open');
  clearInterval(sampler);
  const text = await metrics.text();
  const val = (name: string) => Number(text.split('\n').find((l) => l.startsWith(name))?.split(' ').pop() ?? NaN);
  const commits = `${val('twinworks_hub_commit_seconds_count')} group commits, avg ${((val('twinworks_hub_commit_seconds_sum') / val('twinworks_hub_commit_seconds_count')) * 1000).toFixed(0)} ms, avg ${(val('twinworks_hub_commit_batch_messages_sum') / val('twinworks_hub_commit_batch_messages_count')).toFixed(0)} messages`;
  const stored = (await store.readPoints({ series: 'devices/dev-0/seq', from: new Date(0), to: new Date(Date.now() + 60_000), limit: 1_000_000 })).length;
  await hub.close();
  await bus.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return { closed, open, rssPeakMb: rssPeak / 1e6, commits, stored };
}

const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 1 : 0) : 'n/a');
console.log(`devices ${DEVICES}, ${SECONDS} s measured after ${WARMUP_MS / 1000} s warm-up, ${LOADERS} load processes, store ${STORE}`);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load average before ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const line = (name: string, p: Phase & { twin?: number[] }) =>
  console.log(
    `${name.padEnd(34)} ${fmt(p.rate).padStart(6)} msg/s${p.offered ? ` (offered ${fmt(p.offered)})` : ''}  PUBACK p50 ${fmt(pct(p.ack, 50))} / p99 ${fmt(pct(p.ack, 99))} ms` +
      (p.twin ? `  publish→twin updated p50 ${fmt(pct(p.twin, 50))} / p99 ${fmt(pct(p.twin, 99))} ms` : '') +
      `  CPU ${fmt(p.cpuPct)}% (loaders ${fmt(p.loaderCpuPct)}%)${p.failed ? `  not acked ${p.failed}` : ''}`,
  );
const raw = only === 'full' ? undefined : await rawBroker();
if (raw) line(`raw aedes, closed loop (window ${WINDOW})`, raw);
const full = only === 'raw' ? undefined : await fullPath();
if (full) {
  line(`full path, closed loop (window ${WINDOW})`, full.closed);
  line(`full path, open loop ${RATE} msg/s`, full.open);
  console.log(`${''.padEnd(34)} hub RSS peak ${fmt(full.rssPeakMb)} MB; ${full.commits}; dev-0 stored ${full.stored} seq points`);
}
if (raw && full) console.log(`ratio full/raw (closed loop):      ${(full.closed.rate / raw.rate).toFixed(2)}`);
console.log(
  JSON.stringify({
    devices: DEVICES,
    seconds: SECONDS,
    window: WINDOW,
    rate: RATE,
    loadavg: loadavg(),
    raw: raw && { rate: raw.rate, p50: pct(raw.ack, 50), p99: pct(raw.ack, 99), cpuPct: raw.cpuPct },
    closed: full && { rate: full.closed.rate, ackP50: pct(full.closed.ack, 50), ackP99: pct(full.closed.ack, 99), twinP50: pct(full.closed.twin, 50), twinP99: pct(full.closed.twin, 99), cpuPct: full.closed.cpuPct },
    open: full && { offered: full.open.offered, rate: full.open.rate, ackP50: pct(full.open.ack, 50), ackP99: pct(full.open.ack, 99), twinP50: pct(full.open.twin, 50), twinP99: pct(full.open.twin, 99), cpuPct: full.open.cpuPct },
    rssPeakMb: full?.rssPeakMb,
  }),
);
