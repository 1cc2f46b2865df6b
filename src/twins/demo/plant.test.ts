import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryStorage } from '../../storage/index.js';
import { TwinGraph } from '../graph/twin-graph.js';
import { seedDemoPlant } from './plant.js';

test('demo plant: one factory, three lines of CNC → robot → conveyor → QC, and seeding twice adds nothing', async () => {
  const store = createMemoryStorage();
  await store.open();
  const graph = new TwinGraph({ store });
  await graph.load();
  const first = await seedDemoPlant(graph);
  // 5 fixed twins (enterprise, site, area, two crews) + 3 lines × (1 line + 4 machines).
  assert.deepEqual({ ...first }, { modelsCreated: 14, twinsCreated: 5 + 3 * 5, relationshipsCreated: 2 + 3 * (1 + 4 + 4 + 2 + 3) });
  const again = await seedDemoPlant(graph);
  assert.deepEqual({ ...again }, { modelsCreated: 0, twinsCreated: 0, relationshipsCreated: 0 });

  // The flow of LINE-2, walked by a 3-hop MATCH from its CNC.
  const page = graph.query("SELECT q FROM DIGITALTWINS MATCH (c)-[:feeds*3]->(q) WHERE c.$dtId = 'LINE-2-CNC'");
  assert.deepEqual(page.value.map((v) => (v as { q: { $dtId: string } }).q.$dtId), ['LINE-2-QC']);
  const machines = graph.query("SELECT COUNT() FROM DIGITALTWINS WHERE IS_OF_MODEL('dtmi:twinworks:plant:Machine;1')");
  assert.deepEqual(machines.value, [{ COUNT: 12 }]);
  const buffers = graph.query("SELECT R.bufferCapacity FROM DIGITALTWINS T JOIN N RELATED T.feeds R WHERE T.$dtId = 'LINE-1-ROBOT'");
  assert.deepEqual(buffers.value, [{ bufferCapacity: 4 }]);
});
