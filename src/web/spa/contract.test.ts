/**
 * The app's requests against the real route modules: the URLs built by web/src/api (routes.ts +
 * data.ts parameters) are sent to the history, OEE and alerts ApiModules over a memory store, and
 * their answers go through the app's normalisers. Expected figures are worked out by hand from the
 * telemetry written here, so a renamed parameter or field fails this test.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createApiServer, type ApiServer } from '../../api/index.js';
import { createAuthService } from '../../auth/index.js';
import { createMetrics, silentLogger } from '../../observability/index.js';
import { createMemoryStorage } from '../../storage/index.js';
import { createHistory, type History } from '../../timeseries/index.js';
import { analyticsApi, OeeService } from '../../analytics/index.js';
import { AlertService, alertsApi, MemoryAlertStore } from '../../alerts/index.js';
import { ROUTES } from '../../../web/src/api/routes.js';
import { seriesParams } from '../../../web/src/api/params.js';
import { normaliseAggregate, normaliseAlerts, normaliseOee, normaliseOeeSeries, normalisePoints, normaliseStatePoints } from '../../../web/src/lib/normalise.js';

const T0 = Date.parse('2026-03-02T06:00:00Z');
const at = (sec: number) => new Date(T0 + sec * 1000).toISOString();
let api: ApiServer;
let history: History;
let alerts: AlertService;
let token: string;
let viewerToken: string;

before(async () => {
  const store = createMemoryStorage();
  await store.open();
  const auth = await createAuthService(store);
  await auth.ensureFirstAdmin('admin-password');
  await auth.users.create({ username: 'op', password: 'op-password', roles: ['operator'] });
  await auth.users.create({ username: 'viewer', password: 'viewer-password', roles: ['viewer'] });
  history = createHistory({ store });
  await history.start();
  const send = (sec: number, values: Record<string, number | string>) => history.writer.telemetry({ deviceId: 'M1', twinId: 'M1', sourceTime: at(sec), arrivalTime: at(sec), values, properties: {} });
  // M1 runs 0–300 s making 20 good parts and 2 rejects, then is down (jam) 300–600 s.
  await send(0, { state: 'running', stateReason: 'running', goodCount: 0, rejectCount: 0, temperature: 40 });
  await send(60, { temperature: 50 });
  await send(300, { state: 'down', stateReason: 'jam', goodCount: 20, rejectCount: 2, temperature: 60 });
  // The twin's own `state` property is a separate series; the telemetry must win over it.
  await history.writer.twinUpdated({ twinId: 'M1', modelId: 'dtmi:x:M;1', patch: [{ op: 'replace', path: '/state', value: 'Idle' }], etag: 'W/"1"', time: at(100) });
  await history.writer.flush();
  const oee = new OeeService({ store, idealCycleTimes: { M1: 10 } });
  alerts = new AlertService({ store, seedDefaults: false, tickMs: 0, scopeRefreshMs: 0, alertStore: new MemoryAlertStore() });
  await alerts.start();
  api = await createApiServer({ logger: silentLogger(), metrics: createMetrics(), auth, readinessChecks: [] }, { modules: [history.api, analyticsApi({ service: oee }), alertsApi(alerts)] });
  const tok = async (u: string, p: string) => (await api.app.inject({ method: 'POST', url: ROUTES.token, payload: { username: u, password: p } })).json().access_token as string;
  token = await tok('op', 'op-password');
  viewerToken = await tok('viewer', 'viewer-password');
});

after(async () => {
  await api?.close();
  await alerts?.stop();
  await history?.stop();
});

async function get(url: string, bearer = token): Promise<unknown> {
  const res = await api.app.inject({ url, headers: { authorization: `Bearer ${bearer}` } });
  assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
  return res.json();
}

const window = { from: new Date(T0), to: new Date(T0 + 600_000) };

test('history: raw points and per-minute averages from the URLs the app builds', async () => {
  const raw = normalisePoints(await get(ROUTES.points(seriesParams({ twinIds: ['M1'], signals: ['temperature'], ...window }))));
  assert.deepEqual(raw, [{ twinId: 'M1', signal: 'temperature', points: [{ t: T0, v: 40 }, { t: T0 + 60_000, v: 50 }, { t: T0 + 300_000, v: 60 }] }]);
  const agg = normaliseAggregate(await get(ROUTES.aggregate(seriesParams({ twinIds: ['M1'], signals: ['temperature'], ...window, bucket: '5m', aggregate: 'avg' }))), 'avg');
  // 0–5 min: 40 and 50 → 45; 5–10 min: 60.
  assert.deepEqual(agg, [{ twinId: 'M1', signal: 'temperature', points: [{ t: T0, v: 45 }, { t: T0 + 300_000, v: 60 }] }]);
});

test('history: the state timeline reads the machine’s telemetry, not the twin property of the same name', async () => {
  const states = normaliseStatePoints(await get(ROUTES.points(seriesParams({ twinIds: ['M1'], signals: ['state'], ...window }))));
  assert.deepEqual(states.get('M1'), [{ t: T0, state: 'running' }, { t: T0 + 300_000, state: 'down' }]);
});

test('history: the CSV export route answers CSV', async () => {
  const p = seriesParams({ twinIds: ['M1'], signals: ['temperature'], ...window });
  p.set('format', 'csv');
  const res = await api.app.inject({ url: ROUTES.points(p), headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /text\/csv/);
  assert.equal(res.body.split('\r\n').filter(Boolean).length, 4, 'a header and three points');
});

test('OEE of a machine: factors, counts and downtime by reason, worked out by hand', async () => {
  const v = normaliseOee(await get(ROUTES.oee(new URLSearchParams({ twin: 'M1', from: window.from.toISOString(), to: window.to.toISOString() }))));
  assert.ok(v);
  // PPT 600 s, run 300 s → A = 0.5; P = 10 s × 22 / 300 s; Q = 20 / 22; OEE = 10 s × 20 / 600 s.
  assert.equal(v.availability, 0.5);
  assert.ok(Math.abs(v.performance! - 220 / 300) < 1e-12);
  assert.ok(Math.abs(v.quality! - 20 / 22) < 1e-12);
  assert.ok(Math.abs(v.oee! - 200 / 600) < 1e-12);
  assert.deepEqual([v.goodCount, v.rejectCount, v.totalCount, v.downtimeSeconds], [20, 2, 22, 300]);
  assert.deepEqual(v.downtimeByReason, [{ state: 'down', reason: 'jam', seconds: 300, occurrences: 1 }]);
});

test('OEE per bucket for the executive trend: one result per 5 minutes', async () => {
  const p = new URLSearchParams({ twin: 'M1', from: window.from.toISOString(), to: window.to.toISOString(), bucket: '5m' });
  const rows = normaliseOeeSeries(await get(ROUTES.oee(p)));
  // First 5 min: running throughout, 20 good of 22 → OEE = 10 × 20 / 300; the next 5: down, OEE 0.
  assert.deepEqual(rows.map((r) => r.from), [T0, T0 + 300_000]);
  assert.ok(Math.abs(rows[0]!.oee! - 200 / 300) < 1e-12);
  assert.equal(rows[1]!.oee, 0);
});

test('alerts: the open list, an acknowledgement with the app’s body, and a viewer refused', async () => {
  await alerts.saveRule({ id: 'hot', name: 'Hot', severity: 'critical', scope: { twins: ['M1'] }, condition: { kind: 'threshold', signal: 'temperature', op: '>', value: 80 }, message: '{subject} is hot' }, 'create');
  await alerts.telemetry({ deviceId: 'M1', twinId: 'M1', sourceTime: at(700), arrivalTime: at(700), values: { temperature: 95 }, properties: {} });
  const open = normaliseAlerts(await get(ROUTES.alerts(new URLSearchParams({ state: 'open', twin: 'M1', limit: '1000' }))));
  assert.equal(open.length, 1);
  const [a] = open;
  assert.deepEqual([a!.twinId, a!.severity, a!.state, a!.message], ['M1', 'critical', 'active', 'M1 is hot']);
  const denied = await api.app.inject({ method: 'POST', url: ROUTES.alertAck(a!.id), headers: { authorization: `Bearer ${viewerToken}`, 'content-type': 'application/json' }, payload: {} });
  assert.equal(denied.statusCode, 403);
  const ack = await api.app.inject({ method: 'POST', url: ROUTES.alertAck(a!.id), headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: {} });
  assert.equal(ack.statusCode, 200, ack.body);
  const after = normaliseAlerts(await get(ROUTES.alerts(new URLSearchParams({ state: 'open' }))));
  assert.deepEqual(after.map((x) => [x.id, x.state, x.acknowledgedBy]), [[a!.id, 'acknowledged', 'op']]);
});
