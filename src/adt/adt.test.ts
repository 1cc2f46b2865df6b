import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { demoModelDocuments, M } from '../twins/testing/fixtures.js';
import { startHarness, type Harness } from './testing/server.js';

let h: Harness;
const V = 'api-version=2023-10-31';

before(async () => {
  h = await startHarness();
});

type Res = Awaited<ReturnType<Harness['api']['app']['inject']>>;

async function call(method: string, url: string, options: { body?: unknown; headers?: Record<string, string>; user?: 'admin' | 'viewer' | 'none'; patch?: boolean } = {}): Promise<Res> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.user !== 'none') headers['authorization'] = `Bearer ${await h.token(options.user === 'viewer' ? 'viewer' : 'admin')}`;
  if (options.body !== undefined) headers['content-type'] = options.patch ? 'application/json-patch+json' : 'application/json';
  return h.api.app.inject({ method: method as 'GET', url, headers, ...(options.body !== undefined ? { payload: JSON.stringify(options.body) } : {}) });
}

function assertAdtError(res: Res, status: number, code: string): void {
  assert.equal(res.statusCode, status, res.body);
  assert.equal(res.headers['x-ms-error-code'], code);
  const body = res.json() as { error: { code: string; message: string } };
  assert.equal(body.error.code, code);
  assert.equal(typeof body.error.message, 'string');
}

test('api-version is required and checked; auth errors come in ADT shape', async () => {
  assertAdtError(await call('GET', '/models'), 400, 'MissingApiVersionParameter');
  assertAdtError(await call('GET', '/models?api-version=1999-01-01'), 400, 'UnsupportedApiVersion');
  assertAdtError(await call('GET', `/models?${V}`, { user: 'none' }), 401, 'Unauthorized');
  assertAdtError(await call('POST', `/models?${V}`, { user: 'viewer', body: [] }), 403, 'Forbidden');
});

test('models: 201 on upload, 409 on a repeat, 400 DTDLParserError for invalid DTDL, list and get', async () => {
  const up = await call('POST', `/models?${V}`, { body: demoModelDocuments() });
  assert.equal(up.statusCode, 201, up.body);
  assert.equal((up.json() as unknown[]).length, 14);
  assertAdtError(await call('POST', `/models?${V}`, { body: [demoModelDocuments()[0]] }), 409, 'ModelAlreadyExists');
  assertAdtError(await call('POST', `/models?${V}`, { body: [{ '@context': 'dtmi:dtdl:context;3', '@id': 'dtmi:t:X;1', '@type': 'Interface', contents: 5 }] }), 400, 'DTDLParserError');
  const one = await call('GET', `/models/${encodeURIComponent(M.cnc)}?${V}&includeModelDefinition=true`);
  assert.equal(one.statusCode, 200);
  const data = one.json() as { id: string; decommissioned: boolean; model: { '@id': string }; displayName: Record<string, string> };
  assert.equal(data.id, M.cnc);
  assert.equal(data.decommissioned, false);
  assert.equal(data.model['@id'], M.cnc);
  assert.equal(data.displayName['en'], 'CNC machine');
  const page1 = await call('GET', `/models?${V}`, { headers: { 'max-items-per-page': '10' } });
  const body1 = page1.json() as { value: Array<{ id: string; model?: unknown }>; nextLink: string };
  assert.equal(body1.value.length, 10);
  assert.equal(body1.value[0]?.model, undefined);
  const next = new URL(body1.nextLink);
  assert.equal(next.pathname, '/models');
  const page2 = await call('GET', `${next.pathname}${next.search}`, { headers: { 'max-items-per-page': '10' } });
  const body2 = page2.json() as { value: Array<{ id: string }>; nextLink: string | null };
  assert.equal(body2.value.length, 4);
  assert.equal(body2.nextLink, null);
  assert.equal(new Set([...body1.value, ...body2.value].map((m) => m.id)).size, 14);
  assertAdtError(await call('GET', `/models/${encodeURIComponent('dtmi:no:Such;1')}?${V}`), 404, 'ModelNotFound');
  assertAdtError(await call('DELETE', `/models/${encodeURIComponent(M.machine)}?${V}`), 409, 'ModelReferencesNotDeleted');
});

