import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createApiServer, type ApiServer } from '../../api/index.js';
import { createAuthService, type AuthService } from '../../auth/index.js';
import { createMetrics, silentLogger } from '../../observability/index.js';
import { createMemoryStorage } from '../../storage/index.js';
import { createPdmApiModule } from './api.js';
import { ModelRegistry } from './registry.js';
import { LiveScorer } from './scorer.js';
import { tinyModel } from './testing.js';

const H = 3_600_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');
let api: ApiServer;
let auth: AuthService;
let scorer: LiveScorer;
let registry: ModelRegistry;
let trainCalls: Array<{ from: number; to: number }> = [];
const tokens = new Map<string, string>();

before(async () => {
  const store = createMemoryStorage();
  await store.open();
  auth = await createAuthService(store);
  await auth.ensureFirstAdmin('admin-password');
  await auth.users.create({ username: 'viewer', password: 'viewer-password', roles: ['viewer'] });
  registry = new ModelRegistry(store);
  scorer = new LiveScorer();
  const train = async (w: { from: number; to: number }) => {
    trainCalls.push(w);
    return tinyModel();
  };
  api = await createApiServer({ logger: silentLogger(), metrics: createMetrics(), auth, readinessChecks: [] }, { modules: [createPdmApiModule({ scorer, registry, train })] });
});

after(async () => {
  await api.close();
});

async function call(method: 'GET' | 'POST', url: string, user: 'admin' | 'viewer' | 'none' = 'admin', body?: unknown, headers: Record<string, string> = {}) {
  const h: Record<string, string> = { ...headers };
  if (user !== 'none') {
    let t = tokens.get(user);
    if (!t) {
      t = (await auth.login(user, `${user}-password`)).access_token;
      tokens.set(user, t);
    }
    h['authorization'] = `Bearer ${t}`;
  }
  if (body !== undefined) h['content-type'] = 'application/json';
  return api.app.inject({ method, url, headers: h, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });
}

function feedBearing(deviceId: string, hours: number, high: boolean) {
  for (let h = 0; h < hours; h++) {
    for (let m = 0; m < 60; m += 10) {
      scorer.push(deviceId, { time: T0 + h * H + m * 60_000, values: { state: 'running', vibrationHighBand: high && h >= 48 ? 0.6 : 0.2 } });
    }
  }
}

test('permissions: reads need a login, training and promotion need ml.manage', async () => {
  assert.equal((await call('GET', '/api/ml/machines', 'none')).statusCode, 401);
  assert.equal((await call('GET', '/api/ml/machines', 'viewer')).statusCode, 200);
  assert.equal((await call('POST', '/api/ml/train', 'viewer', { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' })).statusCode, 403);
  assert.equal((await call('POST', '/api/ml/models/1/promote', 'viewer')).statusCode, 403);
});

test('train (waiting), list, promote: the scorer then ranks machines with texts in the asked language', async () => {
  trainCalls = [];
  const bad = await call('POST', '/api/ml/train?wait=true', 'admin', { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().code, 'ml.pdm.bad_window');
  const trained = await call('POST', '/api/ml/train?wait=true', 'admin', { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' });
  assert.equal(trained.statusCode, 201, trained.body);
  assert.equal(trained.json().version, 1);
  assert.deepEqual(trainCalls, [{ from: Date.parse('2026-01-01T00:00:00Z'), to: Date.parse('2026-02-01T00:00:00Z') }]);
  const models = (await call('GET', '/api/ml/models', 'viewer')).json();
  assert.deepEqual(models.value.map((m: { version: number; promoted: boolean }) => [m.version, m.promoted]), [[1, false]]);
  assert.equal(models.training.status, 'done');
  assert.equal(models.training.by, 'admin');

  assert.equal((await call('POST', '/api/ml/models/9/promote')).statusCode, 404);
  const promoted = await call('POST', '/api/ml/models/1/promote');
  assert.equal(promoted.statusCode, 200, promoted.body);
  assert.equal(promoted.json().promoted, true);
  assert.equal(scorer.currentModel?.version, 1);

  feedBearing('LINE-1-CONVEYOR', 55, false);
  feedBearing('LINE-2-CNC', 55, true);
  const list = (await call('GET', '/api/ml/machines?lang=es', 'viewer')).json();
  assert.deepEqual(list.value.map((r: { deviceId: string }) => r.deviceId), ['LINE-2-CNC', 'LINE-1-CONVEYOR']);
  const top = list.value[0];
  assert.equal(top.mode, 'bearingWear');
  assert.equal(top.health, top.healthIndex / 100);
  assert.equal(top.recommendation, 'Sustituir el rodamiento del husillo de LINE-2 CNC en un plazo de 28 horas');
  assert.match(top.explanation[0], /vibración de alta frecuencia/);
  assert.equal(list.model.version, 1);
  // The web app's path answers the same rows; English by Accept-Language.
  const risk = (await call('GET', '/api/ml/risk', 'viewer', undefined, { 'accept-language': 'en-GB' })).json();
  assert.equal(risk.value[0].recommendation, 'Replace the spindle bearing of LINE-2 CNC within 28 hours');

  const one = await call('GET', '/api/ml/machines/LINE-2-CNC', 'viewer');
  assert.equal(one.statusCode, 200);
  assert.equal(one.json().drivers[0].feature, 'vibrationHighBand.dev');
  assert.equal(one.json().modes[0].mode, 'bearingWear');
  assert.equal((await call('GET', '/api/ml/machines/NOPE', 'viewer')).json().code, 'ml.pdm.machine_not_found');

  const recs = (await call('GET', '/api/ml/recommendations', 'viewer')).json();
  assert.equal(recs.value.length, 1);
  assert.equal(recs.value[0].deviceId, 'LINE-2-CNC');
  assert.equal(recs.value[0].text, 'Replace the spindle bearing of LINE-2 CNC within 28 hours');
});

test('a second training while one runs is refused; a failed training is reported', async () => {
  let release!: () => void;
  const store = createMemoryStorage();
  await store.open();
  const reg = new ModelRegistry(store);
  const slow = new Promise<void>((r) => (release = r));
  const server = await createApiServer({ logger: silentLogger(), metrics: createMetrics(), auth, readinessChecks: [] }, {
    modules: [createPdmApiModule({ scorer: new LiveScorer(), registry: reg, train: async () => { await slow; throw new Error('no failures in window'); } })],
  });
  const headers = { authorization: `Bearer ${tokens.get('admin')}`, 'content-type': 'application/json' };
  const payload = JSON.stringify({ from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' });
  const first = await server.app.inject({ method: 'POST', url: '/api/ml/train', headers, payload });
  assert.equal(first.statusCode, 202);
  const second = await server.app.inject({ method: 'POST', url: '/api/ml/train', headers, payload });
  assert.equal(second.statusCode, 409);
  assert.equal(second.json().code, 'ml.pdm.training_busy');
  release();
  await new Promise((r) => setTimeout(r, 10));
  const models = (await server.app.inject({ method: 'GET', url: '/api/ml/models', headers })).json();
  assert.equal(models.training.status, 'failed');
  assert.equal(models.training.error, 'no failures in window');
  await server.close();
});
