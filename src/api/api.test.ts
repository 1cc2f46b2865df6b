import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryStorage } from '../storage/index.js';
import { createAuthService, type AuthService } from '../auth/index.js';
import { createMetrics, silentLogger } from '../observability/index.js';
import { createApiServer, type ApiServer } from './index.js';

let api: ApiServer;
let auth: AuthService;
let ready = true;

before(async () => {
  const store = createMemoryStorage();
  await store.open();
  auth = await createAuthService(store);
  await auth.ensureFirstAdmin('admin-password');
  await auth.users.create({ username: 'viewer1', password: 'viewer-pass', roles: ['viewer'] });
  await auth.users.create({ username: 'eng1', password: 'engineer-pass', roles: ['engineer'] });
  api = await createApiServer({
    logger: silentLogger(),
    metrics: createMetrics(),
    auth,
    readinessChecks: [{ name: 'store', check: async () => (ready ? undefined : 'store unreachable') }],
  });
});

async function tokenFor(username: string, password: string): Promise<string> {
  const res = await api.app.inject({ method: 'POST', url: '/api/auth/token', payload: { username, password } });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().access_token;
}

function assertProblem(res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }, status: number, code: string): Record<string, unknown> {
  assert.equal(res.statusCode, status);
  assert.match(String(res.headers['content-type']), /application\/problem\+json/);
  const body = res.json() as Record<string, unknown>;
  assert.equal(body['code'], code);
  assert.equal(body['status'], status);
  assert.equal(typeof body['detail'], 'string');
  return body;
}

test('health is open; readiness reports each check and fails with 503', async () => {
  assert.equal((await api.app.inject({ url: '/healthz' })).statusCode, 200);
  const ok = await api.app.inject({ url: '/readyz' });
  assert.deepEqual(ok.json(), { status: 'ready', checks: { store: 'ok' } });
  ready = false;
  const bad = await api.app.inject({ url: '/readyz' });
  ready = true;
  assert.equal(bad.statusCode, 503);
  assert.deepEqual(bad.json(), { status: 'not_ready', checks: { store: 'store unreachable' } });
});

test('the token endpoint returns the documented shape and refuses bad passwords', async () => {
  const res = await api.app.inject({ method: 'POST', url: '/api/auth/token', payload: { username: 'admin', password: 'admin-password' } });
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'token_type']);
  assert.equal(body.token_type, 'Bearer');
  assert.equal(body.expires_in, 3600);
  assert.equal(res.headers['cache-control'], 'no-store');
  const bad = await api.app.inject({ method: 'POST', url: '/api/auth/token', payload: { username: 'admin', password: 'nope' } });
  assertProblem(bad, 401, 'auth.invalid_credentials');
});

test('protected routes need credentials and say how to get them', async () => {
  const res = await api.app.inject({ url: '/api/auth/me' });
  const body = assertProblem(res, 401, 'auth.missing_credentials');
  assert.match(String(body['detail']), /POST \/api\/auth\/token/);
  assert.match(String(res.headers['www-authenticate']), /^Bearer/);
  assertProblem(await api.app.inject({ url: '/api/auth/me', headers: { authorization: 'Bearer not.a.token' } }), 401, 'auth.invalid_token');
  assertProblem(await api.app.inject({ url: '/metrics' }), 401, 'auth.missing_credentials');
});