test('twins: PUT 200 + ETag, If-None-Match, PATCH 204 with json-patch, If-Match 412, 404, ids with slashes', async () => {
  const id = 'line/1';
  const put = await call('PUT', `/digitaltwins/${encodeURIComponent(id)}?${V}`, { body: { $metadata: { $model: M.line }, name: 'LINE-1' }, headers: { 'if-none-match': '*' } });
  assert.equal(put.statusCode, 200, put.body);
  const twin = put.json() as { $dtId: string; $etag: string };
  assert.equal(twin.$dtId, id);
  assert.equal(put.headers['etag'], twin.$etag);
  assertAdtError(await call('PUT', `/digitaltwins/${encodeURIComponent(id)}?${V}`, { body: { $metadata: { $model: M.line } }, headers: { 'if-none-match': '*' } }), 412, 'PreconditionFailed');
  const patch = await call('PATCH', `/digitaltwins/${encodeURIComponent(id)}?${V}`, { body: [{ op: 'add', path: '/product', value: 'gear' }], patch: true, headers: { 'if-match': twin.$etag } });
  assert.equal(patch.statusCode, 204, patch.body);
  assert.notEqual(patch.headers['etag'], twin.$etag);
  assertAdtError(await call('PATCH', `/digitaltwins/${encodeURIComponent(id)}?${V}`, { body: [{ op: 'add', path: '/product', value: 'x' }], patch: true, headers: { 'if-match': twin.$etag } }), 412, 'PreconditionFailed');
  assertAdtError(await call('PATCH', `/digitaltwins/${encodeURIComponent(id)}?${V}`, { body: [{ op: 'add', path: '/product', value: 5 }], patch: true }), 400, 'ValidationFailed');
  assertAdtError(await call('PATCH', `/digitaltwins/${encodeURIComponent(id)}?${V}`, { body: { op: 'add' }, patch: true }), 400, 'JsonPatchInvalid');
  const got = await call('GET', `/digitaltwins/${encodeURIComponent(id)}?${V}`);
  assert.equal((got.json() as { product: string }).product, 'gear');
  assert.equal(got.headers['etag'], patch.headers['etag']);
  assertAdtError(await call('GET', `/digitaltwins/nobody?${V}`), 404, 'DigitalTwinNotFound');
  assertAdtError(await call('PUT', `/digitaltwins/x?${V}`, { body: { $metadata: { $model: M.line }, lineNumber: 'one' } }), 400, 'ValidationFailed');
});

test('relationships: create, list pages with nextLink, incoming with links, delete rules', async () => {
  for (const id of ['L', 'a', 'b', 'c']) {
    const body = id === 'L' ? { $metadata: { $model: M.line } } : { $metadata: { $model: M.conveyor } };
    assert.equal((await call('PUT', `/digitaltwins/${id}?${V}`, { body })).statusCode, 200);
  }
  for (const t of ['a', 'b', 'c']) {
    const r = await call('PUT', `/digitaltwins/L/relationships/has-${t}?${V}`, { body: { $relationshipName: 'contains', $targetId: t } });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.headers['etag'], (r.json() as { $etag: string }).$etag);
  }
  assertAdtError(await call('PUT', `/digitaltwins/a/relationships/x?${V}`, { body: { $relationshipName: 'feeds', $targetId: 'a' } }), 400, 'OperationNotAllowed');
  assertAdtError(await call('PUT', `/digitaltwins/a/relationships/x?${V}`, { body: { $relationshipName: 'feeds', $targetId: 'zz' } }), 404, 'TargetTwinNotFound');
  assertAdtError(await call('PUT', `/digitaltwins/a/relationships/x?${V}`, { body: { $relationshipName: 'contains', $targetId: 'b' } }), 400, 'InvalidRelationship');
  const first = await call('GET', `/digitaltwins/L/relationships?${V}`, { headers: { 'max-items-per-page': '2' } });
  const p1 = first.json() as { value: Array<{ $relationshipId: string }>; nextLink: string };
  assert.equal(p1.value.length, 2);
  const u = new URL(p1.nextLink);
  const p2 = (await call('GET', u.pathname + u.search, { headers: { 'max-items-per-page': '2' } })).json() as { value: Array<{ $relationshipId: string }>; nextLink: null };
  assert.deepEqual([...p1.value, ...p2.value].map((r) => r.$relationshipId), ['has-a', 'has-b', 'has-c']);
  assert.equal(p2.nextLink, null);
  const inc = (await call('GET', `/digitaltwins/b/incomingrelationships?${V}`)).json() as { value: unknown[] };
  assert.deepEqual(inc.value, [{ $relationshipId: 'has-b', $sourceId: 'L', $relationshipName: 'contains', $relationshipLink: '/digitaltwins/L/relationships/has-b' }]);
  assertAdtError(await call('DELETE', `/digitaltwins/b?${V}`), 400, 'RelationshipsNotDeleted');
  assert.equal((await call('DELETE', `/digitaltwins/L/relationships/has-b?${V}`)).statusCode, 204);
  assertAdtError(await call('GET', `/digitaltwins/L/relationships/has-b?${V}`), 404, 'RelationshipNotFound');
  assert.equal((await call('DELETE', `/digitaltwins/b?${V}`)).statusCode, 204);
});

