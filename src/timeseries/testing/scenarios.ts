/**
 * History scenarios with hand-worked answers, run on every storage adapter: memory and DuckDB from
 * the unit tests, PostgreSQL from history.integration.test.ts (so the PostgreSQL adapter passes the
 * same history suite as the others, not only the storage port's contract).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryGraph } from '../../query/index.js';
import type { StorageAdapter } from '../../storage/index.js';
import { ParquetArchive } from '../archive.js';
import { SeriesCatalogue } from '../catalogue.js';
import { twinScopeFromReader } from '../ports.js';
import { HistoryQueries, type AggregateRequest } from '../query/engine.js';
import { RetentionJob } from '../retention.js';
import { HistoryWriter } from '../writer.js';

const H = 3_600_000;
const day = (d: string) => Date.parse(`${d}T00:00:00Z`);
export const RETENTION_NOW = Date.parse('2024-05-01T12:00:00Z');

/** Six readings around the 30-day cutoff of RETENTION_NOW (2024-04-01T00:00Z). `store` must be open and empty. */
export async function seedRetention(store: StorageAdapter): Promise<SeriesCatalogue> {
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

/** Days before now − 30 d move to Parquet per UTC day, leave the store, read back; queries answer as before. */
export async function retentionScenario(store: StorageAdapter, archiveDir: string): Promise<void> {
  const catalogue = await seedRetention(store);
  const archive = new ParquetArchive(archiveDir);
  try {
    const queries = new HistoryQueries({ store, catalogue, archive });
    const request: AggregateRequest = { selector: { twins: ['m1'], signals: ['temperature'] }, from: day('2024-03-01'), to: day('2024-05-01'), bucket: { kind: 'calendar', unit: 'month', zone: 'UTC' }, functions: ['count', 'sum', 'min', 'max', 'first', 'last', 'stddev', 'twa'], percentiles: [0.5] };
    const before = await queries.aggregate(request);
    // March by hand: 1, 2, 3, 4 → count 4, sum 10, median 2.5, sample stddev √(5/3).
    const march = before.series[0]?.buckets[0];
    assert.deepEqual([march?.count, march?.values['sum'], march?.values['p50'], march?.values['first'], march?.values['last']], [4, 10, 2.5, 1, 4]);
    assert.ok(Math.abs((march?.values['stddev'] as number) - Math.sqrt(5 / 3)) < 1e-12);

    const job = new RetentionJob({ store, archive, catalogue, clock: () => RETENTION_NOW });
    assert.equal(new Date(job.cutoff()).toISOString(), '2024-04-01T00:00:00.000Z', 'default warm window: 30 days, to UTC midnight');
    const run = await job.run();
    assert.deepEqual(run.days, [
      { day: '2024-03-10', points: 2, textPoints: 1, recovered: 0 },
      { day: '2024-03-12', points: 1, textPoints: 0, recovered: 0 },
      { day: '2024-03-31', points: 1, textPoints: 0, recovered: 0 },
    ]);
    assert.deepEqual(readdirSync(join(archiveDir, 'day=2024-03-10')).sort(), ['manifest.json', 'points-0001.parquet', 'text_points-0001.parquet']);
    const remaining = await store.readPoints({ series: 'm1/temperature', from: new Date(day('2024-01-01')), to: new Date(RETENTION_NOW) });
    assert.deepEqual(remaining.map((p) => p.value), [5, 6]);
    const back = await archive.readPoints(['m1/temperature'], day('2024-03-01'), day('2024-04-01'));
    assert.deepEqual(back.map((p) => [p.time.toISOString(), p.value]), [['2024-03-10T10:00:00.000Z', 1], ['2024-03-10T23:59:59.999Z', 2], ['2024-03-12T08:00:00.000Z', 3], ['2024-03-31T23:00:00.000Z', 4]]);
    assert.deepEqual((await archive.readTextPoints(['m1/state'], day('2024-03-10'), day('2024-03-11'))).map((p) => p.text), ['running']);
    assert.deepEqual(await queries.aggregate(request), before, 'the same answers from the archive');
    assert.deepEqual((await job.run()).days, [], 'a second run finds nothing more to move');
  } finally {
    archive.close();
  }
}

/** Issue 6: "series by a twin-graph query (all machines of LINE-2, rolled up)", per local day across DST. */
export async function lineScopeScenario(store: StorageAdapter): Promise<void> {
  const graph = new MemoryGraph({ models: [{ id: 'dtmi:twinworks:plant:Machine;1' }, { id: 'dtmi:twinworks:plant:ProductionLine;1' }] });
  for (const line of ['LINE-1', 'LINE-2']) graph.upsertTwin({ $dtId: line, $metadata: { $model: 'dtmi:twinworks:plant:ProductionLine;1' } });
  for (const [m, line] of [['L1-A', 'LINE-1'], ['L2-A', 'LINE-2'], ['L2-B', 'LINE-2']] as const) {
    graph.upsertTwin({ $dtId: m, $metadata: { $model: 'dtmi:twinworks:plant:Machine;1' } });
    graph.upsertRelationship({ $relationshipId: `contains-${m}`, $sourceId: line, $targetId: m, $relationshipName: 'contains' });
  }
  const catalogue = new SeriesCatalogue(store);
  const writer = new HistoryWriter({ store, catalogue, maxDelayMs: 5 });
  const send = (twinId: string, iso: string, power: number) => writer.telemetry({ deviceId: `dev-${twinId}`, twinId, sourceTime: iso, arrivalTime: iso, values: { power }, properties: {} });
  await Promise.all([
    send('L2-A', '2024-03-30T23:00:00Z', 10), // local midnight (CET) starting 31 March
    send('L2-A', '2024-03-31T12:00:00Z', 20),
    send('L2-B', '2024-03-31T06:00:00Z', 5),
    send('L1-A', '2024-03-31T06:00:00Z', 1000), // LINE-1: not selected
  ]);
  const q = new HistoryQueries({ store, catalogue, scope: twinScopeFromReader(graph) });
  const r = await q.aggregate({
    selector: { query: "SELECT M FROM DIGITALTWINS L JOIN M RELATED L.contains WHERE L.$dtId = 'LINE-2'", signals: ['power'] },
    from: Date.parse('2024-03-30T23:00:00Z'),
    to: Date.parse('2024-04-01T22:00:00Z'),
    bucket: { kind: 'calendar', unit: 'day', zone: 'Europe/Berlin' },
    functions: ['count', 'sum', 'max', 'twa'],
    maxGapMs: 12 * H,
    rollup: 'sum',
  });
  assert.deepEqual(r.series.map((s) => s.series), ['L2-A/power', 'L2-B/power']);
  const roll = r.rollup;
  assert.ok(roll);
  // 31 March local = 23:00Z → 22:00Z (23 h: EU rule, CEST from 01:00Z on the last Sunday of March); 1 April = 22:00Z → 22:00Z.
  assert.deepEqual(roll.buckets.map((b) => [b.start, b.end]), [['2024-03-30T23:00:00.000Z', '2024-03-31T22:00:00.000Z'], ['2024-03-31T22:00:00.000Z', '2024-04-01T22:00:00.000Z']]);
  // Day 1: L2-A holds 10 for 12 h (maxGap), nothing 11:00–12:00, then 20 for 10 h → twa 320/22; L2-B holds 5
  // from 06:00 for 12 h → twa 5. Day 2: only L2-A's 20 is still valid, until 00:00Z (2 h) → twa 20.
  assert.deepEqual(roll.buckets.map((b) => b.count), [3, 0]);
  assert.deepEqual(roll.buckets.map((b) => b.values['sum']), [35, null]);
  assert.deepEqual(roll.buckets.map((b) => b.values['max']), [25, null]);
  const twa = roll.buckets.map((b) => b.values['twa']);
  assert.ok(Math.abs((twa[0] as number) - (320 / 22 + 5)) < 1e-9, String(twa[0]));
  assert.ok(Math.abs((twa[1] as number) - 20) < 1e-9, String(twa[1]));
}
