/**
 * Twin-graph benchmark (`npm run bench:twins`, or `npx tsx bench/twins.ts`): a generated plant of
 * ~1,000,000 twins and ~3,000,000 relationships written through the twin graph's own API (DTDL
 * validation, group commit) into a DuckDB file, then loaded again as at a restart, then measured:
 * memory per twin, get by id, IS_OF_MODEL + property filter with TOP(100), 1-hop JOIN, 3-hop MATCH,
 * COUNT() by model, GROUP BY, and patch throughput in-process and over HTTP (ADT PATCH route).
 *
 *   options: --twins N (default 1000000), --storage duckdb|memory (default duckdb), --samples N,
 *            --patches N, --in-flight N (concurrent in-process patch clients, default 4000),
 *            --http-patches N, --http-concurrency N, --no-restart (measure the graph as
 *            ingested instead of reloading it; needed for --storage memory at scale, whose scan is
 *            not made for millions), --keep (keep the DuckDB file), --file PATH (DuckDB file to use
 *            and keep; an existing one is reused without ingest), --out FILE (JSON results),
 *            --profile DIR (V8 CPU profiles of the two patch phases)
 * Latencies are wall-clock; each sample's process CPU time is reported too, because on a shared
 * machine the wall-clock tail is mostly time spent waiting for a core.
 *
 * Shape (the demo models of models/): 1 enterprise → 10 sites → 10 areas each → lines → 96 machines
 * per line (CNC, robot, conveyor, quality station in turn; CNCs and robots with a component);
 * 1,000 maintenance crews. Relationships: contains down the hierarchy, feeds from each machine to the
 * next of its line, servedBy from every machine to a crew (and a second crew for every 30th).
 * Re-runs itself with --expose-gc and a larger heap when started without them.
 */
import { fork, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PerformanceObserver } from 'node:perf_hooks';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

if (args[0] === '--http-client') {
  // The HTTP load generator runs in its own process (and so on the other core when it is free).
  process.once('message', (job: HttpJob) => void httpClient(job));
} else if (typeof (globalThis as { gc?: unknown }).gc !== 'function') {
  // Memory figures need a forced GC, and a million twins need more than the default heap.
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=12288', '--import', 'tsx', fileURLToPath(import.meta.url), ...args], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
} else {
  await main();
}

// ---------------------------------------------------------------------------------------------------

interface HttpJob {
  readonly url: string;
  readonly token: string;
  readonly ids: readonly string[];
  readonly count: number;
  readonly concurrency: number;
}

/** PATCH /digitaltwins/{id} with `concurrency` requests in flight over keep-alive connections. */
async function httpClient(job: HttpJob): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const target = new URL(job.url);
  let sent = 0;
  let ok = 0;
  let failed = 0;
  const latencies: number[] = [];
  const one = (id: string, value: number) =>
    new Promise<void>((resolve) => {
      const body = JSON.stringify([{ op: 'replace', path: '/speed', value }]);
      const t0 = performance.now();
      const req = http.request({
        agent, host: target.hostname, port: target.port, method: 'PATCH', path: `/digitaltwins/${encodeURIComponent(id)}?api-version=2023-10-31`,
        headers: { authorization: `Bearer ${job.token}`, 'content-type': 'application/json-patch+json', 'content-length': Buffer.byteLength(body) },
      }, (res) => {
        res.resume();
        res.on('end', () => {
          latencies.push(performance.now() - t0);
          if (res.statusCode === 204) ok++;
          else failed++;
          resolve();
        });
      });
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end(body);
    });
  const start = performance.now();
  const lane = async () => {
    while (sent < job.count) {
      const i = sent++;
      await one(job.ids[i % job.ids.length] as string, (i % 100) / 100);
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, lane));
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  process.send?.({ ok, failed, seconds, p50: pct(latencies, 50), p99: pct(latencies, 99) }, () => process.exit(0));
}

