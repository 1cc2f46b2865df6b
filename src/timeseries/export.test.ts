/**
 * Large results stream: the CSV export reads the store page by page as the client takes the text
 * (not the whole series first), and the Parquet export holds the same rows, ZSTD-compressed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { createMemoryStorage, type StorageAdapter } from '../storage/index.js';
import type { SeriesInfo } from './catalogue.js';
import { csvStream, parquetStream } from './export.js';

const T = Date.parse('2024-03-04T00:00:00Z');
const N = 250_001;
const dir = mkdtempSync(join(tmpdir(), 'twinworks-export-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const info = (series: string, kind: 'number' | 'text'): SeriesInfo => ({ series, signal: series.split('/')[1] as string, kind, source: 'telemetry', firstSeen: '' });

async function bigStore(): Promise<{ store: StorageAdapter; reads: () => number }> {
  const inner = createMemoryStorage();
  await inner.open();
  for (let i = 0; i < N; i += 50_000) {
    const n = Math.min(50_000, N - i);
    await inner.appendPoints(Array.from({ length: n }, (_, k) => ({ series: 'm1/speed', time: new Date(T + (i + k) * 1000), arrival: new Date(T + (i + k) * 1000), value: i + k })));
  }
  await inner.appendTextPoints([{ series: 'm1/state', time: new Date(T), arrival: new Date(T), text: 'running' }]);
  let reads = 0;
  const store: StorageAdapter = Object.create(inner, { readPoints: { value: (q: Parameters<StorageAdapter['readPoints']>[0]) => (reads++, inner.readPoints(q)) } });
  return { store, reads: () => reads };
}

test('CSV of 250 001 points: the store is read in pages as the text is consumed, and every row arrives once, in order', async () => {
  const { store, reads } = await bigStore();
  const stream = csvStream({ store }, [info('m1/speed', 'number'), info('m1/state', 'text')], T, T + N * 1000);
  let lines = 0;
  let readsAtFirstRow: number | undefined;
  let last = '';
  let expected = 0;
  let carry = '';
  for await (const chunk of stream) {
    const text = carry + String(chunk);
    const parts = text.split('\r\n');
    carry = parts.pop() as string;
    for (const line of parts) {
      lines++;
      if (lines === 1) {
        assert.equal(line, 'series,time,arrival,value');
        continue;
      }
      readsAtFirstRow ??= reads();
      if (line.startsWith('m1/speed,')) assert.equal(line.slice(line.lastIndexOf(',') + 1), String(expected++), line);
      last = line;
    }
  }
  assert.equal(carry, '');
  assert.equal(lines, 1 + N + 1);
  assert.equal(expected, N);
  assert.equal(last, 'm1/state,2024-03-04T00:00:00.000Z,2024-03-04T00:00:00.000Z,running');
  // Pages of 100 000: three reads in all; the first rows went out before the last page was read.
  assert.equal(reads(), 3);
  assert.ok(readsAtFirstRow !== undefined && readsAtFirstRow < 3, `reads before the first row: ${readsAtFirstRow}`);
});

test('Parquet export: the same rows (numbers in value, text in text), ZSTD-compressed', async () => {
  const store = createMemoryStorage();
  await store.open();
  await store.appendPoints([10, 20, 30].map((v, i) => ({ series: 'm1/speed', time: new Date(T + i * 1000), arrival: new Date(T + i * 1000 + 5), value: v })));
  await store.appendTextPoints([{ series: 'm1/state', time: new Date(T + 500), arrival: new Date(T + 505), text: 'down, "jam"' }]);
  const stream = await parquetStream({ store }, [info('m1/speed', 'number'), info('m1/state', 'text')], T, T + 10_000);
  const file = join(dir, 'export.parquet');
  const bytes: Buffer[] = [];
  for await (const c of stream) bytes.push(c as Buffer);
  await writeFile(file, Buffer.concat(bytes));
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const rows = (await conn.runAndReadAll(`SELECT series, epoch_ms(time) - ${T} AS t, epoch_ms(arrival) - ${T} AS a, value, text FROM read_parquet('${file}') ORDER BY series, time`)).getRowObjectsJS();
    assert.deepEqual(rows.map((r) => [r['series'], Number(r['t']), Number(r['a']), r['value'], r['text']]), [
      ['m1/speed', 0, 5, 10, null],
      ['m1/speed', 1000, 1005, 20, null],
      ['m1/speed', 2000, 2005, 30, null],
      ['m1/state', 500, 505, null, 'down, "jam"'],
    ]);
    const codecs = (await conn.runAndReadAll(`SELECT DISTINCT compression FROM parquet_metadata('${file}')`)).getRowObjectsJS().map((r) => r['compression']);
    assert.deepEqual(codecs, ['ZSTD']);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
});
