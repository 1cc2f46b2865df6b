/**
 * The alerts service end to end: telemetry on the bus → default rule → alert in the store, on the
 * bus, at a webhook (signed), on the twin, in the browser stream; role checks on the API.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, get as httpGet, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createApiServer, type ApiServer } from '../api/index.js';
import { createAuthService } from '../auth/index.js';
import { createInProcessBus, type EventBus, type JsonPatchOperation } from '../bus/index.js';
import { createMetrics, silentLogger } from '../observability/index.js';
import { MemoryGraph } from '../query/index.js';
import { createMemoryStorage } from '../storage/index.js';
import { twinScopeFromReader } from '../timeseries/index.js';
import { alertsApi } from './api.js';
import { AlertService } from './service.js';

let api: ApiServer;
let bus: EventBus;
let service: AlertService;
const tokens: Record<string, string> = {};
const patches: Array<[string, readonly JsonPatchOperation[]]> = [];
const hooks: Array<{ body: string; signature: string | undefined }> = [];
const busEvents: string[] = [];
const hookServer = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    hooks.push({ body, signature: req.headers['x-twinworks-signature'] as string | undefined });
    res.end('ok');
  });
});

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`timed out waiting for ${what}`);
}

before(async () => {
  await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', () => r()));
  const store = createMemoryStorage();
  await store.open();
  bus = createInProcessBus();
  await bus.subscribe('alert.*', (e) => void busEvents.push(`${e.name}:${'change' in e.payload ? e.payload.change : e.payload.severity}`));
  const graph = new MemoryGraph({ models: [{ id: 'dtmi:twinworks:plant:Machine;1' }, { id: 'dtmi:twinworks:plant:Cnc;1', extends: ['dtmi:twinworks:plant:Machine;1'] }] });
  graph.upsertTwin({ $dtId: 'cnc-1', $metadata: { $model: 'dtmi:twinworks:plant:Cnc;1' } });
  service = new AlertService({
    store,
    bus,
    scope: twinScopeFromReader(graph),
    twinWriter: { patch: async (id, ops) => void patches.push([id, ops]) },
    webhooks: [{ url: `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hook`, secret: 's3cret', minSeverity: 'critical' }],
    tickMs: 0,
    scopeRefreshMs: 0,
  });
  await service.start();
  const auth = await createAuthService(store);
  await auth.ensureFirstAdmin('admin-password');
  for (const [u, role] of [['viewer1', 'viewer'], ['op1', 'operator'], ['eng1', 'engineer']] as const) await auth.users.create({ username: u, password: `${u}-password`, roles: [role] });
  api = await createApiServer({ logger: silentLogger(), metrics: createMetrics(), auth, readinessChecks: [] }, { modules: [alertsApi(service, { keepAliveMs: 60_000 })] });
  for (const u of ['viewer1', 'op1', 'eng1']) tokens[u] = (await api.app.inject({ method: 'POST', url: '/api/auth/token', payload: { username: u, password: `${u}-password` } })).json().access_token;
});
after(async () => {
  await service.stop();
  await api.close();
  await bus.close();
  hookServer.close();
});

const call = (user: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
  api.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[user]}` }, ...(payload !== undefined ? { payload: payload as object } : {}) });
const telemetry = (twinId: string, values: Record<string, number>) =>
  bus.publish('telemetry.received', { deviceId: `dev-${twinId}`, twinId, sourceTime: new Date().toISOString(), arrivalTime: new Date().toISOString(), values, properties: {} }, { key: twinId });

test('the demo defaults raise a critical alert for 90 °C on a Cnc (a Machine); it reaches the bus, a signed webhook, the twin', async () => {
  assert.deepEqual(service.listRules().map((r) => r.id), ['machine-overpressure', 'machine-overtemperature', 'machine-vibration', 'oee-low']);
  await telemetry('cnc-1', { temperature: 90 });
  await telemetry('other-twin', { temperature: 99 }); // not a Machine: out of scope
  await until(async () => (await call('viewer1', 'GET', '/api/alerts?state=open')).json().value.length === 1, 'the alert');
  const [alert] = (await call('viewer1', 'GET', '/api/alerts?state=open')).json().value;
  assert.equal(alert.ruleId, 'machine-overtemperature');
  assert.equal(alert.severity, 'critical');
  assert.equal(alert.message, 'cnc-1: temperature 90 °C is above 85 °C');
  await until(() => hooks.length === 1 && busEvents.includes('alert.raised:critical'), 'webhook and bus');
  const hook = hooks[0] as { body: string; signature: string };
  assert.equal(hook.signature, `sha256=${createHmac('sha256', 's3cret').update(hook.body).digest('hex')}`);
  assert.equal(JSON.parse(hook.body).event, 'alert.raised');
  assert.deepEqual(patches.at(-1), ['cnc-1', [{ op: 'add', path: '/activeAlerts', value: 1 }]]);
});

test('operators acknowledge, viewers may not; the condition clearing resolves; history is queryable', async () => {
  const [open] = (await call('viewer1', 'GET', '/api/alerts?state=open')).json().value;
  assert.equal((await call('viewer1', 'POST', `/api/alerts/${open.id}/acknowledge`, {})).json().code, 'auth.forbidden');
  const acked = await call('op1', 'POST', `/api/alerts/${open.id}/acknowledge`, { note: 'coolant low' });
  assert.equal(acked.statusCode, 200);
  assert.equal(acked.json().acknowledgedBy, 'op1');
  assert.equal((await call('op1', 'POST', `/api/alerts/${open.id}/acknowledge`, {})).json().code, 'alerts.invalid_transition');
  await telemetry('cnc-1', { temperature: 80 });
  await until(async () => (await call('viewer1', 'GET', `/api/alerts/${open.id}`)).json().state === 'resolved', 'auto-resolve');
  assert.deepEqual((await call('viewer1', 'GET', `/api/alerts/${open.id}`)).json().history.map((h: { change: string }) => h.change), ['raised', 'acknowledged', 'resolved']);
  assert.deepEqual(patches.at(-1), ['cnc-1', [{ op: 'add', path: '/activeAlerts', value: 0 }]]);
  assert.equal((await call('viewer1', 'GET', '/api/alerts?state=resolved&twin=cnc-1')).json().value.length, 1);
  assert.equal((await call('viewer1', 'GET', '/api/alerts/nope')).json().code, 'alerts.alert_not_found');
});

test('engineers edit rules, operators may not; bad rules are refused with the path', async () => {
  const rule = { id: 'spindle-heartbeat', name: 'Spindle silent', severity: 'warning', scope: { twins: ['cnc-1'] }, condition: { kind: 'noData', signal: 'speed', after: '2m' } };
  assert.equal((await call('op1', 'POST', '/api/alerts/rules', rule)).json().code, 'auth.forbidden');
  const created = await call('eng1', 'POST', '/api/alerts/rules', rule);
  assert.equal(created.statusCode, 201);
  assert.equal(created.json().condition.after, 120);
  assert.equal((await call('eng1', 'POST', '/api/alerts/rules', rule)).json().code, 'alerts.rule_exists');
  const bad = await call('eng1', 'PUT', '/api/alerts/rules/spindle-heartbeat', { ...rule, condition: { kind: 'noData', after: 'later' } });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().code, 'alerts.invalid_rule');
  // The heartbeat fires two minutes after the rule started watching.
  await service.tick(Date.now() + 121_000);
  await until(async () => (await call('viewer1', 'GET', '/api/alerts?rule=spindle-heartbeat&state=open')).json().value.length === 1, 'heartbeat alert');
  assert.equal((await call('eng1', 'DELETE', '/api/alerts/rules/spindle-heartbeat')).statusCode, 204);
  assert.equal((await call('viewer1', 'GET', '/api/alerts?rule=spindle-heartbeat&state=open')).json().value.length, 0, 'deleting a rule resolves its alerts');
  assert.equal((await call('viewer1', 'GET', '/api/alerts/rules/spindle-heartbeat')).json().code, 'alerts.rule_not_found');
});

test('browsers get a live stream of alert events (server-sent events)', async () => {
  const { httpPort } = await api.listen({ host: '127.0.0.1', httpPort: 0 });
  const res = await new Promise<IncomingMessage>((resolve) => httpGet({ host: '127.0.0.1', port: httpPort, path: '/api/alerts/stream', headers: { authorization: `Bearer ${tokens['viewer1']}` } }, resolve));
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /text\/event-stream/);
  let text = '';
  res.setEncoding('utf8');
  res.on('data', (c: string) => (text += c));
  await until(() => service.stream.size === 1, 'subscription');
  await telemetry('cnc-1', { vibration: 7 });
  await until(() => text.includes('event: alert.raised'), 'an event');
  const data = /data: (.*)\n/.exec(text.slice(text.indexOf('event: alert.raised')))?.[1];
  assert.equal(JSON.parse(data ?? '{}').alert.ruleId, 'machine-vibration');
  res.destroy();
  await until(() => service.stream.size === 0, 'unsubscribe on close');
});

test('the web app’s query form (twinId=, state=active,acknowledged) and external alerts by source; operators acknowledge those too', async () => {
  const pdm = await service.raiseExternal({ source: 'pdm', key: 'dev-cnc-1', twinId: 'cnc-1', severity: 'warning', title: 'Bearing wear predicted', message: 'Replace the spindle bearing within 2 days', messageKey: 'pdm.action.bearingWear', messageParams: { due: '2 days' } });
  const bySource = (await call('viewer1', 'GET', '/api/alerts?source=pdm')).json().value;
  assert.deepEqual(bySource.map((a: { id: string }) => a.id), [pdm.id]);
  assert.equal(bySource[0].messageKey, 'pdm.action.bearingWear');
  assert.equal((await call('op1', 'POST', `/api/alerts/${pdm.id}/acknowledge`, { note: 'planned for Friday' })).json().state, 'acknowledged');
  const live = (await call('viewer1', 'GET', '/api/alerts?twinId=cnc-1&state=active,acknowledged')).json().value as Array<{ id: string; twinId: string; state: string }>;
  assert.ok(live.some((a) => a.id === pdm.id), 'the acknowledged external alert is listed');
  assert.ok(live.every((a) => a.twinId === 'cnc-1' && (a.state === 'active' || a.state === 'acknowledged')), JSON.stringify(live));
  assert.deepEqual((await call('viewer1', 'GET', '/api/alerts?twinId=no-such-twin')).json().value, []);
  assert.equal((await call('viewer1', 'GET', '/api/alerts?state=active,bogus')).statusCode, 400);
  assert.equal((await service.clearExternal('pdm', 'dev-cnc-1'))?.state, 'resolved');
});