test('query: pages with continuationToken, query-charge header, SqlQueryError and BadRequest', async () => {
  for (let i = 0; i < 5; i++) await call('PUT', `/digitaltwins/crew-${i}?${V}`, { body: { $metadata: { $model: M.crew }, members: i } });
  const q = `SELECT T.$dtId FROM DIGITALTWINS T WHERE IS_OF_MODEL('${M.crew}') AND T.members >= 1`;
  const r1 = await call('POST', `/query?${V}`, { body: { query: q }, headers: { 'max-items-per-page': '3' } });
  assert.equal(r1.statusCode, 200, r1.body);
  const b1 = r1.json() as { value: Array<{ $dtId: string }>; continuationToken: string };
  assert.equal(b1.value.length, 3);
  assert.ok(Number(r1.headers['query-charge']) >= 3);
  const r2 = await call('POST', `/query?${V}`, { body: { query: q, continuationToken: b1.continuationToken }, headers: { 'max-items-per-page': '3' } });
  const b2 = r2.json() as { value: Array<{ $dtId: string }>; continuationToken: string | null };
  assert.equal(b2.continuationToken, null);
  assert.deepEqual([...b1.value, ...b2.value].map((v) => v.$dtId).sort(), ['crew-1', 'crew-2', 'crew-3', 'crew-4']);
  assertAdtError(await call('POST', `/query?${V}`, { body: { query: 'SELEKT * FROM DIGITALTWINS' } }), 400, 'SqlQueryError');
  assertAdtError(await call('POST', `/query?${V}`, { body: { query: q, continuationToken: 'garbage' } }), 400, 'BadRequest');
});

test('components and telemetry', async () => {
  const put = await call('PUT', `/digitaltwins/cnc-9?${V}`, { body: { $metadata: { $model: M.cnc }, spindle: { $metadata: {}, maxRpm: 9000 } } });
  assert.equal(put.statusCode, 200, put.body);
  const comp = await call('GET', `/digitaltwins/cnc-9/components/spindle?${V}`);
  assert.equal((comp.json() as { maxRpm: number }).maxRpm, 9000);
  const p = await call('PATCH', `/digitaltwins/cnc-9/components/spindle?${V}`, { body: [{ op: 'replace', path: '/maxRpm', value: 10000 }], patch: true });
  assert.equal(p.statusCode, 204, p.body);
  assert.equal(h.graph.getTwin('cnc-9')['spindle'] && (h.graph.getTwin('cnc-9')['spindle'] as { maxRpm: number }).maxRpm, 10000);
  assertAdtError(await call('GET', `/digitaltwins/cnc-9/components/nope?${V}`), 404, 'ComponentNotFound');
  const t = await call('POST', `/digitaltwins/cnc-9/telemetry?${V}`, { body: { temperature: 71.5 }, headers: { 'message-id': 'm1' } });
  assert.equal(t.statusCode, 204, t.body);
  assertAdtError(await call('POST', `/digitaltwins/cnc-9/telemetry?${V}`, { body: { temperature: 1 } }), 400, 'InvalidArgument');
});
