import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import type { TimePoint } from '../port.js';
import { CHUNK_ROWS, pointChunk, textPointChunk, writeMicros } from './chunks.js';

const year1 = new Date(0);
year1.setUTCFullYear(1, 0, 1);
// Edges of the validated range (years 1 and 9999), both sides of the epoch, and the 32-bit carry
// boundaries of the split (2^32 µs = 4 294 967.296 ms, so 4 294 967 ms and one more straddle it).
const EDGE_MS = [year1.getTime(), Date.UTC(9999, 11, 31, 23, 59, 59, 999), 0, -1, 1, 4_294_967, 4_294_968, -4_294_968, 2 ** 32, -(2 ** 32), Date.UTC(2026, 10, 22, 2, 30, 0, 123)];

test('writeMicros writes ms × 1000 as a little-endian int64, exactly, across the validated range', () => {
  const slots = new BigInt64Array(EDGE_MS.length);
  const words = new Int32Array(slots.buffer);
  EDGE_MS.forEach((ms, i) => writeMicros(words, i, ms));
  assert.deepEqual([...slots], EDGE_MS.map((ms) => BigInt(ms) * 1000n));
});

test('point and text chunks land in DuckDB unchanged, over several chunks', async () => {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    await conn.run('CREATE TABLE points (series VARCHAR, time TIMESTAMPTZ, arrival TIMESTAMPTZ, value DOUBLE)');
    await conn.run('CREATE TABLE text_points (series VARCHAR, time TIMESTAMPTZ, arrival TIMESTAMPTZ, text VARCHAR)');
    // More rows than one chunk holds, so the second chunk starts at a non-zero offset.
    const n = CHUNK_ROWS + 5;
    const points: TimePoint[] = Array.from({ length: n }, (_, i) => {
      const ms = EDGE_MS[i % EDGE_MS.length] as number;
      return { series: `s-${i % 3}-ä€`, time: new Date(ms), arrival: new Date(ms === 0 ? 7 : -ms), value: i - 0.25 };
    });
    const appender = await conn.createAppender('points');
    appender.appendDataChunk(pointChunk(points, 0, CHUNK_ROWS));
    appender.appendDataChunk(pointChunk(points, CHUNK_ROWS, 5));
    appender.flushSync();
    appender.closeSync();
    const rows = (await conn.runAndReadAll('SELECT series, epoch_us(time), epoch_us(arrival), value FROM points')).getRows();
    assert.equal(rows.length, n);
    const seen = rows.map((r) => `${r[0] as string}|${String(r[1])}|${String(r[2])}|${String(r[3])}`).sort();
    const want = points.map((p) => `${p.series}|${BigInt(p.time.getTime()) * 1000n}|${BigInt(p.arrival.getTime()) * 1000n}|${p.value}`).sort();
    assert.deepEqual(seen, want);

    const texts = [
      { series: 'a', time: new Date(0), arrival: new Date(5), text: 'Running' },
      { series: 'b', time: year1, arrival: new Date(-1), text: '' },
    ];
    const ta = await conn.createAppender('text_points');
    ta.appendDataChunk(textPointChunk(texts, 0, 2));
    ta.flushSync();
    ta.closeSync();
    const trows = (await conn.runAndReadAll('SELECT series, epoch_us(time), epoch_us(arrival), text FROM text_points ORDER BY series')).getRows();
    assert.deepEqual(trows, [
      ['a', 0n, 5000n, 'Running'],
      ['b', BigInt(year1.getTime()) * 1000n, -1000n, ''],
    ]);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
});
