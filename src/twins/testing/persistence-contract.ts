/**
 * The twin graph's persistence contract, run against every storage adapter: after a restart (a new
 * graph loading from the same store) the graph is exactly as it was, and writing continues from there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StorageAdapter } from '../../storage/index.js';
import { TwinGraph } from '../graph/twin-graph.js';
import { parseEtag } from '../twin/etag.js';
import { cnc, demoModelDocuments, M, steppingClock } from './fixtures.js';

export interface PersistenceHarness {
  /** A fresh, opened, empty store. */
  open(): Promise<StorageAdapter>;
  /** Closes `store` and opens the same data again (a restart). */
  reopen(store: StorageAdapter): Promise<StorageAdapter>;
}

function snapshot(graph: TwinGraph) {
  const twins = [...graph.index.allTwins()].sort((a, b) => a.$dtId.localeCompare(b.$dtId));
  const rels = [...graph.index.allRelationships()].map((r) => ({ ...r })).sort((a, b) => `${a.$sourceId}/${a.$relationshipId}`.localeCompare(`${b.$sourceId}/${b.$relationshipId}`));
  const models = graph.models.all().map((m) => ({ id: m.id, decommissioned: m.decommissioned, uploadTime: m.uploadTime, definition: m.definition }));
  return JSON.parse(JSON.stringify({ twins, rels, models })) as unknown;
}

export function runPersistenceContract(name: string, harness: PersistenceHarness): void {
  test(`${name}: after a restart the graph is exactly as before, and writes continue from there`, async () => {
    let store = await harness.open();
    const g1 = new TwinGraph({ store, clock: steppingClock() });
    await g1.load();
    await g1.createModels(demoModelDocuments());
    await g1.upsertTwin('line', { $metadata: { $model: M.line }, name: 'LINE-1', tags: { shift: 'a/b' } });
    await g1.upsertTwin('c/1', cnc({ speed: 0.5, spindle: { $metadata: { maxRpm: { sourceTime: '2026-01-01T00:00:00Z' } }, maxRpm: 12000 } }));
    await g1.upsertTwin('robot', { $metadata: { $model: M.robot }, gripper: { $metadata: {} } });
    await g1.upsertTwin('gone', { $metadata: { $model: M.crew } });
    await g1.upsertRelationship('line', 'contains/1', { $relationshipName: 'contains', $targetId: 'c/1' });
    await g1.upsertRelationship('c/1', 'f', { $relationshipName: 'feeds', $targetId: 'robot', bufferCapacity: 3 });
    await g1.upsertRelationship('c/1', 'tmp', { $relationshipName: 'servedBy', $targetId: 'gone' });
    await Promise.all(Array.from({ length: 20 }, (_, i) => g1.patchTwin('c/1', [{ op: 'replace', path: '/speed', value: i / 10 }])));
    await g1.patchRelationship('c/1', 'f', [{ op: 'replace', path: '/bufferCapacity', value: 5 }]);
    await g1.deleteRelationship('c/1', 'tmp');
    await g1.deleteTwin('gone');
    await g1.decommissionModel(M.crew);
    const before = snapshot(g1);
    const etag = g1.getTwin('c/1').$etag as string;
    await g1.drain();

    store = await harness.reopen(store);
    try {
      const g2 = new TwinGraph({ store, clock: steppingClock(Date.UTC(2026, 1, 1)) });
      const counts = await g2.load();
      assert.deepEqual({ ...counts }, { models: 14, twins: 3, relationships: 2, skipped: 0 });
      assert.deepEqual(snapshot(g2), before);
      assert.equal(g2.getTwin('c/1')['speed'], 1.9);
      // The stored version is recovered from the etag: an If-Match write with the pre-restart tag works.
      const after = await g2.patchTwin('c/1', [{ op: 'replace', path: '/speed', value: 1 }], { ifMatch: etag });
      assert.equal(parseEtag(after.$etag as string)?.version, (parseEtag(etag)?.version ?? 0) + 1);
      await assert.rejects(g2.upsertTwin('crew', { $metadata: { $model: M.crew } }), /decommissioned/);
      // Indexes were rebuilt: the query engine sees the loaded graph.
      const page = g2.query(`SELECT T FROM DIGITALTWINS T WHERE IS_OF_MODEL('${M.machine}')`);
      assert.deepEqual(page.value.map((v) => (v as { T: { $dtId: string } }).T.$dtId).sort(), ['c/1', 'robot']);
    } finally {
      await store.close();
    }
  });
}
