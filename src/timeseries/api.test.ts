import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createApiServer, type ApiServer } from '../api/index.js';
import { createAuthService } from '../auth/index.js';
import { createMetrics, silentLogger } from '../observability/index.js';
import { createMemoryStorage } from '../storage/index.js';
import { createHistory, type History } from './history.js';
import { parseFunctions, parseTime } from './api.js';

const T = Date.parse('2024-03-04T06:00:00Z');
let api: ApiServer;
let history: History;
let token: string;

before(async () => {
  const store = createMemoryStorage();
  await store.open();
  const auth = await createAuthService(store);
  await auth.ensureFirstAdmin('admin-password');
  await auth.users.create({ username: 'viewer1', password: 'viewer-pass', roles: ['viewer'] });
  history = createHistory({ store, calendar: { shifts: [{ name: 'A', start: '06:00', hours: 8 }] } });
  await history.start();
  const send = (sec: number, values: Record<string, number | string>) =>
    history.writer.telemetry({ deviceId: 'd1', twinId: 'cnc-1', sourceTime: new Date(T + sec * 1000).toISOString(), arrivalTime: new Date(T + sec * 1000).toISOString(), values, properties: {} });
  await Promise.all([send(0, { temperature: 10, state: 'running, "fast"' }), send(30, { temperature: 20 }), send(90, { temperature: 40 })]);
  api = await createApiServer({ logger: silentLogger(), metrics: createMetrics(), auth, readinessChecks: [] }, { modules: [history.api] });
  const res = await api.app.inject({ method: 'POST', url: '/api/auth/token', payload: { username: 'viewer1', password: 'viewer-pass' } });
  token = res.json().access_token;
});
after(async () => {
  await api.close();
  await history.stop();
});

const get = (url: string) => api.app.inject({ url, headers: { authorization: `Bearer ${token}` } });
const W = `from=2024-03-04T06:00:00Z&to=2024-03-04T06:02:00Z`;

test('a viewer reads per-minute aggregates with a percentile and the time-weighted average', async () => {
  const res = await get(`/api/timeseries/aggregate?twin=cnc-1&signal=temperature&${W}&bucket=1m&fn=avg,p50,twa`);
  assert.equal(res.statusCode, 200, res.body);
  const [s] = res.json().series;
  assert.equal(s.series, 'cnc-1/temperature');
  // Minute 0: 10 and 20 → avg 15, twa (10·30 + 20·30)/60 = 15; minute 1: 40 at 90 s → twa (20·30 + 40·30)/60 = 30.
  assert.deepEqual(s.buckets.map((b: { values: unknown }) => b.values), [{ avg: 15, twa: 15, p50: 15 }, { avg: 40, twa: 30, p50: 40 }]);
  const shift = await get(`/api/timeseries/aggregate?twin=cnc-1&signal=temperature&${W}&bucket=shift&fn=count`);
  assert.deepEqual(shift.json().series[0].buckets.map((b: { label: string; count: number }) => [b.label, b.count]), [['2024-03-04/A', 3]]);
});

test('CSV export quotes text per RFC 4180; Parquet export is a Parquet file', async () => {
  const csv = await get(`/api/timeseries/points?twin=cnc-1&${W}&format=csv`);
  assert.equal(csv.statusCode, 200);
  assert.match(String(csv.headers['content-type']), /text\/csv/);
  assert.equal(
    csv.body,
    'series,time,arrival,value\r\n' +
      'cnc-1/state,2024-03-04T06:00:00.000Z,2024-03-04T06:00:00.000Z,"running, ""fast"""\r\n' +
      'cnc-1/temperature,2024-03-04T06:00:00.000Z,2024-03-04T06:00:00.000Z,10\r\n' +
      'cnc-1/temperature,2024-03-04T06:00:30.000Z,2024-03-04T06:00:30.000Z,20\r\n' +
      'cnc-1/temperature,2024-03-04T06:01:30.000Z,2024-03-04T06:01:30.000Z,40\r\n',
  );
  const pq = await get(`/api/timeseries/points?twin=cnc-1&${W}&format=parquet`);
  assert.equal(pq.statusCode, 200);
  const bytes = pq.rawPayload;
  // Parquet files start and end with the magic "PAR1" (Apache Parquet file format spec).
  assert.equal(bytes.subarray(0, 4).toString(), 'PAR1');
  assert.equal(bytes.subarray(bytes.length - 4).toString(), 'PAR1');
});

test('interpolation, raw JSON, and problems for bad parameters', async () => {
  const i = await get(`/api/timeseries/interpolate?series=cnc-1/temperature&${W}&step=45s&method=linear`);
  // 45 s lies between 20 (30 s) and 40 (90 s): 20 + 20·15/60 = 25; 90 s is a point.
  assert.deepEqual(i.json().series[0].values, [10, 25, 40]);
  const raw = await get(`/api/timeseries/points?device=d1&signal=state&${W}`);
  assert.deepEqual(raw.json().value[0].points.map((p: { value: unknown }) => p.value), ['running, "fast"']);
  const bad = await get(`/api/timeseries/aggregate?twin=cnc-1&${W}&bucket=1m&fn=median`);
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().code, 'timeseries.invalid_query');
  const badZone = await get(`/api/timeseries/aggregate?twin=cnc-1&${W}&bucket=day&tz=Mars/Base&fn=avg`);
  assert.equal(badZone.json().code, 'timeseries.unknown_zone');
  const none = await api.app.inject({ url: `/api/timeseries/series` });
  assert.equal(none.statusCode, 401);
});

test('the routes are in the OpenAPI document with summaries', async () => {
  const doc = (await get('/api/openapi.json')).json();
  for (const path of ['/api/timeseries/aggregate', '/api/timeseries/points', '/api/timeseries/interpolate', '/api/timeseries/series']) {
    assert.equal(typeof doc.paths[path]?.get?.summary, 'string', path);
  }
});

test('time parameters: RFC 3339, now and now-<duration>; function lists', () => {
  const now = Date.parse('2024-01-01T12:00:00Z');
  assert.equal(parseTime('now-15m', 'from', now), now - 900_000);
  assert.equal(parseTime('2024-01-01T00:00:00+01:00', 'from', now), Date.parse('2023-12-31T23:00:00Z'));
  assert.throws(() => parseTime('yesterday', 'from', now), (e: { code?: string }) => e.code === 'timeseries.invalid_query');
  assert.deepEqual(parseFunctions('avg, p95,p99.9,twa'), { functions: ['avg', 'twa'], percentiles: [0.95, 0.999] });
});
