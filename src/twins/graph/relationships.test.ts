import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryStorage } from '../../storage/index.js';
import { TwinsErrors } from '../errors.js';
import { cnc, graphWithModels, M } from '../testing/fixtures.js';

const code = (c: string) => (err: unknown) => TwinsErrors.is(err) && err.code === `twins.${c}`;

async function setup() {
  const store = createMemoryStorage();
  await store.open();
  const graph = await graphWithModels(store);
  await graph.upsertTwin('line', { $metadata: { $model: M.line }, name: 'LINE-1' });
  await graph.upsertTwin('cnc', cnc());
  await graph.upsertTwin('robot', { $metadata: { $model: M.robot }, gripper: { $metadata: {} } });
  await graph.upsertTwin('crew1', { $metadata: { $model: M.crew } });
  await graph.upsertTwin('crew2', { $metadata: { $model: M.crew } });
  await graph.upsertTwin('crew3', { $metadata: { $model: M.crew } });
  await graph.upsertTwin('site', { $metadata: { $model: M.site } });
  return graph;
}

test('relationships: a subtype counts as the declared target; the wrong target type is refused', async () => {
  const graph = await setup();
  // ProductionLine.contains targets WorkCell; a Cnc extends Machine extends WorkCell.
  const r = await graph.upsertRelationship('line', 'c1', { $relationshipName: 'contains', $targetId: 'cnc' });
  assert.deepEqual({ ...r, $etag: undefined }, { $relationshipId: 'c1', $etag: undefined, $sourceId: 'line', $relationshipName: 'contains', $targetId: 'cnc' });
  await assert.rejects(graph.upsertRelationship('line', 'c2', { $relationshipName: 'contains', $targetId: 'site' }), code('invalid_relationship'));
  await assert.rejects(graph.upsertRelationship('line', 'c3', { $relationshipName: 'feeds', $targetId: 'cnc' }), /has no relationship 'feeds'/);
  await assert.rejects(graph.upsertRelationship('cnc', 'f', { $relationshipName: 'feeds', $targetId: 'cnc' }), code('self_relationship'));
  await assert.rejects(graph.upsertRelationship('cnc', 'f', { $relationshipName: 'feeds', $targetId: 'ghost' }), code('target_twin_not_found'));
  await assert.rejects(graph.upsertRelationship('ghost', 'f', { $relationshipName: 'feeds', $targetId: 'cnc' }), code('twin_not_found'));
});

test('relationships: maxMultiplicity counts relationships of that name from one source', async () => {
  const graph = await setup();
  await graph.upsertRelationship('cnc', 's1', { $relationshipName: 'servedBy', $targetId: 'crew1' });
  await graph.upsertRelationship('cnc', 's2', { $relationshipName: 'servedBy', $targetId: 'crew2' });
  await assert.rejects(graph.upsertRelationship('cnc', 's3', { $relationshipName: 'servedBy', $targetId: 'crew3' }), /at most 2/);
  // Replacing one of the two is not a third.
  await graph.upsertRelationship('cnc', 's2', { $relationshipName: 'servedBy', $targetId: 'crew3' });
  // Two concurrent creates in one batch: the second sees the first.
  await graph.deleteRelationship('cnc', 's2');
  const results = await Promise.allSettled([
    graph.upsertRelationship('cnc', 'a', { $relationshipName: 'servedBy', $targetId: 'crew2' }),
    graph.upsertRelationship('cnc', 'b', { $relationshipName: 'servedBy', $targetId: 'crew3' }),
  ]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected']);
  assert.equal(graph.listRelationships('cnc', 'servedBy').length, 2);
});

test('relationships: properties are validated; patch with If-Match; list outgoing (by name) and incoming', async () => {
  const graph = await setup();
  await assert.rejects(graph.upsertRelationship('cnc', 'f', { $relationshipName: 'feeds', $targetId: 'robot', bufferCapacity: 'big' }), code('validation_failed'));
  await assert.rejects(graph.upsertRelationship('cnc', 'f', { $relationshipName: 'feeds', $targetId: 'robot', colour: 1 }), /no property 'colour'/);
  const r0 = await graph.upsertRelationship('cnc', 'f', { $relationshipName: 'feeds', $targetId: 'robot', bufferCapacity: 4 });
  const r1 = await graph.patchRelationship('cnc', 'f', [{ op: 'replace', path: '/bufferCapacity', value: 8 }], { ifMatch: r0.$etag as string });
  assert.equal(r1['bufferCapacity'], 8);
  assert.notEqual(r1.$etag, r0.$etag);
  await assert.rejects(graph.patchRelationship('cnc', 'f', [{ op: 'replace', path: '/bufferCapacity', value: 9 }], { ifMatch: r0.$etag as string }), code('precondition_failed'));
  await assert.rejects(graph.patchRelationship('cnc', 'f', [{ op: 'replace', path: '/$targetId', value: 'line' }]), code('json_patch_invalid'));
  await graph.upsertRelationship('cnc', 's', { $relationshipName: 'servedBy', $targetId: 'crew1' });
  assert.deepEqual(graph.listRelationships('cnc').map((r) => r.$relationshipId).sort(), ['f', 's']);
  assert.deepEqual(graph.listRelationships('cnc', 'feeds').map((r) => r.$relationshipId), ['f']);
  assert.deepEqual(graph.listIncomingRelationships('robot').map((r) => `${r.$sourceId}/${r.$relationshipId}`), ['cnc/f']);
  assert.equal(graph.getRelationship('cnc', 'f'), r1);
  await assert.rejects(async () => graph.getRelationship('cnc', 'nope'), code('relationship_not_found'));
});

test('relationships: a twin with relationships (in or out) cannot be deleted; after deleting them it can', async () => {
  const graph = await setup();
  await graph.upsertRelationship('line', 'c', { $relationshipName: 'contains', $targetId: 'cnc' });
  await assert.rejects(graph.deleteTwin('cnc'), code('relationships_not_deleted'));
  await assert.rejects(graph.deleteTwin('line'), code('relationships_not_deleted'));
  await assert.rejects(graph.deleteRelationship('line', 'c', { ifMatch: 'W/"00000000-0000-0000-0000-000000000000"' }), code('precondition_failed'));
  await graph.deleteRelationship('line', 'c');
  await graph.deleteTwin('cnc');
  assert.equal(graph.index.getTwin('cnc'), undefined);
  assert.equal(graph.index.relationshipCount(), 0);
});