function pct(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

// ---------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { createTwinGraph, readModelFiles, defaultModelsDir } = await import('../src/twins/index.js');
  const { createAdtModule } = await import('../src/adt/index.js');
  const { createDuckDbStorage, createMemoryStorage } = await import('../src/storage/index.js');
  const { createApiServer } = await import('../src/api/index.js');
  const { createAuthService } = await import('../src/auth/index.js');
  const { createMetrics, silentLogger } = await import('../src/observability/index.js');
  type Graph = ReturnType<typeof createTwinGraph>;

  const TWINS = Number(opt('--twins') ?? 1_000_000);
  const STORAGE = opt('--storage') ?? 'duckdb';
  // --profile DIR: a V8 CPU profile of each patch phase (main thread), for `bench` readers to open in DevTools.
  const PROFILE_DIR = opt('--profile');
  const startProfile = async (name: string): Promise<() => Promise<void>> => {
    if (PROFILE_DIR === undefined) return async () => undefined;
    const { Session } = await import('node:inspector/promises');
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    return async () => {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(join(PROFILE_DIR, `${name}.cpuprofile`), JSON.stringify(profile));
      session.disconnect();
    };
  };
  const SAMPLES = Number(opt('--samples') ?? 1000);
  const PATCHES = Number(opt('--patches') ?? 200_000);
  const HTTP_PATCHES = Number(opt('--http-patches') ?? 50_000);
  const HTTP_CONCURRENCY = Number(opt('--http-concurrency') ?? 128);
  const IN_FLIGHT = Number(opt('--in-flight') ?? 4000);
  // Twice the largest commit batch (10,000 ops): one batch commits while the next one fills.
  const INGEST_IN_FLIGHT = 20_000;
  const RESTART = !args.includes('--no-restart');
  const gc = (globalThis as unknown as { gc: () => void }).gc;
  const P = 'dtmi:twinworks:plant:';
  const results: Record<string, unknown> = {
    date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, memoryGB: Math.round(totalmem() / 2 ** 30), loadavg: loadavg()[0], storage: STORAGE,
  };
  const log = (...xs: unknown[]) => console.log(...xs);

  // Deterministic pseudo-random numbers (mulberry32), so runs are comparable.
  let seed = 0x5eed;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;

  // ---- the plant ----------------------------------------------------------------------------------
  const SITES = 10;
  const AREAS = 10;
  const CREWS = 1000;
  const PER_LINE = 96;
  const fixed = 1 + SITES + SITES * AREAS + CREWS;
  const LINES = Math.max(1, Math.floor((TWINS - fixed) / (PER_LINE + 1)));
  const KINDS = [
    { model: 'Cnc', extra: () => ({ program: 'O1000', toolCount: 24, spindle: { $metadata: {}, maxRpm: 12000, toolNumber: 1 } }) },
    { model: 'Robot', extra: () => ({ axes: 6, payloadKg: 20, gripper: { $metadata: {}, kind: 'pneumatic' } }) },
    { model: 'Conveyor', extra: () => ({ lengthM: 6.5 }) },
    { model: 'QualityStation', extra: () => ({ inspectionMethod: 'vision', rejectThreshold: 0.02 }) },
  ];
  const STATES = machineStates(readModelFiles(defaultModelsDir()));
  const lineIds = Array.from({ length: LINES }, (_, l) => `L${l}`);
  const machineId = (l: number, k: number) => `L${l}-M${k}`;

  type TwinSpec = readonly [string, Record<string, unknown>];
  type RelSpec = readonly [string, string, Record<string, unknown>];
  function* twinSpecs(): Generator<TwinSpec> {
    yield ['E', { $metadata: { $model: `${P}Enterprise;1` }, name: 'Bench Manufacturing' }];
    for (let s = 0; s < SITES; s++) {
      yield [`S${s}`, { $metadata: { $model: `${P}Site;1` }, name: `Site ${s}`, timeZone: 'UTC' }];
      for (let a = 0; a < AREAS; a++) yield [`A${s}-${a}`, { $metadata: { $model: `${P}Area;1` }, name: `Area ${s}-${a}` }];
    }
    for (let c = 0; c < CREWS; c++) yield [`C${c}`, { $metadata: { $model: `${P}MaintenanceCrew;1` }, shift: pick(['early', 'late', 'night']), members: 2 + (c % 5) }];
    for (let l = 0; l < LINES; l++) {
      yield [`L${l}`, { $metadata: { $model: `${P}ProductionLine;1` }, name: `LINE-${l}`, lineNumber: l, targetOee: 0.85 }];
      for (let k = 0; k < PER_LINE; k++) {
        const kind = KINDS[k % 4]!;
        yield [machineId(l, k), {
          $metadata: { $model: `${P}${kind.model};1` }, position: k + 1, state: pick(STATES), speed: Math.round(random() * 100) / 100,
          idealCycleTime: 10 + (k % 7), serialNumber: `SN-${l}-${k}`, ...kind.extra(),
        }];
      }
    }
  }
  function* relSpecs(): Generator<RelSpec> {
    for (let s = 0; s < SITES; s++) {
      yield ['E', `c-S${s}`, { $relationshipName: 'contains', $targetId: `S${s}` }];
      for (let a = 0; a < AREAS; a++) yield [`S${s}`, `c-${a}`, { $relationshipName: 'contains', $targetId: `A${s}-${a}` }];
    }
    for (let l = 0; l < LINES; l++) {
      const area = l % (SITES * AREAS);
      yield [`A${Math.floor(area / AREAS)}-${area % AREAS}`, `c-L${l}`, { $relationshipName: 'contains', $targetId: `L${l}` }];
      for (let k = 0; k < PER_LINE; k++) {
        const m = machineId(l, k);
        yield [`L${l}`, `c-${k}`, { $relationshipName: 'contains', $targetId: m }];
        if (k + 1 < PER_LINE) yield [m, 'feeds', { $relationshipName: 'feeds', $targetId: machineId(l, k + 1), bufferCapacity: 4 + (k % 5) }];
        yield [m, 'crew', { $relationshipName: 'servedBy', $targetId: `C${(l * 7 + k) % CREWS}` }];
        if ((l * PER_LINE + k) % 30 === 0) yield [m, 'crew2', { $relationshipName: 'servedBy', $targetId: `C${(l * 11 + k + 1) % CREWS}` }];
      }
    }
  }

  /**
   * Calls `run` for every item by `width` concurrent clients, each waiting for its answer before its
   * next call (like HTTP clients). The clients start in four waves a turn of the event loop apart, so
   * that, as with independent clients, some writes arrive while a batch commits instead of all at once.
   */
  async function clients<T>(items: Iterable<T>, width: number, run: (x: T) => Promise<unknown>, progress?: (n: number) => void): Promise<number> {
    const it = items[Symbol.iterator]();
    let n = 0;
    const lane = async () => {
      for (let r = it.next(); !r.done; r = it.next()) {
        await run(r.value);
        if (++n % 1000 === 0) progress?.(n);
      }
    };
    const all: Promise<void>[] = [];
    for (let w = 0; w < 4; w++) {
      for (let k = 0; k < width / 4; k++) all.push(lane());
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(all);
    return n;
  }

  // ---- ingest through the graph's API -------------------------------------------------------------
  // --file PATH: a DuckDB file kept between runs; when it exists, its plant is reused (no ingest).
  const given = opt('--file');
  const reuse = STORAGE === 'duckdb' && given !== undefined && existsSync(given);
  const dir = given === undefined ? mkdtempSync(join(tmpdir(), 'tw-bench-twins-')) : dirname(given);
  const file = given ?? join(dir, 'bench.duckdb');
  const openStore = async () => {
    const s = STORAGE === 'memory' ? memoryStore : createDuckDbStorage({ file });
    await s.open();
    return s;
  };
  const memoryStore = createMemoryStorage();
  let store = await openStore();
  let graph: Graph = createTwinGraph({ store });
  await graph.load();
  if (!reuse) await graph.createModels(readModelFiles(defaultModelsDir()));
  log(`plant: ${LINES} lines × ${PER_LINE} machines; storage ${STORAGE} (${STORAGE === 'duckdb' ? file : 'in memory'}${reuse ? ', reused' : ''})`);
  let t0 = performance.now();
  let last = t0;
  const tick = (what: string) => (n: number) => {
    if (performance.now() - last > 10_000) {
      last = performance.now();
      log(`  … ${what} ${n.toLocaleString('en')} (${Math.round(n / ((last - t0) / 1000)).toLocaleString('en')}/s)`);
    }
  };
  if (!reuse) await ingest();
  async function ingest(): Promise<void> {
    const twinCount = await clients(twinSpecs(), INGEST_IN_FLIGHT, ([id, body]) => graph.upsertTwin(id, body), tick('twins'));
    const twinSeconds = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const relCount = await clients(relSpecs(), INGEST_IN_FLIGHT, ([s, id, body]) => graph.upsertRelationship(s, id, body), tick('relationships'));
    const relSeconds = (performance.now() - t0) / 1000;
    results['ingest'] = { twins: twinCount, twinsPerSecond: Math.round(twinCount / twinSeconds), relationships: relCount, relationshipsPerSecond: Math.round(relCount / relSeconds), seconds: Math.round(twinSeconds + relSeconds) };
    log('ingest', results['ingest']);
  }

  // ---- restart: load from storage -------------------------------------------------------------------
  await graph.drain();
  if (RESTART) {
    if (STORAGE === 'duckdb') await store.close();
    graph = undefined as unknown as Graph;
    gc();
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const rssBefore = process.memoryUsage().rss;
    store = STORAGE === 'duckdb' ? await openStore() : memoryStore;
    t0 = performance.now();
    graph = createTwinGraph({ store });
    const counts = await graph.load();
    const loadSeconds = (performance.now() - t0) / 1000;
    gc();
    gc();
    const mem = process.memoryUsage();
    results['load'] = { ...counts, seconds: Math.round(loadSeconds * 10) / 10 };
    results['memory'] = {
      heapUsedMB: Math.round(mem.heapUsed / 2 ** 20), rssMB: Math.round(mem.rss / 2 ** 20), graphHeapMB: Math.round((mem.heapUsed - heapBefore) / 2 ** 20),
      bytesPerTwinHeap: Math.round((mem.heapUsed - heapBefore) / counts.twins), bytesPerTwinRssGrowth: Math.round((mem.rss - rssBefore) / counts.twins),
      note: STORAGE === 'memory' ? 'memory storage keeps a JSON copy of every document in the heap as well' : 'heap = the graph; RSS also holds DuckDB buffers',
    };
    log('load', results['load']);
    log('memory', results['memory']);
  }

  // ---- queries ---------------------------------------------------------------------------------------
  const machineIds = (): string => machineId(Math.floor(random() * LINES), Math.floor(random() * PER_LINE));
  const timings: Record<string, { p50: number; p99: number; cpuP50: number; cpuP99: number; samples: number; rows?: number; gc?: GcHits }> = {};
  // Garbage-collection pauses on the main thread, to tell them apart from waiting for a core.
  const gcPauses: Array<{ start: number; end: number }> = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcPauses.push({ start: e.startTime, end: e.startTime + e.duration });
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const settle = () => new Promise((r) => setTimeout(r, 100));
  const measure = async (name: string, samples: number, run: () => number | void) => {
    for (let i = 0; i < Math.min(50, samples); i++) run(); // warm-up (and on-demand property indexes)
    await settle();
    gcPauses.length = 0;
    const xs: number[] = [];
    const cpu: number[] = [];
    const spans: Array<{ start: number; end: number }> = [];
    let rows = 0;
    for (let i = 0; i < samples; i++) {
      const c = process.cpuUsage();
      const t = performance.now();
      rows += run() ?? 0;
      const end = performance.now();
      xs.push(end - t);
      spans.push({ start: t, end });
      const d = process.cpuUsage(c);
      cpu.push((d.user + d.system) / 1000);
    }
    await settle(); // GC entries reach the observer a few event-loop turns later
    const gc = gcHits(spans, gcPauses, xs);
    timings[name] = { p50: round(pct(xs, 50)), p99: round(pct(xs, 99)), cpuP50: round(pct(cpu, 50)), cpuP99: round(pct(cpu, 99)), samples, rows: Math.round(rows / samples), gc };
    const m = timings[name]!;
    log(`  ${name}: p50 ${m.p50} ms, p99 ${m.p99} ms; CPU p50 ${m.cpuP50} ms, p99 ${m.cpuP99} ms (${m.rows} rows/query); GC pauses in ${gc.samplesHit} samples (longest ${gc.longestMs} ms), p99 without them ${gc.p99WithoutMs} ms`);
  };
  const rowsOf = (q: string) => graph.query(q).value.length;
  await measure('get by id', SAMPLES * 10, () => void graph.getTwin(machineIds()));
  await measure('get by id (query)', SAMPLES, () => rowsOf(`SELECT * FROM DIGITALTWINS WHERE $dtId = '${machineIds()}'`));
  await measure('IS_OF_MODEL + property TOP(100)', SAMPLES, () => rowsOf(`SELECT TOP(100) T FROM DIGITALTWINS T WHERE IS_OF_MODEL('${P}${pick(KINDS).model};1') AND T.state = '${pick(STATES)}'`));
  await measure('1-hop JOIN from $dtId', SAMPLES, () => rowsOf(`SELECT M FROM DIGITALTWINS L JOIN M RELATED L.contains WHERE L.$dtId = '${pick(lineIds)}'`));
  await measure('3-hop MATCH from $dtId', SAMPLES, () =>
    rowsOf(`SELECT m, c FROM DIGITALTWINS MATCH (l)-[:contains]->(m)-[:feeds]->(n)-[:servedBy]->(c) WHERE l.$dtId = '${pick(lineIds)}'`));
  await measure('COUNT() by model', SAMPLES, () => rowsOf(`SELECT COUNT() FROM DIGITALTWINS WHERE IS_OF_MODEL('${P}Machine;1')`));
  await measure('GROUP BY (one line)', SAMPLES, () =>
    rowsOf(`SELECT M.state AS state, COUNT() AS n, AVG(M.speed) AS speed FROM DIGITALTWINS L JOIN M RELATED L.contains WHERE L.$dtId = '${pick(lineIds)}' GROUP BY M.state`));
  await measure('GROUP BY (all CNCs)', Math.max(5, Math.floor(SAMPLES / 100)), () =>
    rowsOf(`SELECT T.state AS state, COUNT() AS n FROM DIGITALTWINS T WHERE IS_OF_MODEL('${P}Cnc;1') GROUP BY T.state`));
  gcObserver.disconnect();
  results['queries'] = timings;

  // ---- patches in-process ------------------------------------------------------------------------------
  const patchIds = Array.from({ length: 100_000 }, machineIds);
  const stopProfile = await startProfile('patches-in-process');
  let cpu0 = process.cpuUsage();
  t0 = performance.now();
  const before = { ...graph.writeStats };
  await clients(range(PATCHES), IN_FLIGHT, (i) => graph.patchTwin(patchIds[i % patchIds.length] as string, [{ op: 'replace', path: '/speed', value: (i % 100) / 100 }]));
  const inProcess = PATCHES / ((performance.now() - t0) / 1000);
  await stopProfile();
  const batches = graph.writeStats.batches - before.batches;
  const cpuSeconds = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1e6;
  results['patchesInProcess'] = { patches: PATCHES, inFlight: IN_FLIGHT, perSecond: Math.round(inProcess), perCpuSecond: Math.round(PATCHES / cpuSeconds(process.cpuUsage(cpu0))), meanBatch: Math.round(PATCHES / batches) };
  log('patches in-process', results['patchesInProcess']);

  if (!RESTART && HTTP_PATCHES === 0) {
    // The graph's share of the heap: what a GC frees when the graph (and nothing else) is dropped.
    gc();
    gc();
    const withGraph = process.memoryUsage();
    const twins = graph.index.twinCount();
    graph = undefined as unknown as Graph;
    // Collected only after a turn of the event loop: until then a register of this async frame may
    // still point at the old graph. (After the HTTP phase something in the closed server keeps it,
    // which is why this runs only without that phase.)
    await new Promise((r) => setTimeout(r, 20));
    gc();
    gc();
    const without = process.memoryUsage().heapUsed;
    results['memory'] = {
      heapUsedMB: Math.round(withGraph.heapUsed / 2 ** 20), rssMB: Math.round(withGraph.rss / 2 ** 20), graphHeapMB: Math.round((withGraph.heapUsed - without) / 2 ** 20),
      bytesPerTwinHeap: Math.round((withGraph.heapUsed - without) / twins), note: 'heap freed by dropping the graph (the storage adapter stays)',
    };
    log('memory', results['memory']);
  }

  // ---- patches over HTTP -------------------------------------------------------------------------------
  if (HTTP_PATCHES > 0) {
    const auth = await createAuthService(store);
    await auth.ensureFirstAdmin('bench-password-123');
    const token = (await auth.login('admin', 'bench-password-123')).access_token;
    const api = await createApiServer({ logger: silentLogger(), metrics: createMetrics(), auth, readinessChecks: [] }, { modules: [createAdtModule(graph)] });
    const { httpPort } = await api.listen({ host: '127.0.0.1', httpPort: 0 });
    const child = fork(fileURLToPath(import.meta.url), ['--http-client'], { execArgv: ['--import', 'tsx'] });
    const stopHttpProfile = await startProfile('patches-http');
    cpu0 = process.cpuUsage();
    child.send({ url: `http://127.0.0.1:${httpPort}`, token, ids: patchIds.slice(0, 20_000), count: HTTP_PATCHES, concurrency: HTTP_CONCURRENCY } satisfies HttpJob);
    const r = await new Promise<{ ok: number; failed: number; seconds: number; p50: number; p99: number }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { ok: number; failed: number; seconds: number; p50: number; p99: number }));
      child.once('error', reject);
    });
    await stopHttpProfile();
    child.kill();
    await api.close();
    const serverCpu = cpuSeconds(process.cpuUsage(cpu0));
    results['patchesHttp'] = { patches: r.ok, failed: r.failed, perSecond: Math.round(r.ok / r.seconds), perServerCpuSecond: Math.round(r.ok / serverCpu), latencyP50: round(r.p50), latencyP99: round(r.p99), concurrency: HTTP_CONCURRENCY };
    log('patches over HTTP', results['patchesHttp']);
  }

  await graph?.drain();
  if (STORAGE === 'duckdb') await store.close();
  if (!args.includes('--keep') && given === undefined) rmSync(dir, { recursive: true, force: true });
  const out = opt('--out');
  if (out) writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  log(JSON.stringify(results));
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * The machine state enum as the models declare it (read, not hard-coded, so the bench follows model
 * changes), weighted so most machines run: the 'running' value (any case) five times, the others once.
 */
