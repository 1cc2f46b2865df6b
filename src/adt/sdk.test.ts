/**
 * The official @azure/digital-twins-core SDK against Twinworks over HTTPS, unchanged: a token from
 * POST /api/auth/token through a small TokenCredential, the generated self-signed certificate trusted
 * by the test, and the SDK's own calls for models, twins, relationships, queries, patches with ETags
 * and deletes. Expected values are worked out from the graph the test builds.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DigitalTwinsClient } from '@azure/digital-twins-core';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { ensureTlsMaterial } from '../tls/index.js';
import { demoModelDocuments, M } from '../twins/testing/fixtures.js';
import { startHarness, type Harness } from './testing/server.js';

let h: Harness;
let client: DigitalTwinsClient;
let dataDir: string;
let endpoint: string;

function postJson(url: string, body: unknown, ca: string): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: 'POST', ca, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? (JSON.parse(text) as unknown) : undefined }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** A TokenCredential that signs in at the platform's token endpoint (the SDK asks for ADT's scope; we ignore it). */
class PlatformCredential implements TokenCredential {
  calls = 0;
  constructor(private readonly base: string, private readonly ca: string) {}
  async getToken(): Promise<AccessToken> {
    this.calls++;
    const res = await postJson(`${this.base}/api/auth/token`, { username: 'admin', password: 'admin-password' }, this.ca);
    if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}`);
    const body = res.json as { access_token: string; expires_in: number };
    return { token: body.access_token, expiresOnTimestamp: Date.now() + body.expires_in * 1000 };
  }
}

let credential: PlatformCredential;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tw-adt-sdk-'));
  const tls = await ensureTlsMaterial({ dataDir });
  h = await startHarness({ tls: { cert: tls.cert, key: tls.key } });
  const ports = await h.api.listen({ host: '127.0.0.1', httpPort: 0, httpsPort: 0 });
  endpoint = `https://localhost:${ports.httpsPort}`;
  // The SDK's HTTP client (core-http) uses Node's global HTTPS agent when keep-alive is off, so
  // trusting our CA there is enough; NODE_EXTRA_CA_CERTS would only work at process start.
  https.globalAgent.options.ca = tls.cert;
  credential = new PlatformCredential(endpoint, tls.cert);
  client = new DigitalTwinsClient(endpoint, credential, { keepAliveOptions: { enable: false }, retryOptions: { maxRetries: 0 } });
});