test('roles are checked per route: a viewer may read but not administer', async () => {
  const viewer = await tokenFor('viewer1', 'viewer-pass');
  const me = await api.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${viewer}` } });
  assert.deepEqual(me.json(), { username: 'viewer1', roles: ['viewer'], via: 'token' });
  const users = await api.app.inject({ url: '/api/users', headers: { authorization: `Bearer ${viewer}` } });
  const body = assertProblem(users, 403, 'auth.forbidden');
  assert.equal(body['permission'], 'users.manage');
  assertProblem(await api.app.inject({ method: 'POST', url: '/api/auth/api-keys', headers: { authorization: `Bearer ${viewer}` }, payload: { name: 'x' } }), 403, 'auth.forbidden');
});

test('bad input gets a problem with a stable code, never a crash', async () => {
  const malformed = await api.app.inject({ method: 'POST', url: '/api/auth/token', headers: { 'content-type': 'application/json' }, payload: '{"username": "admin", ' });
  assertProblem(malformed, 400, 'api.malformed_json');
  const missing = await api.app.inject({ method: 'POST', url: '/api/auth/token', payload: { username: 'admin' } });
  const body = assertProblem(missing, 400, 'api.invalid_request');
  assert.match(String(body['detail']), /password/);
  assertProblem(await api.app.inject({ url: '/api/nothing-here' }), 404, 'api.route_not_found');
});

test('admins manage users through the API; problems name the field', async () => {
  const admin = await tokenFor('admin', 'admin-password');
  const headers = { authorization: `Bearer ${admin}` };
  const created = await api.app.inject({ method: 'POST', url: '/api/users', headers, payload: { username: 'tech1', password: 'technician-pass', roles: ['technician'] } });
  assert.equal(created.statusCode, 201);
  assert.equal(created.json().passwordHash, undefined);
  assertProblem(await api.app.inject({ method: 'POST', url: '/api/users', headers, payload: { username: 'tech1', password: 'technician-pass', roles: ['technician'] } }), 409, 'auth.user_exists');
  assertProblem(await api.app.inject({ method: 'POST', url: '/api/users', headers, payload: { username: 'tech2', password: 'short', roles: ['technician'] } }), 400, 'auth.invalid_user');
  assertProblem(await api.app.inject({ method: 'POST', url: '/api/users', headers, payload: { username: 'tech2', password: 'long-enough', roles: ['chief'] } }), 400, 'api.invalid_request');
  await tokenFor('tech1', 'technician-pass');
  assert.equal((await api.app.inject({ method: 'DELETE', url: '/api/users/tech1', headers })).statusCode, 204);
  assertProblem(await api.app.inject({ method: 'POST', url: '/api/auth/token', payload: { username: 'tech1', password: 'technician-pass' } }), 401, 'auth.invalid_credentials');
});

test('API keys are shown once, work as Bearer and X-API-Key, scrape metrics, and die when revoked', async () => {
  const eng = await tokenFor('eng1', 'engineer-pass');
  const created = await api.app.inject({ method: 'POST', url: '/api/auth/api-keys', headers: { authorization: `Bearer ${eng}` }, payload: { name: 'prometheus' } });
  assert.equal(created.statusCode, 201);
  const { key, id } = created.json();
  const viaBearer = await api.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${key}` } });
  assert.deepEqual(viaBearer.json(), { username: 'eng1', roles: ['engineer'], via: 'api_key' });
  const viaHeader = await api.app.inject({ url: '/api/auth/me', headers: { 'x-api-key': key } });
  assert.equal(viaHeader.statusCode, 200);
  const listed = await api.app.inject({ url: '/api/auth/api-keys', headers: { authorization: `Bearer ${eng}` } });
  assert.deepEqual(listed.json().value.map((k: { id: string }) => k.id), [id]);
  assert.equal(JSON.stringify(listed.json()).includes(key), false);

  const metrics = await api.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${key}` } });
  assert.equal(metrics.statusCode, 200);
  assert.match(metrics.body, /twinworks_http_requests_total\{[^}]*route="\/api\/auth\/me"[^}]*status="200"/);
  assert.match(metrics.body, /twinworks_auth_failures_total\{[^}]*reason="auth\.invalid_credentials"/);

  // Another user cannot revoke it (it looks missing to them); the owner can.
  const other = await api.app.inject({ method: 'POST', url: '/api/users', headers: { authorization: `Bearer ${await tokenFor('admin', 'admin-password')}` }, payload: { username: 'eng2', password: 'engineer-pass', roles: ['engineer'] } });
  assert.equal(other.statusCode, 201);
  const eng2 = await tokenFor('eng2', 'engineer-pass');
  assertProblem(await api.app.inject({ method: 'DELETE', url: `/api/auth/api-keys/${id}`, headers: { authorization: `Bearer ${eng2}` } }), 404, 'auth.api_key_not_found');
  assert.equal((await api.app.inject({ method: 'DELETE', url: `/api/auth/api-keys/${id}`, headers: { authorization: `Bearer ${eng}` } })).statusCode, 204);
  assertProblem(await api.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${key}` } }), 401, 'auth.invalid_token');
});

test('a route module that forgets to declare a permission cannot be registered', async () => {
  await assert.rejects(
    createApiServer(
      { logger: silentLogger(), metrics: createMetrics(), auth, readinessChecks: [] },
      { modules: [{ name: 'careless', register: (app) => void app.get('/api/open-by-mistake', async () => 'oops') }] },
    ),
    /declares no permission/,
  );
});

test('one OpenAPI document describes every route with its permission and schemas', async () => {
  const admin = await tokenFor('admin', 'admin-password');
  assertProblem(await api.app.inject({ url: '/api/openapi.json' }), 401, 'auth.missing_credentials');
  const res = await api.app.inject({ url: '/api/openapi.json', headers: { authorization: `Bearer ${admin}` } });
  assert.equal(res.statusCode, 200);
  const doc = res.json();
  assert.equal(doc.openapi, '3.1.0');
  const token = doc.paths['/api/auth/token'].post;
  assert.equal(token['x-permission'], 'public');
  assert.deepEqual(token.security, []);
  assert.deepEqual(token.requestBody.content['application/json'].schema.required, ['username', 'password']);
  const del = doc.paths['/api/users/{username}'].delete;
  assert.equal(del['x-permission'], 'users.manage');
  assert.deepEqual(del.parameters, [{ name: 'username', in: 'path', required: true, schema: { type: 'string' } }]);
  assert.ok(doc.paths['/metrics'].get);
  assert.ok(doc.components.schemas.ErrorCode.enum.includes('auth.forbidden'));
  // Every route registered is in the document, nothing more.
  const documented = Object.values(doc.paths as Record<string, Record<string, unknown>>).reduce((n, ops) => n + Object.keys(ops).length, 0);
  assert.equal(documented, 14); // 3 system + 5 auth + 5 users + this document
});