function machineStates(models: readonly Record<string, unknown>[]): string[] {
  const machine = models.find((m) => m['@id'] === 'dtmi:twinworks:plant:Machine;1');
  const schemas = (machine?.['schemas'] ?? []) as Array<{ '@id'?: string; enumValues?: Array<{ enumValue: unknown }> }>;
  const contents = (machine?.['contents'] ?? []) as Array<{ name?: string; schema?: unknown }>;
  const schemaId = contents.find((c) => c.name === 'state')?.schema;
  const values = (schemas.find((s) => s['@id'] === schemaId)?.enumValues ?? []).map((e) => e.enumValue).filter((v): v is string => typeof v === 'string');
  if (values.length === 0) throw new Error('bench: the Machine model declares no state enum');
  const running = values.find((v) => v.toLowerCase() === 'running') ?? values[0]!;
  return [...values, running, running, running, running];
}

function* range(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

interface GcHits {
  /** Samples during which a GC pause started or ended. */
  readonly samplesHit: number;
  readonly longestMs: number;
  /** Wall-clock p99 of the samples no GC pause touched. */
  readonly p99WithoutMs: number;
}

function gcHits(spans: ReadonlyArray<{ start: number; end: number }>, pauses: ReadonlyArray<{ start: number; end: number }>, wall: readonly number[]): GcHits {
  const hit = new Uint8Array(spans.length);
  let longest = 0;
  let j = 0;
  const sorted = [...pauses].sort((a, b) => a.start - b.start);
  for (const p of sorted) {
    longest = Math.max(longest, p.end - p.start);
    while (j < spans.length && spans[j]!.end < p.start) j++;
    for (let k = j; k < spans.length && spans[k]!.start <= p.end; k++) hit[k] = 1;
  }
  const clean = wall.filter((_, i) => hit[i] === 0);
  return { samplesHit: hit.reduce((a, b) => a + b, 0), longestMs: round(longest), p99WithoutMs: round(pct(clean, 99)) };
}
