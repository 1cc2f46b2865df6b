/**
 * Device ingest benchmark: N simulated devices (default 1000) publish JSON telemetry at QoS 1
 * through the full path (embedded broker → routing → group commit to the DuckDB store → PUBACK →
 * twin update via a binding → `twin.updated` event), and, in the same run, the same load into a bare
 * aedes broker (default options, nothing behind it).
 *
 *   nice -n 10 node --import tsx bench/ingest.ts [--devices 1000] [--seconds 10] [--window 2] [--rate 20000]
 *        [--loaders 1] [--store duckdb|memory] [--wal on|off] [--only raw|full] [--phases closed,open] [--quick] [--profile DIR]
 *
 * `--wal` (default off, as the platform): the hub acknowledges after its write-ahead log's
 * fsync (in the bench's temporary dir) and applies to the store in the background; off: after the
 * store's commit.
 * Load (src/hub/testing/mqtt-load.ts, in `loaders` child processes, raw sockets and pre-encoded
 * packets so the load costs little next to the broker). Closed loop: each device keeps `window`
 * QoS 1 messages in flight and sends the next on each ack, so the rate is what the hub sustains.
 * Open loop: a fixed offered `rate` in total, whatever the acks (the latency at that rate).
 *
 * Reported per phase: messages/s acknowledged in the measured window (after a warm-up); PUBACK
 * latency p50/p99; publish → twin updated p50/p99 (device send time in the body → the
 * `twin.updated` event whose patch covers that message); CPU of the hub process (% of one core and
 * CPU-ms per 1000 messages, which depends far less on the machine's load than msg/s) and of the
 * load generators; the hub's peak RSS and JS heap. `--profile DIR` writes a V8 CPU profile of
 * each phase's measured window.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createServer, type AddressInfo } from 'node:net';
import { cpus, tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Aedes } from 'aedes';
import { createInProcessBus, type JsonPatchOperation } from '../src/bus/index.js';
import { createMetrics, silentLogger } from '../src/observability/index.js';
import { createDuckDbStorage, createMemoryStorage } from '../src/storage/index.js';
import { createDeviceHub, parseHubConfig, type TwinUpdater } from '../src/hub/index.js';

// A larger young generation halves the time spent in scavenges at device rates (GC was about half
// of the hub's CPU with the default). The platform should start with the same flag.
if (!process.execArgv.some((a) => a.startsWith('--max-semi-space-size')) && !process.env['BENCH_NO_REEXEC']) {
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, ['--max-semi-space-size=64', ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const args = process.argv.slice(2);
const flag = (name: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : undefined);
const opt = (name: string, dflt: number) => Number(flag(name) ?? dflt);
const quick = args.includes('--quick');
const DEVICES = opt('devices', quick ? 200 : 1000);
const SECONDS = opt('seconds', quick ? 4 : 10);
const WARMUP_MS = quick ? 1500 : 3000;
const WINDOW = opt('window', 2);
const LOADERS = opt('loaders', 1);
const RATE = opt('rate', quick ? 5000 : 20_000);
const STORE = flag('store') ?? 'duckdb';
const WAL = (flag('wal') ?? 'off') === 'on';
const ONLY = flag('only');
const PROFILE = flag('profile');
/** Full-path phases to run: `closed`, `open` or both (comparing versions at a fixed offered rate: `--phases open --rate 3000`). */
const PHASES = (flag('phases') ?? 'closed,open').split(',');
const LOADER = fileURLToPath(new URL('../src/hub/testing/mqtt-load.ts', import.meta.url));

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
  acked: number;
  offered: number;
  failed: number;
  ack: number[];
  twin?: number[];
  loaderCpuMs: number;
  /** CPU of this process (broker or hub, all threads) during the measured window. */
  cpuMs: number;
  /** Of which its main (JavaScript) thread. */
  mainCpuMs: number;
  rssPeakMb: number;
  heapPeakMb: number;
  /** Event-loop delay of this process in the window (ms): p99 and max; a synchronous stall (a DuckDB commit that checkpoints inside the appender's flushSync) shows here. */
  loopP99Ms: number;
  loopMaxMs: number;
  /** Send time by device and seq (from the loaders). */
  sentAt: Map<string, number[]>;
  measureFrom: number;
}

