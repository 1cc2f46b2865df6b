/**
 * Micro-benchmark for the point ingest path: CPU time (process.cpuUsage, all threads) per 100 000
 * points for `checkPoints` alone, for building the appender's data chunks (the mapped-columns way it
 * was done before, and chunks.ts), and for DuckDB `appendPoints` (in appends of 100 points by default). CPU time rather than wall time because the
 * development machine is shared and loaded; the median of the repeats is reported.
 *
 *   nice -n 10 node --import tsx src/storage/testing/bench-points.ts [repeats] [points per append]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOUBLE, DuckDBDataChunk, TIMESTAMPTZ, VARCHAR } from '@duckdb/node-api';
import { CHUNK_ROWS, pointChunk, tz } from '../duckdb/chunks.js';
import { DuckDbStorage } from '../duckdb/duckdb.js';
import type { TimePoint } from '../port.js';
import { checkPoints } from '../validate.js';

const REPEATS = Number(process.argv[2] ?? 7);
/** Points per append; 100 000 / BATCH appends. 100 is the hub's group size under load, 10 000 isolates the per-point cost. */
const BATCH = Number(process.argv[3] ?? 100);
const BATCHES = Math.ceil(100_000 / BATCH);
const T0 = Date.UTC(2026, 10, 22);
const names = Array.from({ length: 200 }, (_, i) => `plant-1/line-${i % 10}/cnc-${i}/spindle.temperature`);

function batches(offset: number): TimePoint[][] {
  const out: TimePoint[][] = [];
  for (let b = 0; b < BATCHES; b++) {
    const list: TimePoint[] = [];
    for (let k = 0; k < BATCH; k++) {
      const i = b * BATCH + k;
      // Fresh string objects per point, as a decoded broker message gives them.
      list.push({ series: `${names[i % names.length] as string}`.slice(0), time: new Date(T0 + offset + i), arrival: new Date(T0 + offset + i + 3), value: i * 0.5 });
    }
    out.push(list);
  }
  return out;
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** The chunk building before chunks.ts (kept here only to compare against). */
function mappedChunk(points: readonly TimePoint[], start: number): DuckDBDataChunk {
  const slice = points.slice(start, start + CHUNK_ROWS);
  const chunk = DuckDBDataChunk.create([VARCHAR, TIMESTAMPTZ, TIMESTAMPTZ, DOUBLE], slice.length);
  chunk.setColumnValues(0, slice.map((p) => p.series));
  chunk.setColumnValues(1, slice.map((p) => tz(p.time)));
  chunk.setColumnValues(2, slice.map((p) => tz(p.arrival)));
  chunk.setColumnValues(3, slice.map((p) => p.value));
  return chunk;
}

function buildCpu(all: readonly TimePoint[], build: (start: number) => unknown): number {
  const c0 = process.cpuUsage();
  for (let start = 0; start < all.length; start += CHUNK_ROWS) build(start);
  return cpuMs(process.cpuUsage(c0));
}

const check: number[] = [];
const buildMapped: number[] = [];
const buildOnePass: number[] = [];
const append: number[] = [];
const dir = mkdtempSync(join(tmpdir(), 'twinworks-bench-points-'));
const storage = new DuckDbStorage({ file: join(dir, 'b.duckdb'), settings: { threads: '2' } });
await storage.open();
try {
  for (let r = 0; r < REPEATS + 1; r++) {
    const data = batches(r * BATCH * BATCHES);
    const all = data.flat();
    const mapped = buildCpu(all, (start) => mappedChunk(all, start));
    const onePass = buildCpu(all, (start) => pointChunk(all, start, Math.min(CHUNK_ROWS, all.length - start)));
    let c0 = process.cpuUsage();
    for (const list of data) checkPoints(list);
    const checkMs = cpuMs(process.cpuUsage(c0));
    c0 = process.cpuUsage();
    for (const list of data) await storage.appendPoints(list);
    const appendMs = cpuMs(process.cpuUsage(c0));
    if (r === 0) continue; // warm-up
    check.push(checkMs);
    buildMapped.push(mapped);
    buildOnePass.push(onePass);
    append.push(appendMs);
  }
} finally {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
}
const fmt = (xs: number[]) => `median ${median(xs).toFixed(1)} ms, min ${Math.min(...xs).toFixed(1)} ms`;
console.log(`CPU per 100 000 points (${REPEATS} repeats, ${BATCHES} batches of ${BATCH})`);
console.log(`checkPoints            ${fmt(check)}`);
console.log(`chunks, mapped columns ${fmt(buildMapped)}`);
console.log(`chunks, one pass       ${fmt(buildOnePass)}`);
console.log(`DuckDB appendPoints    ${fmt(append)} (includes checkPoints and the commits)`);
