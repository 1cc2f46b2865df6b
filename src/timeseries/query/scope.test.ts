/**
 * Issue 6: "series by a twin-graph query (all machines of LINE-2, rolled up)" with a real ADT query
 * over a twin graph (not a stub), in local calendar days across a DST change (Europe/Berlin,
 * 2024-03-31 is 23 hours long: EU rule, clocks go forward at 01:00 UTC on the last Sunday of March).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { MemoryGraph } from '../../query/index.js';
import { createDuckDbStorage, createMemoryStorage, type StorageAdapter } from '../../storage/index.js';
import { SeriesCatalogue } from '../catalogue.js';
import { twinScopeFromReader } from '../ports.js';
import { HistoryWriter } from '../writer.js';
import { HistoryQueries } from './engine.js';

const dir = mkdtempSync(join(tmpdir(), 'twinworks-scope-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const H = 3_600_000;
const Z = (iso: string) => Date.parse(iso);

const graph = new MemoryGraph({ models: [{ id: 'dtmi:twinworks:plant:Machine;1' }, { id: 'dtmi:twinworks:plant:ProductionLine;1' }] });
for (const line of ['LINE-1', 'LINE-2']) graph.upsertTwin({ $dtId: line, $metadata: { $model: 'dtmi:twinworks:plant:ProductionLine;1' } });
for (const [m, line] of [['L1-A', 'LINE-1'], ['L2-A', 'LINE-2'], ['L2-B', 'LINE-2']] as const) {
  graph.upsertTwin({ $dtId: m, $metadata: { $model: 'dtmi:twinworks:plant:Machine;1' } });
  graph.upsertRelationship({ $relationshipId: `contains-${m}`, $sourceId: line, $targetId: m, $relationshipName: 'contains' });
}
const LINE_2 = "SELECT M FROM DIGITALTWINS L JOIN M RELATED L.contains WHERE L.$dtId = 'LINE-2'";

for (const [name, make] of [
  ['memory', () => createMemoryStorage()],
  ['duckdb', () => createDuckDbStorage({ file: join(dir, `scope-${Math.random().toString(36).slice(2)}.duckdb`), settings: { threads: '2' } })],
] as Array<[string, () => StorageAdapter]>) {
  test(`${name}: power of every machine of LINE-2, summed, per local day in Europe/Berlin`, async (t) => {
    const store = make();
    await store.open();
    t.after(() => store.close());
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
      selector: { query: LINE_2, signals: ['power'] },
      from: Z('2024-03-30T23:00:00Z'),
      to: Z('2024-04-01T22:00:00Z'),
      bucket: { kind: 'calendar', unit: 'day', zone: 'Europe/Berlin' },
      functions: ['count', 'sum', 'max', 'twa'],
      maxGapMs: 12 * H,
      rollup: 'sum',
    });
    assert.deepEqual(r.series.map((s) => s.series), ['L2-A/power', 'L2-B/power']);
    const roll = r.rollup;
    assert.ok(roll);
    // 31 March local = 23:00Z → 22:00Z (23 h, CEST from 01:00Z); 1 April local = 22:00Z → 22:00Z.
    assert.deepEqual(roll.buckets.map((b) => [b.start, b.end]), [['2024-03-30T23:00:00.000Z', '2024-03-31T22:00:00.000Z'], ['2024-03-31T22:00:00.000Z', '2024-04-01T22:00:00.000Z']]);
    // Day 1: L2-A holds 10 for 12 h (maxGap), nothing 11:00–12:00, 20 for 10 h → twa 320/22; L2-B holds 5
    // from 06:00 for 12 h → twa 5. Day 2: only L2-A's 20 is still valid, until 00:00Z (2 h) → twa 20.
    assert.deepEqual(roll.buckets.map((b) => b.count), [3, 0]);
    assert.deepEqual(roll.buckets.map((b) => b.values['sum']), [35, null]);
    assert.deepEqual(roll.buckets.map((b) => b.values['max']), [25, null]);
    const twa = roll.buckets.map((b) => b.values['twa']);
    assert.ok(Math.abs((twa[0] as number) - (320 / 22 + 5)) < 1e-9, String(twa[0]));
    assert.ok(Math.abs((twa[1] as number) - 20) < 1e-9, String(twa[1]));
  });
}