/** CPU ms of this process's main thread (Linux /proc; NaN elsewhere): the thread that bounds the rate. */
function mainThreadCpuMs(): number {
  try {
    const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
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
async function drive(name: string, url: string, devices: Array<{ id: string; key?: string }>, mode: 'closed' | 'open'): Promise<Phase> {
  const children = Array.from({ length: LOADERS }, () => fork(LOADER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  try {
    await Promise.all(children.map((c, i) => request(c, { cmd: 'connect', url, devices: devices.filter((_, j) => j % LOADERS === i) }, 'connected')));
    let cpu0: NodeJS.CpuUsage | undefined;
    let cpu: NodeJS.CpuUsage | undefined;
    let main0 = NaN;
    let mainCpu = NaN;
    let measureFrom = Infinity;
    let rssPeak = 0;
    let heapPeak = 0;
    let sampler: NodeJS.Timeout | undefined;
    let session: Session | undefined;
    const loop = monitorEventLoopDelay({ resolution: 10 });
    const started = setTimeout(() => {
      loop.enable();
      cpu0 = process.cpuUsage();
      main0 = mainThreadCpuMs();
      measureFrom = Date.now();
      sampler = setInterval(() => {
        const m = process.memoryUsage();
        rssPeak = Math.max(rssPeak, m.rss);
        heapPeak = Math.max(heapPeak, m.heapUsed);
      }, 100);
      if (PROFILE) {
        session = new Session();
        session.connect();
        // BENCH_HEAP=1: sample allocations (kept even when collected) instead of CPU time.
        if (process.env['BENCH_HEAP']) void session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
        else void session.post('Profiler.enable').then(() => session!.post('Profiler.start'));
      }
    }, WARMUP_MS);
    const ended = setTimeout(() => {
      cpu = process.cpuUsage(cpu0);
      mainCpu = mainThreadCpuMs() - main0;
      loop.disable();
      clearInterval(sampler);
      if (session) {
        const s = session;
        const heap = Boolean(process.env['BENCH_HEAP']);
        void (heap ? s.post('HeapProfiler.stopSampling') : s.post('Profiler.stop')).then(({ profile }) => {
          mkdirSync(PROFILE!, { recursive: true });
          writeFileSync(join(PROFILE!, `${name}.${heap ? 'heapprofile' : 'cpuprofile'}`), JSON.stringify(profile));
          s.disconnect();
        });
      }
    }, WARMUP_MS + SECONDS * 1000);
    const results = await Promise.all(
      children.map((c) => request<LoadResult>(c, { cmd: 'run', mode, warmupMs: WARMUP_MS, measureMs: SECONDS * 1000, window: WINDOW, ratePerDevice: RATE / devices.length }, 'done')),
    );
    clearTimeout(started);
    clearTimeout(ended);
    const acked = results.reduce((n, r) => n + r.acked, 0);
    return {
      rate: acked / SECONDS,
      acked,
      offered: results.reduce((n, r) => n + (r.offered ?? 0), 0) / SECONDS,
      failed: results.reduce((n, r) => n + r.failed + (r.skipped ?? 0), 0),
      ack: results.flatMap((r) => r.latencies).sort((a, b) => a - b),
      loaderCpuMs: results.reduce((n, r) => n + r.cpuMs, 0),
      cpuMs: cpu ? (cpu.user + cpu.system) / 1000 : NaN,
      mainCpuMs: mainCpu,
      rssPeakMb: rssPeak / 1e6,
      heapPeakMb: heapPeak / 1e6,
      loopP99Ms: loop.percentile(99) / 1e6,
      loopMaxMs: loop.max / 1e6,
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
  const r = await drive('raw', `mqtt://127.0.0.1:${port}`, Array.from({ length: DEVICES }, (_, i) => ({ id: `dev-${i}` })), 'closed');
  await new Promise<void>((res) => aedes.close(() => res()));
  await new Promise((res) => server.close(res));
  return r;
}

async function fullPath(): Promise<{ closed: Phase | undefined; open: Phase | undefined; commits: string; stored: number }> {
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
    ...(WAL ? { walDir: join(dir, 'wal') } : {}),
    config: parseHubConfig({
      rateLimit: { ratePerSecond: 10_000, burst: 20_000 },
      // Diagnostics: BENCH_COMMIT_CONCURRENCY / BENCH_COMMIT_INTERVAL override the commit settings.
      commit: {
        ...(process.env['BENCH_COMMIT_CONCURRENCY'] ? { concurrency: Number(process.env['BENCH_COMMIT_CONCURRENCY']) } : {}),
        ...(process.env['BENCH_COMMIT_INTERVAL'] ? { minIntervalMs: Number(process.env['BENCH_COMMIT_INTERVAL']) } : {}),
      },
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
  const url = `mqtt://127.0.0.1:${ports.port}`;
  const phase = async (name: string, mode: 'closed' | 'open') => {
    updates = new Map();
    const r = await drive(name, url, devices, mode);
    await hub.settled();
    await new Promise((res) => setTimeout(res, 500));
    return { ...r, twin: twinLatencies(r) };
  };
  const closed = PHASES.includes('closed') ? await phase('full-closed', 'closed') : undefined;
  const open = PHASES.includes('open') ? await phase('full-open', 'open') : undefined;
  const text = await metrics.text();
  const val = (name: string) => Number(text.split('\n').find((l) => l.startsWith(name))?.split(' ').pop() ?? NaN);
  const avgMs = (name: string) => ((val(`${name}_sum`) / val(`${name}_count`)) * 1000).toFixed(1);
  const commits =
    `${val('twinworks_hub_commit_seconds_count')} group commits, avg ${avgMs('twinworks_hub_commit_seconds')} ms, avg ${(val('twinworks_hub_commit_batch_messages_sum') / val('twinworks_hub_commit_batch_messages_count')).toFixed(0)} messages` +
    (WAL ? `; WAL ${val('twinworks_hub_wal_write_seconds_count')} writes avg ${avgMs('twinworks_hub_wal_write_seconds')} ms, ${val('twinworks_hub_wal_apply_seconds_count')} applies avg ${avgMs('twinworks_hub_wal_apply_seconds')} ms` : '');
  const stored = (await store.readPoints({ series: 'devices/dev-0/seq', from: new Date(0), to: new Date(Date.now() + 60_000), limit: 1_000_000 })).length;
  await hub.close();
  await bus.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return { closed, open, commits, stored };
}

const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 1 : 0) : 'n/a');
const perK = (cpuMs: number, acked: number) => (acked > 0 ? (cpuMs / acked) * 1000 : NaN);
console.log(`devices ${DEVICES}, ${SECONDS} s measured after ${WARMUP_MS / 1000} s warm-up, ${LOADERS} load process(es), store ${STORE}, WAL ${WAL ? 'on' : 'off'}, node ${process.version} ${process.execArgv.filter((a) => a.startsWith('--max')).join(' ')}`);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${new Date().toISOString()}, load average before ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
const line = (name: string, p: Phase) => {
  console.log(
    `${name.padEnd(30)} ${fmt(p.rate).padStart(6)} msg/s${p.offered ? ` (offered ${fmt(p.offered)})` : ''}${p.failed ? `, not acked ${p.failed}` : ''}  PUBACK p50 ${fmt(pct(p.ack, 50))} / p99 ${fmt(pct(p.ack, 99))} ms` +
      (p.twin ? `  publish→twin updated p50 ${fmt(pct(p.twin, 50))} / p99 ${fmt(pct(p.twin, 99))} ms` : ''),
  );
  console.log(
    `${''.padEnd(30)} CPU ${fmt((p.cpuMs / SECONDS / 1000) * 100)}% of a core = ${fmt(perK(p.cpuMs, p.acked))} CPU-ms per 1000 msgs, main thread ${fmt(perK(p.mainCpuMs, p.acked))} (load generator ${fmt(perK(p.loaderCpuMs, p.acked))}); RSS peak ${fmt(p.rssPeakMb)} MB, heap peak ${fmt(p.heapPeakMb)} MB; event-loop delay p99 ${fmt(p.loopP99Ms)} / max ${fmt(p.loopMaxMs)} ms`,
  );
};
const raw = ONLY === 'full' ? undefined : await rawBroker();
if (raw) line(`raw aedes, closed (window ${WINDOW})`, raw);
const full = ONLY === 'raw' ? undefined : await fullPath();
if (full) {
  if (full.closed) line(`full path, closed (window ${WINDOW})`, full.closed);
  if (full.open) line(`full path, open ${RATE} msg/s`, full.open);
  console.log(`${''.padEnd(30)} ${full.commits}; dev-0 stored ${full.stored} seq points`);
}
if (raw && full?.closed) console.log(`ratio full/raw (closed loop): ${(full.closed.rate / raw.rate).toFixed(2)} by msg/s, ${(perK(raw.cpuMs, raw.acked) / perK(full.closed.cpuMs, full.closed.acked)).toFixed(2)} by CPU per message`);
console.log(`load average after ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
const summary = (p: Phase | undefined) =>
  p && { rate: p.rate, offered: p.offered, ackP50: pct(p.ack, 50), ackP99: pct(p.ack, 99), twinP50: p.twin && pct(p.twin, 50), twinP99: p.twin && pct(p.twin, 99), cpuMsPer1000: perK(p.cpuMs, p.acked), mainCpuMsPer1000: perK(p.mainCpuMs, p.acked), loaderCpuMsPer1000: perK(p.loaderCpuMs, p.acked), rssPeakMb: p.rssPeakMb, heapPeakMb: p.heapPeakMb, loopP99Ms: p.loopP99Ms, loopMaxMs: p.loopMaxMs };
console.log(JSON.stringify({ wal: WAL, devices: DEVICES, seconds: SECONDS, window: WINDOW, rate: RATE, loadavg: loadavg(), raw: summary(raw), closed: summary(full?.closed), open: summary(full?.open) }));