after(async () => {
  await h?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function all<T>(iter: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iter) out.push(x);
  return out;
}

test('the ADT SDK runs models → twins → relationships → queries → patches with ETags → deletes', async () => {
  // Models
  const created = await client.createModels(demoModelDocuments());
  assert.equal(created.length, 14);
  const model = await client.getModel(M.robot, true);
  assert.equal(model.id, M.robot);
  assert.equal((model.model as { '@id': string })['@id'], M.robot);
  const deps = (await all(client.listModels([M.cnc], false))).map((m) => m.id).sort();
  assert.deepEqual(deps, [M.cnc, M.equipment, M.machine, M.spindle, M.workCell].sort());

  // Twins: a line with two cells of four machines.
  await client.upsertDigitalTwin('LINE-9', JSON.stringify({ $metadata: { $model: M.line }, name: 'LINE-9', lineNumber: 9 }));
  const kinds: Array<[string, string, Record<string, unknown>]> = [
    ['CNC', M.cnc, { spindle: { $metadata: {} } }],
    ['ROBOT', M.robot, { gripper: { $metadata: {} } }],
    ['CONVEYOR', M.conveyor, {}],
    ['QC', M.quality, {}],
  ];
  for (const [code, modelId, extra] of kinds) {
    const res = await client.upsertDigitalTwin(`L9-${code}`, JSON.stringify({ $metadata: { $model: modelId }, state: 'running', speed: code === 'CNC' ? 0.9 : 1, ...extra }), { ifNoneMatch: '*' });
    assert.equal(res.etag, (res.body as { $etag: string }).$etag);
  }
  await assert.rejects(client.upsertDigitalTwin('L9-QC', JSON.stringify({ $metadata: { $model: M.quality } }), { ifNoneMatch: '*' }), (err: { statusCode?: number; code?: string }) => {
    assert.equal(err.statusCode, 412);
    assert.equal(err.code, 'PreconditionFailed');
    return true;
  });

  // Relationships: contains from the line, feeds in flow order.
  for (const [code] of kinds) await client.upsertRelationship('LINE-9', `has-${code}`, { $relationshipName: 'contains', $targetId: `L9-${code}` });
  for (let i = 0; i + 1 < kinds.length; i++) {
    await client.upsertRelationship(`L9-${kinds[i]![0]}`, 'next', { $relationshipName: 'feeds', $targetId: `L9-${kinds[i + 1]![0]}`, bufferCapacity: i + 4 });
  }
  const outgoing = await all(client.listRelationships('LINE-9'));
  assert.equal(outgoing.length, 4);
  const incoming = await all(client.listIncomingRelationships('L9-ROBOT'));
  assert.deepEqual(incoming.map((r) => `${r.sourceId}:${r.relationshipName}`).sort(), ['L9-CNC:feeds', 'LINE-9:contains']);
  const rel = await client.getRelationship('L9-ROBOT', 'next');
  assert.equal((rel.body as { bufferCapacity: number }).bufferCapacity, 5);

  // Queries: IS_OF_MODEL (subtypes count), JOIN, 3-hop MATCH, and paging through the SDK's iterator.
  const machines = await all(client.queryTwins(`SELECT * FROM DIGITALTWINS WHERE IS_OF_MODEL('${M.machine}')`));
  assert.equal(machines.length, 4);
  const joined = await all(client.queryTwins("SELECT M FROM DIGITALTWINS L JOIN M RELATED L.contains WHERE L.$dtId = 'LINE-9' AND M.speed < 1"));
  assert.deepEqual(joined.map((r) => (r as { M: { $dtId: string } }).M.$dtId), ['L9-CNC']);
  const matched = await all(client.queryTwins("SELECT q FROM DIGITALTWINS MATCH (c)-[:feeds*3]->(q) WHERE c.$dtId = 'L9-CNC'"));
  assert.deepEqual(matched.map((r) => (r as { q: { $dtId: string } }).q.$dtId), ['L9-QC']);
  const pages = [];
  for await (const p of client.queryTwins(`SELECT T.$dtId FROM DIGITALTWINS T WHERE IS_OF_MODEL('${M.equipment}')`, 2).byPage()) pages.push(p);
  assert.equal(pages.length, 3, 'five twins in pages of two');
  assert.equal(pages.flatMap((p) => p.value ?? []).length, 5);
  assert.ok(Number(pages[0]!.queryCharge) >= 2);

  // Patches with ETags: the first wins, the stale one is refused, the write shows in the next query at once.
  const before = await client.getDigitalTwin('L9-CNC');
  const patched = await client.updateDigitalTwin('L9-CNC', [{ op: 'replace', path: '/speed', value: 0.5 }], { ifMatch: before.etag });
  assert.notEqual(patched.etag, before.etag);
  await assert.rejects(client.updateDigitalTwin('L9-CNC', [{ op: 'replace', path: '/speed', value: 0.1 }], { ifMatch: before.etag }), (err: { statusCode?: number }) => err.statusCode === 412);
  const slow = await all(client.queryTwins(`SELECT T.$dtId, T.speed FROM DIGITALTWINS T WHERE IS_OF_MODEL('${M.machine}') AND T.speed = 0.5`));
  assert.deepEqual(slow, [{ $dtId: 'L9-CNC', speed: 0.5 }]);
  await client.updateComponent('L9-CNC', 'spindle', [{ op: 'add', path: '/maxRpm', value: 15000 }]);
  assert.equal(((await client.getComponent('L9-CNC', 'spindle')).body as { maxRpm: number }).maxRpm, 15000);
  await client.updateRelationship('L9-ROBOT', 'next', [{ op: 'replace', path: '/bufferCapacity', value: 7 }]);
  await assert.rejects(client.updateDigitalTwin('L9-CNC', [{ op: 'add', path: '/speed', value: 'fast' }]), (err: { code?: string }) => err.code === 'ValidationFailed');

  // Deletes: relationships first, then twins, then a model nobody uses.
  await assert.rejects(client.deleteDigitalTwin('L9-QC'), (err: { code?: string }) => err.code === 'RelationshipsNotDeleted');
  for (const r of await all(client.listRelationships('LINE-9'))) await client.deleteRelationship('LINE-9', (r as { $relationshipId: string }).$relationshipId);
  for (const [code] of kinds) for (const r of await all(client.listRelationships(`L9-${code}`))) await client.deleteRelationship(`L9-${code}`, (r as { $relationshipId: string }).$relationshipId);
  for (const id of ['LINE-9', ...kinds.map(([c]) => `L9-${c}`)]) await client.deleteDigitalTwin(id);
  const left = await all(client.queryTwins('SELECT COUNT() FROM DIGITALTWINS'));
  assert.deepEqual(left, [{ COUNT: 0 }]);
  await client.decomissionModel(M.crew);
  assert.equal((await client.getModel(M.crew)).decommissioned, true);
  await assert.rejects(client.deleteModel(M.crew), (err: { code?: string }) => err.code === 'ModelReferencesNotDeleted');
  await client.deleteModel(M.quality);
  await assert.rejects(client.getModel(M.quality), (err: { statusCode?: number; code?: string }) => err.statusCode === 404 && err.code === 'ModelNotFound');
  assert.ok(credential.calls >= 1);
});

test('the ADT SDK manages event routes', async () => {
  await h.routing.putEndpoint('ops-hook', { kind: 'webhook', url: 'http://127.0.0.1:9/hook' });
  await client.upsertEventRoute('updates', 'ops-hook', "type = 'Microsoft.DigitalTwins.Twin.Update'");
  await client.upsertEventRoute('all', 'ops-hook', 'true');
  const got = await client.getEventRoute('updates');
  assert.deepEqual({ id: got.id, endpointName: got.endpointName, filter: got.filter }, { id: 'updates', endpointName: 'ops-hook', filter: "type = 'Microsoft.DigitalTwins.Twin.Update'" });
  assert.deepEqual((await all(client.listEventRoutes())).map((r) => r.id), ['all', 'updates']);
  await assert.rejects(client.upsertEventRoute('x', 'nowhere', 'true'), (err: { code?: string }) => err.code === 'EventRouteEndpointInvalid');
  await assert.rejects(client.upsertEventRoute('x', 'ops-hook', 'type = '), (err: { code?: string }) => err.code === 'EventRouteFilterInvalid');
  await client.deleteEventRoute('all');
  await client.deleteEventRoute('updates');
  await assert.rejects(client.getEventRoute('all'), (err: { statusCode?: number; code?: string }) => err.statusCode === 404 && err.code === 'EventRouteNotFound');
});
