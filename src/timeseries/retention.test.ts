import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createDuckDbStorage, createMemoryStorage, type ArchiveTarget, type StorageAdapter } from '../storage/index.js';
import { DAY_MS, ParquetArchive } from './archive.js';
import { retentionScenario, seedRetention } from './testing/scenarios.js';

const dir = mkdtempSync(join(tmpdir(), 'twinworks-retention-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const day = (d: string) => Date.parse(`${d}T00:00:00Z`);

async function seed(store: StorageAdapter) {
  await store.open();
  return seedRetention(store);
}

for (const [name, make] of [
  ['memory', () => createMemoryStorage()],
  ['duckdb', () => createDuckDbStorage({ file: join(dir, `${Math.random().toString(36).slice(2)}.duckdb`), settings: { threads: '2' } })],
] as const) {
  test(`retention on ${name}: days before now − 30 d move to Parquet per UTC day, read back, and queries answer as before`, async () => {
    const store = make();
    await store.open();
    await retentionScenario(store, join(dir, `archive-${name}`));
    await store.close();
  });
}

test('a crash between writing a part and deleting its rows is repaired by the next run', async () => {
  const store = createMemoryStorage();
  const catalogue = await seed(store);
  const archive = new ParquetArchive(join(dir, 'archive-crash'));
  // The store dies after the part was recorded (finish) and before it deleted the rows.
  const crashing: StorageAdapter = Object.create(store, {
    archivePoints: {
      value: (range: { from: Date; to: Date }, target: ArchiveTarget) =>
        store.archivePoints(range, { ...target, pointsFile: target.pointsFile, textPointsFile: target.textPointsFile, writePages: (p) => target.writePages(p), finish: async (c) => { await target.finish(c); throw new Error('killed'); } }),
    },
  });
  await assert.rejects(archive.archiveDay(crashing, day('2024-03-10')), /killed/);
  assert.ok(existsSync(join(dir, 'archive-crash', 'day=2024-03-10', 'points-0001.parquet')));
  assert.equal((await store.readPoints({ series: 'm1/temperature', from: new Date(day('2024-03-10')), to: new Date(day('2024-03-11')) })).length, 2, 'rows in both places');
  const again = await archive.archiveDay(store, day('2024-03-10'));
  assert.deepEqual([again.recovered, again.points, again.textPoints], [3, 0, 0]);
  assert.equal((await archive.readPoints(['m1/temperature'], day('2024-03-10'), day('2024-03-10') + DAY_MS)).length, 2, 'archived once');
  assert.equal((await store.readPoints({ series: 'm1/temperature', from: new Date(day('2024-03-10')), to: new Date(day('2024-03-11')) })).length, 0);
  archive.close();
});
