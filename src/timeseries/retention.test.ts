import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createDuckDbStorage, createMemoryStorage, type ArchiveTarget, type StorageAdapter } from '../storage/index.js';
import { DAY_MS, ParquetArchive } from './archive.js';
import { SeriesCatalogue } from './catalogue.js';
import { RetentionJob } from './retention.js';
import { HistoryWriter } from './writer.js';

const dir = mkdtempSync(join(tmpdir(), 'twinworks-retention-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const NOW = Date.parse('2024-05-01T12:00:00Z');
const day = (d: string) => Date.parse(`${d}T00:00:00Z`);

async function seed(store: StorageAdapter) {
  await store.open();
  const catalogue = new SeriesCatalogue(store);
  const writer = new HistoryWriter({ store, catalogue, maxDelayMs: 5 });
  const send = (iso: string, values: Record<string, number | string>) => writer.telemetry({ deviceId: 'd1', twinId: 'm1', sourceTime: iso, arrivalTime: iso, values, properties: {} });
  await Promise.all([
    send('2024-03-10T10:00:00Z', { temperature: 1, state: 'running' }),
    send('2024-03-10T23:59:59.999Z', { temperature: 2 }),
    send('2024-03-12T08:00:00Z', { temperature: 3 }),
    send('2024-03-31T23:00:00Z', { temperature: 4 }), // the last hour before the cutoff (2024-04-01T00:00Z): archived
    send('2024-04-01T00:00:00Z', { temperature: 5 }), // on the cutoff: stays
    send('2024-04-30T00:00:00Z', { temperature: 6, state: 'down' }),
  ]);
  return catalogue;
}

for (const [name, make] of [
  ['memory', () => createMemoryStorage()],
  ['duckdb', () => createDuckDbStorage({ file: join(dir, `${Math.random().toString(36).slice(2)}.duckdb`), settings: { threads: '2' } })],
] as const) {
  test(`retention on ${name}: days before now − 30 d move to Parquet per UTC day and read back`, async () => {
    const store = make();
    const catalogue = await seed(store);
    const archive = new ParquetArchive(join(dir, `archive-${name}`));
    const job = new RetentionJob({ store, archive, catalogue, warmDays: 30, clock: () => NOW });
    assert.equal(new Date(job.cutoff()).toISOString(), '2024-04-01T00:00:00.000Z');
    const run = await job.run();
    assert.deepEqual(run.days, [
      { day: '2024-03-10', points: 2, textPoints: 1, recovered: 0 },
      { day: '2024-03-12', points: 1, textPoints: 0, recovered: 0 },
      { day: '2024-03-31', points: 1, textPoints: 0, recovered: 0 },
    ]);
    assert.deepEqual(readdirSync(join(dir, `archive-${name}`, 'day=2024-03-10')).sort(), ['manifest.json', 'points-0001.parquet', 'text_points-0001.parquet']);
    const remaining = await store.readPoints({ series: 'm1/temperature', from: new Date(day('2024-01-01')), to: new Date(NOW) });
    assert.deepEqual(remaining.map((p) => p.value), [5, 6]);
    const back = await archive.readPoints(['m1/temperature'], day('2024-03-01'), day('2024-04-01'));
    assert.deepEqual(back.map((p) => [p.time.toISOString(), p.value]), [['2024-03-10T10:00:00.000Z', 1], ['2024-03-10T23:59:59.999Z', 2], ['2024-03-12T08:00:00.000Z', 3], ['2024-03-31T23:00:00.000Z', 4]]);
    assert.deepEqual((await archive.readTextPoints(['m1/state'], day('2024-03-10'), day('2024-03-11'))).map((p) => p.text), ['running']);
    // A second run finds nothing more to move.
    assert.deepEqual((await job.run()).days, []);
    archive.close();
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
