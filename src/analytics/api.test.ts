import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createApiServer } from '../api/index.js';
import { createAuthService } from '../auth/index.js';
import { createMetrics, silentLogger } from '../observability/index.js';
import { createMemoryStorage } from '../storage/index.js';
import { HistoryWriter, SeriesCatalogue, ShiftCalendar } from '../timeseries/index.js';
import { analyticsApi } from './api.js';
import { OeeService } from './service.js';

test('GET /api/analytics/oee: one window, hourly buckets, and problems for bad requests', async () => {
  const store = createMemoryStorage();
  await store.open();
  const writer = new HistoryWriter({ store, catalogue: new SeriesCatalogue(store), maxDelayMs: 5 });
  const T = Date.parse('2024-03-04T06:00:00Z');
  const send = (min: number, values: Record<string, number | string>) =>
    writer.telemetry({ deviceId: 'd', twinId: 'm1', sourceTime: new Date(T + min * 60_000).toISOString(), arrivalTime: new Date(T + min * 60_000).toISOString(), values, properties: {} });
  // Runs 06:00–06:30, down 06:30–07:00 (reason jam), 1 part per 2 s while running: 900 parts, 30 rejected.
  await Promise.all([send(0, { state: 'running', goodCount: 0, rejectCount: 0 }), send(30, { state: 'down', stateReason: 'jam', goodCount: 870, rejectCount: 30 }), send(60, { state: 'running', goodCount: 870, rejectCount: 30 })]);
  const auth = await createAuthService(store);
  await auth.ensureFirstAdmin('admin-password');
  await auth.users.create({ username: 'op', password: 'operator-pass', roles: ['operator'] });
  const api = await createApiServer({ logger: silentLogger(), metrics: createMetrics(), auth, readinessChecks: [] }, { modules: [analyticsApi({ service: new OeeService({ store, idealCycleTimes: { m1: 2 } }) })] });
  const token = (await api.app.inject({ method: 'POST', url: '/api/auth/token', payload: { username: 'op', password: 'operator-pass' } })).json().access_token;
  const get = (url: string) => api.app.inject({ url, headers: { authorization: `Bearer ${token}` } });
  const one = (await get('/api/analytics/oee?twin=m1&from=2024-03-04T06:00:00Z&to=2024-03-04T07:00:00Z')).json();
  // A = 30/60, P = 2·900/1800 = 1, Q = 870/900.
  assert.deepEqual([one.availability, one.performance, one.quality], [0.5, 1, 870 / 900]);
  assert.deepEqual(one.downtimeByReason, [{ state: 'down', reason: 'jam', seconds: 1800, occurrences: 1 }]);
  const series = (await get('/api/analytics/oee?twin=m1&from=2024-03-04T06:00:00Z&to=2024-03-04T07:00:00Z&bucket=30m')).json();
  assert.deepEqual(series.value.map((r: { availability: number }) => r.availability), [1, 0]);
  const bad = await get('/api/analytics/oee?from=2024-03-04T06:00:00Z');
  assert.equal(bad.json().code, 'analytics.invalid_request');
  const unknown = await get('/api/analytics/oee?twin=nope&from=2024-03-04T06:00:00Z&to=2024-03-04T07:00:00Z');
  assert.equal(unknown.json().code, 'analytics.missing_ideal_cycle_time');
  await api.close();
});

test('window=hour|day|week|shift: the current calendar unit in tz (or the running shift) up to now', async () => {
  const store = createMemoryStorage();
  await store.open();
  const writer = new HistoryWriter({ store, catalogue: new SeriesCatalogue(store), maxDelayMs: 5 });
  const state = (iso: string, s: string) => writer.telemetry({ deviceId: 'd', twinId: 'm1', sourceTime: iso, arrivalTime: iso, values: { state: s }, properties: {} });
  // Down all Monday (UTC) until 23:00, running until Tuesday 06:20, then down again.
  await Promise.all([state('2024-03-04T00:00:00Z', 'down'), state('2024-03-04T23:00:00Z', 'running'), state('2024-03-05T06:20:00Z', 'down')]);
  const auth = await createAuthService(store);
  await auth.ensureFirstAdmin('admin-password');
  const calendar = new ShiftCalendar({ shifts: [{ name: 'early', start: '05:50', hours: 8 }] });
  const now = Date.parse('2024-03-05T06:40:00Z');
  const api = await createApiServer({ logger: silentLogger(), metrics: createMetrics(), auth, readinessChecks: [] }, { modules: [analyticsApi({ service: new OeeService({ store, idealCycleTimes: { m1: 2 } }), calendar, clock: () => now })] });
  const token = (await api.app.inject({ method: 'POST', url: '/api/auth/token', payload: { username: 'admin', password: 'admin-password' } })).json().access_token;
  const availability = async (query: string) => {
    const res = await api.app.inject({ url: `/api/analytics/oee?twin=m1&${query}`, headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().availability as number;
  };
  // Running minutes over window minutes (no planned stops configured, so PPT = the window):
  assert.equal(await availability('window=hour'), 20 / 40); // 06:00Z–06:40Z
  assert.equal(await availability('window=hour&tz=Asia/Kolkata'), 0); // local 12:00 = 06:30Z: down since 06:20Z
  assert.equal(await availability('window=day'), 380 / 400); // from 00:00Z
  assert.equal(await availability('window=day&tz=Europe/Berlin'), 440 / 460); // local midnight (CET) = 23:00Z Monday
  assert.equal(await availability('window=week'), 440 / 1840); // ISO week from Monday 00:00Z
  assert.equal(await availability('window=shift'), 30 / 50); // the shift began at 05:50Z
  await api.close();
});
