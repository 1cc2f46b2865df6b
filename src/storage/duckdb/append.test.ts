import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import type { TimePoint } from '../port.js';
import { CHUNK_ROWS, pointChunk } from './chunks.js';
import { SINGLE_FLUSH_ROWS } from './writer.js';

// appendPoints relies on this: outside a transaction, an appender holding up to SINGLE_FLUSH_ROWS
// rows has committed nothing before flushSync, so the flush is the append's only commit.
test('an appender below SINGLE_FLUSH_ROWS commits nothing before flushSync, then everything at once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'twinworks-append-'));
  const db = await DuckDBInstance.create(join(dir, 'a.duckdb'), { threads: '2' });
  const writer = await db.connect();
  const reader = await db.connect();
  try {
    await writer.run('CREATE TABLE points (series VARCHAR, time TIMESTAMPTZ, arrival TIMESTAMPTZ, value DOUBLE)');
    const points: TimePoint[] = Array.from({ length: SINGLE_FLUSH_ROWS }, (_, i) => ({ series: 's', time: new Date(i), arrival: new Date(i), value: i }));
    const count = async () => Number((await reader.runAndReadAll('SELECT count(*) FROM points')).getRows()[0]?.[0]);
    const appender = await writer.createAppender('points');
    for (let start = 0; start < points.length; start += CHUNK_ROWS) appender.appendDataChunk(pointChunk(points, start, Math.min(CHUNK_ROWS, points.length - start)));
    assert.equal(await count(), 0);
    appender.flushSync();
    assert.equal(await count(), SINGLE_FLUSH_ROWS);
    appender.closeSync();
  } finally {
    writer.closeSync();
    reader.closeSync();
    db.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
});
