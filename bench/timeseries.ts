/**
 * History benchmark (npm run bench:timeseries → `nice -n 10 node --import tsx bench/timeseries.ts`):
 *
 * 1. Ingest into each store through the port (appendPoints, 50 000-point batches) and through the
 *    history writer (telemetry events of 10 values), next to the raw engine bulk-loading the same
 *    number of rows with one INSERT … SELECT (DuckDB) or one unnest INSERT (PostgreSQL).
 * 2. A 1-minute-bucket average over 100 million points (100 series at 10 Hz for 27.8 hours) in
 *    DuckDB: the port (aggregatePoints), the full query engine (HistoryQueries.aggregate), and the
 *    raw engine running the equivalent plain SQL (time_bucket … GROUP BY) and reading all rows.
 *    Best of three runs each, after one warm-up.
 *
 * Flags: --quick (1/10 of every size), --points N (aggregation size), --only ingest|aggregate, --json. PostgreSQL runs when
 * TWINWORKS_BENCH_POSTGRES_URL or TWINWORKS_TEST_POSTGRES_URL is set (ingest only: 100 M rows in
 * a plain PostgreSQL table is not a test of Twinworks).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DuckDBInstance } from '@duckdb/node-api';
import { createDuckDbStorage, createPostgresStorage, type StorageAdapter, type TimePoint } from '../src/storage/index.js';
import { HistoryQueries, HistoryWriter, SeriesCatalogue } from '../src/timeseries/index.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : undefined;
};
const scale = quick ? 0.1 : 1;
const INGEST = Math.round(5_000_000 * scale);
const WRITER_EVENTS = Math.round(200_000 * scale);
const AGG_POINTS = flag('--points') ?? Math.round(100_000_000 * scale);
const ONLY = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const SERIES = 100;
const HZ = 10;
const T0 = Date.UTC(2024, 0, 1);

interface Row {
  readonly store: string;
  readonly case: string;
  readonly n: number;
  readonly seconds: number;
  readonly perSecond: number;
}
const rows: Row[] = [];
function record(store: string, name: string, n: number, seconds: number): Row {
  const r = { store, case: name, n, seconds: Number(seconds.toFixed(3)), perSecond: Math.round(n / seconds) };
  rows.push(r);
  console.log(`${store.padEnd(9)} ${name.padEnd(70)} ${String(r.perSecond).padStart(11)}/s  (${n} in ${r.seconds}s)`);
  return r;
}
async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}
async function best(fn: () => Promise<unknown>, runs = 3): Promise<number> {
  await fn(); // warm-up
  let b = Infinity;
  for (let i = 0; i < runs; i++) b = Math.min(b, await time(fn));
  return b;
}

function batch(start: number, count: number): TimePoint[] {
  return Array.from({ length: count }, (_, k) => {
    const i = start + k;
    const time = new Date(T0 + Math.floor(i / SERIES) * (1000 / HZ));
    return { series: `m${i % SERIES}/temperature`, time, arrival: time, value: 20 + (i % 1000) / 10 };
  });
}

async function ingest(name: string, store: StorageAdapter, raw: (n: number) => Promise<number>): Promise<void> {
  await store.open();
  const size = 50_000;
  const batches = Array.from({ length: INGEST / size }, (_, b) => batch(b * size, size));
  const s = await time(async () => {
    for (const b of batches) await store.appendPoints(b);
  });
  const port = record(name, 'ingest: appendPoints, 50k batches', INGEST, s);
  const catalogue = new SeriesCatalogue(store);
  const writer = new HistoryWriter({ store, catalogue, maxBatchPoints: 50_000, maxDelayMs: 50 });
  const events = Array.from({ length: WRITER_EVENTS }, (_, i) => {
    const t = new Date(T0 + 86_400_000 + i * 100).toISOString();
    const values: Record<string, number> = {};
    for (let k = 0; k < 10; k++) values[`signal${k}`] = i + k;
    return { deviceId: `d${i % 50}`, twinId: `m${i % 50}`, sourceTime: t, arrivalTime: t, values, properties: {} };
  });
  const w = await time(async () => {
    const pending: Array<Promise<void>> = [];
    for (const e of events) {
      pending.push(writer.telemetry(e));
      if (pending.length >= 20_000) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
  });
  record(name, 'ingest: history writer, events of 10 values', WRITER_EVENTS * 10, w);
  await store.close();
  const r = await raw(INGEST);
  const rawRow = record(name, 'ingest: raw engine bulk load (same row count)', INGEST, r);
  console.log(`${name.padEnd(9)} ingest ratio raw/port: ${(rawRow.perSecond / port.perSecond).toFixed(2)}×`);
}

async function duckRaw(file: string, sql: string): Promise<number> {
  const db = await DuckDBInstance.create(file, { threads: String(cpus().length) });
  const c = await db.connect();
  const s = await time(() => c.run(sql));
  c.closeSync();
  db.closeSync();
  return s;
}

// DuckDB: rows generated inside the engine, the same shape as batch().
const genSql = (n: number, offsetMs: number) =>
  `INSERT INTO points SELECT 'm' || (i % ${SERIES}) || '/temperature', make_timestamptz(${(T0 + offsetMs) * 1000}::BIGINT + (i // ${SERIES}) * ${1_000_000 / HZ}), make_timestamptz(${(T0 + offsetMs) * 1000}::BIGINT + (i // ${SERIES}) * ${1_000_000 / HZ}), 20 + (i % 1000) / 10 FROM range(${n}) t(i)`;

async function aggregation(dir: string): Promise<void> {
  const file = join(dir, 'agg.duckdb');
  const setup = createDuckDbStorage({ file });
  await setup.open();
  await setup.close();
  const load = await duckRaw(file, genSql(AGG_POINTS, 0));
  record('duckdb', `aggregation setup: bulk load ${AGG_POINTS} points`, AGG_POINTS, load);
  console.log(`duckdb    file size ${(statSync(file).size / 1e9).toFixed(2)} GB`);
  const hours = AGG_POINTS / SERIES / HZ / 3600;
  const from = new Date(T0);
  const to = new Date(T0 + Math.ceil(hours * 3600) * 1000);
  const names = Array.from({ length: SERIES }, (_, i) => `m${i}/temperature`);

  const db = await DuckDBInstance.create(file, { threads: String(cpus().length) });
  const c = await db.connect();
  const list = names.map((n) => `'${n}'`).join(', ');
  const where = `WHERE series IN (${list}) AND time >= '${from.toISOString()}' AND time < '${to.toISOString()}'`;
  // Three ways to write the query by hand; the fastest is the baseline (time_bucket on TIMESTAMPTZ
  // goes through ICU time zones and is much the slowest).
  const variants: Array<[string, string]> = [
    ['time_bucket on timestamptz', `SELECT series, time_bucket(INTERVAL 1 minute, time) AS b, avg(value) FROM points ${where} GROUP BY ALL ORDER BY 1, 2`],
    ['time_bucket on timestamp', `SELECT series, time_bucket(INTERVAL 1 minute, time::TIMESTAMP) AS b, avg(value) FROM points ${where} GROUP BY ALL ORDER BY 1, 2`],
    ['epoch arithmetic', `SELECT series, epoch_ms(time) // 60000 AS b, avg(value) FROM points ${where} GROUP BY ALL ORDER BY 1, 2`],
  ];
  let raw: Row | undefined;
  for (const [label, sql] of variants) {
    let n = 0;
    const s = await best(async () => {
      n = (await c.runAndReadAll(sql)).getRows().length;
    });
    const r = record('duckdb', `aggregate 1-minute avg, raw SQL, ${label} (${n} rows)`, AGG_POINTS, s);
    if (raw === undefined || r.seconds < raw.seconds) raw = r;
  }
  c.closeSync();
  db.closeSync();
  if (raw === undefined) throw new Error('no raw run');

  const store = createDuckDbStorage({ file, settings: { threads: String(cpus().length) } });
  await store.open();
  let portRows = 0;
  const portS = await best(async () => {
    portRows = (await store.aggregatePoints({ series: names, from, to, buckets: { kind: 'fixed', widthMs: 60_000, originMs: 0 }, functions: ['avg'] })).length;
  });
  const port = record('duckdb', `aggregate 1-minute avg, storage port (${portRows} rows)`, AGG_POINTS, portS);
  const catalogue = new SeriesCatalogue(store);
  for (const n of names) catalogue.note({ series: n, signal: 'temperature', kind: 'number', source: 'telemetry', twinId: n.split('/')[0] as string, firstSeen: from.toISOString() });
  const queries = new HistoryQueries({ store, catalogue });
  const engineS = await best(() => queries.aggregate({ selector: { series: names }, from: from.getTime(), to: to.getTime(), bucket: { kind: 'fixed', widthMs: 60_000 }, functions: ['avg'] }));
  const engine = record('duckdb', 'aggregate 1-minute avg, history query engine', AGG_POINTS, engineS);
  await store.close();
  console.log(`duckdb    aggregation time ratio port/raw ${(port.seconds / raw.seconds).toFixed(2)}×, engine/raw ${(engine.seconds / raw.seconds).toFixed(2)}× (target ≤ 1.5×)`);
}

console.log(`timeseries bench — ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 1e9)} GB, node ${process.version}${quick ? ', --quick' : ''}`);
const dir = mkdtempSync(join(tmpdir(), 'twinworks-bench-ts-'));
try {
  const ingestFile = join(dir, 'ingest.duckdb');
  if (ONLY !== 'aggregate') await ingest('duckdb', createDuckDbStorage({ file: ingestFile }), (n) => duckRaw(ingestFile, genSql(n, 10 * 86_400_000)));
  if (ONLY !== 'ingest') await aggregation(dir);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const url = process.env.TWINWORKS_BENCH_POSTGRES_URL ?? process.env.TWINWORKS_TEST_POSTGRES_URL;
if (url === undefined || ONLY === 'aggregate') console.log('postgres: skipped (set TWINWORKS_BENCH_POSTGRES_URL; ingest only)');
else {
  const schema = `tw_bench_ts_${process.pid}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await ingest('postgres', createPostgresStorage({ url, schema }), (n) =>
      time(() =>
        client.query(
          `INSERT INTO "${schema}".points SELECT 'm' || (i % ${SERIES}) || '/temperature', to_timestamp((${T0 + 20 * 86_400_000} + (i / ${SERIES}) * ${1000 / HZ}) / 1000.0), to_timestamp((${T0 + 20 * 86_400_000} + (i / ${SERIES}) * ${1000 / HZ}) / 1000.0), 20 + (i % 1000) / 10.0 FROM generate_series(0, ${n - 1}) i`,
        ),
      ),
    );
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}
if (args.includes('--json')) console.log(JSON.stringify(rows, null, 2));
