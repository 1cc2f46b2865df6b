/**
 * Storage throughput: document writes (single, batched, concurrent), point appends, reads.
 *
 *   nice -n 10 node --import tsx bench/storage.ts [--quick]
 *
 * DuckDB runs in a temp dir. PostgreSQL runs when TWINWORKS_BENCH_POSTGRES_URL (or
 * TWINWORKS_TEST_POSTGRES_URL) is set, in a fresh schema that is dropped afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDuckDbStorage, createPostgresStorage, type StorageAdapter, type TimePoint } from '../src/storage/index.js';

const quick = process.argv.includes('--quick');
const scale = quick ? 0.1 : 1;
const n = (x: number) => Math.max(1, Math.round(x * scale));

interface Row {
  adapter: string;
  case: string;
  ops: number;
  unit: string;
  seconds: number;
  perSecond: number;
}

const rows: Row[] = [];

async function measure(adapter: string, name: string, ops: number, unit: string, fn: () => Promise<void>): Promise<void> {
  const t0 = performance.now();
  await fn();
  const seconds = (performance.now() - t0) / 1000;
  const row = { adapter, case: name, ops, unit, seconds: Number(seconds.toFixed(3)), perSecond: Math.round(ops / seconds) };
  rows.push(row);
  console.log(`${adapter.padEnd(8)} ${name.padEnd(40)} ${String(row.perSecond).padStart(9)} ${unit}/s  (${ops} in ${row.seconds}s)`);
}

const body = (i: number) => ({ $dtId: `pump-${i}`, $metadata: { $model: 'dtmi:factory:Pump;1' }, rpm: 1200 + (i % 100), status: 'running', tags: ['line-1', 'hall-a'], limits: { min: 0, max: 3000 } });

function points(series: number, count: number, startMs: number): TimePoint[] {
  return Array.from({ length: count }, (_, i) => {
    const time = new Date(startMs + i * 1000);
    return { series: `line-1/pump-${i % series}/rpm`, time, arrival: time, value: 1000 + Math.sin(i) * 100 };
  });
}

async function run(adapter: string, s: StorageAdapter): Promise<void> {
  await s.open();
  const single = n(1000);
  await measure(adapter, 'document put, one per write', single, 'docs', async () => {
    for (let i = 0; i < single; i++) await s.write([{ op: 'put', collection: 'twins', id: `single-${i}`, body: body(i) }]);
  });
  const batches = n(50);
  await measure(adapter, 'document put, batches of 100', batches * 100, 'docs', async () => {
    for (let b = 0; b < batches; b++) {
      await s.write(Array.from({ length: 100 }, (_, i) => ({ op: 'put' as const, collection: 'twins' as const, id: `batch-${b}-${i}`, body: body(i) })));
    }
  });
  const streams = 8;
  const perStream = n(200);
  await measure(adapter, `document put, ${streams} concurrent writers`, streams * perStream, 'docs', async () => {
    await Promise.all(
      Array.from({ length: streams }, async (_, w) => {
        for (let i = 0; i < perStream; i++) await s.write([{ op: 'put', collection: 'devices', id: `w${w}-${i}`, body: body(i), expectVersion: 'absent' }]);
      }),
    );
  });
  const gets = n(2000);
  await measure(adapter, 'document get by id', gets, 'gets', async () => {
    for (let i = 0; i < gets; i++) await s.get('twins', `single-${i % single}`);
  });
  const t0 = Date.UTC(2024, 0, 1);
  const small = n(200);
  await measure(adapter, 'point append, batches of 100', small * 100, 'points', async () => {
    for (let b = 0; b < small; b++) await s.appendPoints(points(10, 100, t0 + b * 100_000));
  });
  const big = n(20);
  await measure(adapter, 'point append, batches of 10 000', big * 10_000, 'points', async () => {
    for (let b = 0; b < big; b++) await s.appendPoints(points(10, 10_000, t0 + 1e9 + b * 10_000_000));
  });
  const reads = n(200);
  await measure(adapter, 'point read, 1 h window (360 points)', reads, 'reads', async () => {
    for (let i = 0; i < reads; i++) {
      const from = new Date(t0 + 1e9 + (i % 50) * 3_600_000);
      await s.readPoints({ series: 'line-1/pump-3/rpm', from, to: new Date(from.getTime() + 3_600_000) });
    }
  });
  await s.close();
}

console.log(`storage bench — ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}${quick ? ', --quick' : ''}`);

const dir = mkdtempSync(join(tmpdir(), 'twinworks-bench-'));
try {
  await run('duckdb', createDuckDbStorage({ file: join(dir, 'bench.duckdb') }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const url = process.env.TWINWORKS_BENCH_POSTGRES_URL ?? process.env.TWINWORKS_TEST_POSTGRES_URL;
if (url === undefined) {
  console.log('postgres: skipped (set TWINWORKS_BENCH_POSTGRES_URL)');
} else {
  const schema = `tw_bench_${process.pid}`;
  try {
    await run('postgres', createPostgresStorage({ url, schema }));
  } finally {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}

if (process.argv.includes('--json')) console.log(JSON.stringify(rows, null, 2));
