import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInProcessBus } from '../../bus/index.js';
import { createMemoryStorage } from '../../storage/index.js';
import { TwinsErrors } from '../errors.js';
import { graphWithModels, M } from '../testing/fixtures.js';
import { EventRouting } from './routing.js';

interface Received {
  readonly contentType: string | undefined;
  readonly event: Record<string, unknown>;
}

/** A webhook receiver on port 0 that fails the first `failFirst` requests with 500. */
async function receiver(failFirst = 0) {
  const got: Received[] = [];
  let calls = 0;
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      calls++;
      if (calls <= failFirst) {
        res.statusCode = 500;
        res.end();
        return;
      }
      got.push({ contentType: req.headers['content-type'], event: JSON.parse(body) as Record<string, unknown> });
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, got, calls: () => calls, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), `timed out waiting for ${what}`);
}

async function setup(failFirst = 0) {
  const store = createMemoryStorage();
  await store.open();
  const bus = createInProcessBus();
  const graph = await graphWithModels(store, bus);
  const hook = await receiver(failFirst);
  const routing = new EventRouting({ store, bus, source: 'plant.test', backoffMs: [10], maxDeliver: 5 });
  await routing.start();
  await routing.putEndpoint('hook', { kind: 'webhook', url: hook.url });
  return { store, bus, graph, hook, routing };
}

test('routes deliver ADT-shaped CloudEvents to a webhook, filtered, in order', async () => {
  const { graph, hook, routing, bus } = await setup();
  try {
    await routing.putRoute('twins', { endpointName: 'hook', filter: "STARTS_WITH(type, 'Microsoft.DigitalTwins.Twin.') AND subject = 'c1'" });
    await graph.upsertTwin('c1', { $metadata: { $model: M.crew }, members: 2 });
    await graph.upsertTwin('c2', { $metadata: { $model: M.crew } });
    await graph.patchTwin('c1', [{ op: 'replace', path: '/members', value: 3 }]);
    await graph.deleteTwin('c1');
    await until(() => hook.got.length === 3, 'three events for c1');
    assert.deepEqual(hook.got.map((g) => g.event['type']), ['Microsoft.DigitalTwins.Twin.Create', 'Microsoft.DigitalTwins.Twin.Update', 'Microsoft.DigitalTwins.Twin.Delete']);
    assert.match(String(hook.got[0]?.contentType), /^application\/cloudevents\+json/);
    const [create, update, del] = hook.got.map((g) => g.event);
    assert.equal(create?.['specversion'], '1.0');
    assert.equal(create?.['source'], 'plant.test');
    assert.equal((create?.['data'] as { $dtId: string }).$dtId, 'c1');
    assert.deepEqual(update?.['data'], { modelId: M.crew, patch: [{ op: 'replace', path: '/members', value: 3 }] });
    assert.equal((del?.['data'] as { members: number }).members, 3, 'Twin.Delete carries the twin as it was');
  } finally {
    await routing.stop();
    await bus.close();
    await hook.close();
  }
});

test('a failing endpoint is retried until it accepts; relationship events have ADT subjects', async () => {
  const { graph, hook, routing, bus } = await setup(2);
  try {
    await routing.putRoute('rels', { endpointName: 'hook', filter: "type = 'Microsoft.DigitalTwins.Relationship.Create'" });
    await graph.upsertTwin('m', { $metadata: { $model: M.conveyor } });
    await graph.upsertTwin('crew', { $metadata: { $model: M.crew } });
    await graph.upsertRelationship('m', 's', { $relationshipName: 'servedBy', $targetId: 'crew' });
    await until(() => hook.got.length === 1, 'the relationship event after two failures');
    assert.equal(hook.calls(), 3);
    assert.equal(hook.got[0]?.event['subject'], 'm/relationships/s');
    assert.equal(routing.stats.failed, 2);
  } finally {
    await routing.stop();
    await bus.close();
    await hook.close();
  }
});

test('route and endpoint rules: unknown endpoint, bad filter, endpoint in use; routes survive a restart', async () => {
  const { store, bus, hook, routing } = await setup();
  try {
    await assert.rejects(routing.putRoute('r', { endpointName: 'nope', filter: 'true' }), (e) => TwinsErrors.is(e, 'endpoint_not_found'));
    await assert.rejects(routing.putRoute('r', { endpointName: 'hook', filter: 'type ==' }), (e) => TwinsErrors.is(e, 'event_route_filter_invalid'));
    await assert.rejects(routing.putEndpoint('bad', { kind: 'webhook', url: 'ftp://x' }), (e) => TwinsErrors.is(e, 'endpoint_invalid'));
    await routing.putRoute('r', { endpointName: 'hook', filter: 'false' });
    await assert.rejects(routing.deleteEndpoint('hook'), (e) => TwinsErrors.is(e, 'endpoint_in_use'));
    await routing.stop();
    const again = new EventRouting({ store, bus, source: 'plant.test' });
    await again.start();
    assert.deepEqual(again.listRoutes(), [{ id: 'r', endpointName: 'hook', filter: 'false' }]);
    assert.deepEqual(again.listEndpoints().map((e) => e.name), ['hook']);
    await again.deleteRoute('r');
    await again.deleteEndpoint('hook');
    assert.throws(() => again.getRoute('r'), (e) => TwinsErrors.is(e, 'event_route_not_found'));
    await again.stop();
  } finally {
    await bus.close();
    await hook.close();
  }
});
