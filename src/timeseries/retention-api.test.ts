/**
 * Issue 6, retention end to end as the platform wires it: createHistory with a data dir and the
 * default warm window (30 days), the job moves an old day to ZSTD Parquet under
 * `<data>/history/day=YYYY-MM-DD/`, and the HTTP API answers raw and aggregate queries over that
 * day exactly as before.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { createApiServer } from '../api/index.js';
import { createAuthService } from '../auth/index.js';
import { createMetrics, silentLogger } from '../observability/index.js';
import { createDuckDbStorage } from '../storage/index.js';
import { DAY_MS } from './archive.js';
import { createHistory } from './history.js';

const dataDir = mkdtempSync(join(tmpdir(), 'twinworks-retention-api-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

test('default 30-day warm window: an old day moves to ZSTD Parquet in the data dir and the API answers as before', async () => {
  const now = Date.now();
  const oldDay = Math.floor((now - 40 * DAY_MS) / DAY_MS) * DAY_MS; // UTC midnight 40 days ago: archived
  const warmDay = Math.floor((now - 29 * DAY_MS) / DAY_MS) * DAY_MS; // 29 days ago: stays in the store
  const store = createDuckDbStorage({ file: join(dataDir, 'twinworks.duckdb'), settings: { threads: '2' } });
  await store.open();
  const history = createHistory({ store, dataDir, retentionEveryMs: 0 });
  await history.start();
  const send = (t: number, values: Record<string, number | string>) => history.writer.telemetry({ deviceId: 'd1', twinId: 'cnc-1', sourceTime: new Date(t).toISOString(), arrivalTime: new Date(t + 7).toISOString(), values, properties: {} });
  const H = 3_600_000;
  await Promise.all([send(oldDay + 10 * H, { temperature: 60, state: 'running' }), send(oldDay + 11 * H, { temperature: 70 }), send(oldDay + 13 * H, { temperature: 90 }), send(warmDay + H, { temperature: 50 })]);
  const auth = await createAuthService(store);
  await auth.ensureFirstAdmin('admin-password');
  const api = await createApiServer({ logger: silentLogger(), metrics: createMetrics(), auth, readinessChecks: [] }, { modules: [history.api] });
  const token = (await api.app.inject({ method: 'POST', url: '/api/auth/token', payload: { username: 'admin', password: 'admin-password' } })).json().access_token;
  const get = async (url: string) => {
    const res = await api.app.inject({ url, headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };
  const window = `from=${new Date(oldDay).toISOString()}&to=${new Date(warmDay + DAY_MS).toISOString()}`;
  const aggregateUrl = `/api/timeseries/aggregate?twin=cnc-1&signal=temperature&${window}&bucket=day&fn=count,avg,max,twa&fill=none`;
  const pointsUrl = `/api/timeseries/points?twin=cnc-1&${window}`;
  const before = { aggregate: await get(aggregateUrl), points: await get(pointsUrl) };
  // Hand values for the old day: (60 + 70 + 90)/3; TWA (step) from 10:00: 60 for 1 h, 70 for 2 h, 90 for the 11 h left = 1190/14 = 85.
  const oldBucket = before.aggregate.series[0].buckets[0];
  assert.deepEqual([oldBucket.start, oldBucket.count, oldBucket.values.avg, oldBucket.values.max], [new Date(oldDay).toISOString(), 3, 220 / 3, 90]);
  assert.ok(Math.abs(oldBucket.values.twa - 85) < 1e-9, String(oldBucket.values.twa));

  const run = await history.retention?.run();
  const dayName = new Date(oldDay).toISOString().slice(0, 10);
  assert.deepEqual(run?.days, [{ day: dayName, points: 3, textPoints: 1, recovered: 0 }]);
  const partDir = join(dataDir, 'history', `day=${dayName}`);
  assert.deepEqual(readdirSync(partDir).sort(), ['manifest.json', 'points-0001.parquet', 'text_points-0001.parquet']);
  assert.equal((await store.readPoints({ series: 'cnc-1/temperature', from: new Date(oldDay), to: new Date(oldDay + DAY_MS) })).length, 0, 'moved out of the store');
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const codecs = (await conn.runAndReadAll(`SELECT DISTINCT compression FROM parquet_metadata('${join(partDir, 'points-0001.parquet')}')`)).getRowObjectsJS().map((r) => r['compression']);
  conn.closeSync();
  db.closeSync();
  assert.deepEqual(codecs, ['ZSTD']);

  assert.deepEqual(await get(aggregateUrl), before.aggregate);
  assert.deepEqual(await get(pointsUrl), before.points);
  await api.close();
  await history.stop();
  await store.close();
});
