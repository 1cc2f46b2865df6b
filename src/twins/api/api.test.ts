import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createApiServer, type ApiServer } from '../../api/index.js';
import { createAuthService } from '../../auth/index.js';
import { createInProcessBus, type EventBus } from '../../bus/index.js';
import { createMetrics, silentLogger } from '../../observability/index.js';
import { createMemoryStorage } from '../../storage/index.js';
import { EventRouting } from '../events/routing.js';
import type { TwinGraph } from '../graph/twin-graph.js';
import { graphWithModels, M } from '../testing/fixtures.js';
import { createTwinsApiModule } from './module.js';

let api: ApiServer;
let bus: EventBus;
let graph: TwinGraph;
let routing: EventRouting;
let token: string;
let port: number;

before(async () => {
  const store = createMemoryStorage();
  await store.open();
  bus = createInProcessBus();
  graph = await graphWithModels(store, bus);
  routing = new EventRouting({ store, bus, source: 'plant.test' });
  await routing.start();
  const auth = await createAuthService(store);
  await auth.ensureFirstAdmin('admin-password');
  token = (await auth.login('admin', 'admin-password')).access_token;
  api = await createApiServer({ logger: silentLogger(), metrics: createMetrics(), auth, readinessChecks: [] }, { modules: [createTwinsApiModule(graph, { routing, bus, source: 'plant.test' })] });
  port = (await api.listen({ host: '127.0.0.1', httpPort: 0 })).httpPort;
});

after(async () => {
  await api.close();
  await routing.stop();
  await bus.close();
});

const inject = (method: string, url: string, body?: unknown, contentType = 'application/json') =>
  api.app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': contentType } : {}) }, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });

test('/api twins: problem details with the twins error code; patch returns the new twin; query and explain', async () => {
  const put = await inject('PUT', '/api/twins/crew-a', { $metadata: { $model: M.crew }, members: 2 });
  assert.equal(put.statusCode, 200, put.body);
  const patched = await inject('PATCH', '/api/twins/crew-a', [{ op: 'replace', path: '/members', value: 3 }], 'application/json-patch+json');
  assert.equal(patched.statusCode, 200, patched.body);
  assert.equal((patched.json() as { members: number }).members, 3);
  const missing = await inject('GET', '/api/twins/none');
  assert.equal(missing.statusCode, 404);
  assert.equal((missing.json() as { code: string }).code, 'twins.twin_not_found');
  const bad = await inject('PATCH', '/api/twins/crew-a', [{ op: 'replace', path: '/members', value: 'many' }]);
  assert.equal(bad.statusCode, 400);
  assert.equal((bad.json() as { code: string }).code, 'twins.validation_failed');
  const q = await inject('POST', '/api/query', { query: `SELECT T.members FROM DIGITALTWINS T WHERE IS_OF_MODEL('${M.crew}')` });
  assert.deepEqual((q.json() as { value: unknown[] }).value, [{ members: 3 }]);
  const plan = await inject('POST', '/api/query/explain', { query: `SELECT T FROM DIGITALTWINS T WHERE IS_OF_MODEL('${M.crew}')` });
  assert.equal(plan.statusCode, 200, plan.body);
  assert.equal(typeof (plan.json() as { text: string }).text, 'string');
  const stats = (await inject('GET', '/api/graph/stats')).json() as { twins: number; models: number };
  assert.equal(stats.twins, 1);
  assert.equal(stats.models, 14);
});

test('/api/events/stream: Server-Sent Events of matching CloudEvents only', async () => {
  const filter = encodeURIComponent("type = 'Microsoft.DigitalTwins.Twin.Update' AND $body.modelId = 'dtmi:twinworks:plant:MaintenanceCrew;1'");
  const received: Array<{ event: string; data: { subject: string; data: { patch: unknown } } }> = [];
  const req = http.get(`http://127.0.0.1:${port}/api/events/stream?filter=${filter}`, { headers: { authorization: `Bearer ${token}` } });
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    req.on('response', resolve);
    req.on('error', reject);
  });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/event-stream/);
  let buffer = '';
  const done = new Promise<void>((resolve) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = block.split('\n');
        const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
        const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
        if (event && data) received.push({ event, data: JSON.parse(data) as (typeof received)[number]['data'] });
        if (received.length === 1) resolve();
      }
    });
  });
  // Wait for the connection comment, i.e. for the subscription to exist.
  await new Promise((r) => setTimeout(r, 50));
  await graph.upsertTwin('m1', { $metadata: { $model: M.conveyor } }); // Create: filtered out
  await graph.patchTwin('m1', [{ op: 'add', path: '/lengthM', value: 3 }]); // another model: filtered out
  await graph.upsertTwin('crew-b', { $metadata: { $model: M.crew }, members: 1 });
  await graph.patchTwin('crew-b', [{ op: 'replace', path: '/members', value: 2 }]);
  await done;
  req.destroy();
  assert.equal(received.length, 1);
  assert.equal(received[0]?.event, 'Microsoft.DigitalTwins.Twin.Update');
  assert.equal(received[0]?.data.subject, 'crew-b');
  assert.deepEqual(received[0]?.data.data.patch, [{ op: 'replace', path: '/members', value: 2 }]);
  const badFilter = await inject('GET', `/api/events/stream?filter=${encodeURIComponent('type ==')}`);
  assert.equal(badFilter.statusCode, 400);
  assert.equal((badFilter.json() as { code: string }).code, 'twins.event_route_filter_invalid');
});

test('/api/endpoints: create, list, refuse a bad definition', async () => {
  const ok = await inject('PUT', '/api/endpoints/hook', { kind: 'webhook', url: 'http://127.0.0.1:9/x' });
  assert.equal(ok.statusCode, 200, ok.body);
  const list = (await inject('GET', '/api/endpoints')).json() as { value: Array<{ name: string; configured: boolean }> };
  assert.deepEqual(list.value.map((e) => [e.name, e.configured]), [['hook', false]]);
  const bad = await inject('PUT', '/api/endpoints/nats', { kind: 'nats', url: 'nats://x:4222', subject: 'a.*' });
  assert.equal(bad.statusCode, 400);
  assert.equal((await inject('DELETE', '/api/endpoints/hook')).statusCode, 204);
});
