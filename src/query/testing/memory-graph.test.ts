import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RelationshipDocument, TwinDocument } from '../port.js';
import { MemoryGraph } from './memory-graph.js';

const twin = (id: string, model: string, props: Record<string, unknown> = {}): TwinDocument => ({ $dtId: id, $metadata: { $model: model }, ...props });
const rel = (s: string, n: string, t: string): RelationshipDocument => ({ $relationshipId: `${s}-${t}`, $sourceId: s, $targetId: t, $relationshipName: n });

test('model descendants are transitive and refreshed when models are added', () => {
  const g = new MemoryGraph({ models: [{ id: 'A' }, { id: 'B', extends: ['A'] }, { id: 'C', extends: ['B'] }] });
  assert.deepEqual([...g.modelAndDescendants('A')].sort(), ['A', 'B', 'C']);
  assert.deepEqual(g.modelAndDescendants('C'), ['C']);
  g.addModel('D', ['A', 'C']);
  assert.deepEqual([...g.modelAndDescendants('A')].sort(), ['A', 'B', 'C', 'D']);
  assert.deepEqual(g.modelAndDescendants('unknown'), ['unknown']);
});

test('the model and property indexes follow updates', () => {
  const g = new MemoryGraph({ indexedProperties: [['status'], ['info', 'zone']] });
  g.upsertTwin(twin('a', 'M1', { status: 'on', info: { zone: 3 } }));
  g.upsertTwin(twin('b', 'M1', { status: 'off' }));
  assert.equal(g.countByModel(['M1']), 2);
  assert.deepEqual([...g.findByProperty(['status'], 'on')!], ['a']);
  assert.deepEqual([...g.findByProperty(['info', 'zone'], 3)!], ['a']);
  assert.equal(g.findByProperty(['info', 'zone'], '3')!.size, 0);
  g.upsertTwin(twin('a', 'M2', { status: 'off' }));
  assert.equal(g.countByModel(['M1']), 1);
  assert.deepEqual([...g.twinsOfModels(['M2'])], ['a']);
  assert.equal(g.findByProperty(['status'], 'on')!.size, 0);
  assert.deepEqual([...g.findByProperty(['status'], 'off')!].sort(), ['a', 'b']);
  assert.equal(g.findByProperty(['info', 'zone'], 3)!.size, 0);
  assert.equal(g.findByProperty(['nope'], 1), undefined);
});

test('adjacency in both directions, name filters, and deletes', () => {
  const g = new MemoryGraph();
  for (const id of ['a', 'b', 'c']) g.upsertTwin(twin(id, 'M'));
  g.upsertRelationship(rel('a', 'feeds', 'b'));
  g.upsertRelationship(rel('a', 'near', 'c'));
  g.upsertRelationship(rel('c', 'feeds', 'b'));
  assert.deepEqual([...g.outgoing('a')].map((r) => r.$targetId), ['b', 'c']);
  assert.deepEqual([...g.outgoing('a', ['near'])].map((r) => r.$targetId), ['c']);
  assert.deepEqual([...g.incoming('b', ['feeds'])].map((r) => r.$sourceId), ['a', 'c']);
  assert.equal(g.relationshipCount(), 3);
  assert.equal(g.getRelationship('a', 'a-c')?.$relationshipName, 'near');
  // Re-putting a relationship replaces it rather than adding a second one.
  g.upsertRelationship({ ...rel('a', 'near', 'c'), weight: 2 });
  assert.equal(g.relationshipCount(), 3);
  assert.equal(g.getRelationship('a', 'a-c')?.weight, 2);
  assert.ok(g.deleteTwin('c'));
  assert.equal(g.relationshipCount(), 1);
  assert.deepEqual([...g.incoming('b')].map((r) => r.$sourceId), ['a']);
  assert.equal(g.twinCount(), 2);
  assert.deepEqual([...g.allRelationships()].map((r) => r.$relationshipId), ['a-b']);
});

test('an on-demand index is built after the configured number of requests, and at most maxAutoIndexes of them', () => {
  const g = new MemoryGraph({ autoIndexAfter: 2, maxAutoIndexes: 1 });
  g.upsertTwin(twin('a', 'M', { x: 1, y: 1 }));
  assert.equal(g.findByProperty(['x'], 1), undefined);
  assert.deepEqual([...g.findByProperty(['x'], 1)!], ['a']);
  g.upsertTwin(twin('b', 'M', { x: 1 }));
  assert.deepEqual([...g.findByProperty(['x'], 1)!], ['a', 'b']);
  g.findByProperty(['y'], 1);
  assert.equal(g.findByProperty(['y'], 1), undefined);
});
