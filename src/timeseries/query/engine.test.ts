/**
 * The query engine on the memory and DuckDB stores (same hand-computed answers from both), and
 * after archiving to Parquet (the same answers again).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createDuckDbStorage, createMemoryStorage, type StorageAdapter } from '../../storage/index.js';
import { ParquetArchive } from '../archive.js';
import { SeriesCatalogue } from '../catalogue.js';
import { ShiftCalendar } from '../time/shifts.js';
import { HistoryWriter } from '../writer.js';
import { HistoryQueries, type AggregateRequest } from './engine.js';

const T = Date.parse('2024-03-04T06:00:00Z');
const S = 1000;
const dir = mkdtempSync(join(tmpdir(), 'twinworks-history-query-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function seeded(store: StorageAdapter, archive?: ParquetArchive) {
  await store.open();
  const catalogue = new SeriesCatalogue(store);
  const writer = new HistoryWriter({ store, catalogue, maxDelayMs: 5 });
  const send = (twinId: string, sec: number, values: Record<string, number | string>) =>
    writer.telemetry({ deviceId: `dev-${twinId}`, twinId, sourceTime: new Date(T + sec * S).toISOString(), arrivalTime: new Date(T + sec * S + 10).toISOString(), values, properties: {} });
  const m1 = [[0, 2], [10, 4], [20, 4], [30, 4], [40, 5], [50, 5], [55, 7], [58, 9], [60, 100]];
  await Promise.all([...m1.map(([s, v]) => send('m1', s as number, { temperature: v as number })), send('m2', 5, { temperature: 1, state: 'running' }), send('m2', 65, { temperature: 3 })]);
  const scope = { resolve: async (q: string) => (q.includes('LINE-1') ? ['m1'] : []) };
  return { q: new HistoryQueries({ store, catalogue, archive, scope }), store, catalogue };
}

const minute = { kind: 'fixed' as const, widthMs: 60_000 };
const round = (x: number | null | undefined) => (typeof x === 'number' ? Math.round(x * 1e6) / 1e6 : x);
const base: AggregateRequest = { selector: { twins: ['m1', 'm2'], signals: ['temperature'] }, from: T, to: T + 120 * S, bucket: minute, functions: ['count', 'avg', 'max', 'twa'], percentiles: [0.5] };
const vals = (r: { buckets: ReadonlyArray<{ values: Record<string, number | null> }> }, key: string) => r.buckets.map((b) => round(b.values[key]));

const stores: Array<[string, () => StorageAdapter]> = [
  ['memory', () => createMemoryStorage()],
  ['duckdb', () => createDuckDbStorage({ file: join(dir, `q-${Math.random().toString(36).slice(2)}.duckdb`), settings: { threads: '2' } })],
];

for (const [name, make] of stores) {
  describe(`history queries on ${name}`, () => {
    test('per-series aggregates with type-7 median and step time-weighted average', async (t) => {
      const { q, store } = await seeded(make());
      t.after(() => store.close());
      const r = await q.aggregate(base);
      const [m1, m2] = r.series;
      assert.deepEqual([m1?.series, m2?.series], ['m1/temperature', 'm2/temperature']);
      assert.ok(m1 && m2);
      assert.deepEqual(vals(m1, 'count'), [8, 1]);
      assert.deepEqual(vals(m1, 'avg'), [5, 100]);
      assert.deepEqual(vals(m1, 'p50'), [4.5, 100]);
      // 2·10 + 4·30 + 5·15 + 7·3 + 9·2 = 254 over 60 s; then 100 held to the end.
      assert.deepEqual(vals(m1, 'twa'), [round(254 / 60), 100]);
      // m2: 1 from 5 s (nothing before it); then 1 for 5 s and 3 for 55 s.
      assert.deepEqual(vals(m2, 'twa'), [1, round(170 / 60)]);
      assert.equal(m1.buckets[0]?.start, '2024-03-04T06:00:00.000Z');
    });

    test('roll-ups: sum of per-series values, and pooled statistics over all points', async (t) => {
      const { q, store } = await seeded(make());
      t.after(() => store.close());
      const sum = await q.aggregate({ ...base, rollup: 'sum' });
      assert.deepEqual(vals(sum.rollup as never, 'avg'), [6, 103]);
      const pooled = await q.aggregate({ ...base, functions: ['count', 'avg', 'max'], rollup: 'pooled' });
      assert.deepEqual(vals(pooled.rollup as never, 'avg'), [round(41 / 9), round(103 / 2)]);
      assert.deepEqual(vals(pooled.rollup as never, 'max'), [9, 100]);
      assert.deepEqual(pooled.rollup?.series, ['m1/temperature', 'm2/temperature']);
    });

    test('gap filling and shift buckets; a twin-graph query selects the series', async (t) => {
      const { q, store } = await seeded(make());
      t.after(() => store.close());
      const filled = await q.aggregate({ ...base, to: T + 180 * S, fill: 'previous' });
      assert.deepEqual(vals(filled.series[0] as never, 'avg'), [5, 100, 100]);
      assert.deepEqual(vals(filled.series[1] as never, 'avg'), [1, 3, 3]);
      assert.deepEqual(filled.series[1]?.buckets.map((b) => b.count), [1, 1, 0]);
      const none = await q.aggregate({ ...base, to: T + 180 * S, functions: ['avg'], fill: 'none' });
      assert.equal(none.series[0]?.buckets.length, 2);
      const cal = new ShiftCalendar({ shifts: [{ name: 'A', start: '06:00', hours: 1 / 60 }] });
      const shifts = await q.aggregate({ ...base, selector: { query: "SELECT T FROM DIGITALTWINS T WHERE T.line = 'LINE-1'" }, bucket: { kind: 'shift', calendar: cal }, functions: ['count', 'sum'] });
      assert.deepEqual(shifts.series.map((s) => s.series), ['m1/temperature']);
      assert.deepEqual(shifts.series[0]?.buckets.map((b) => [b.label, b.count, b.values['sum']]), [['2024-03-04/A', 8, 40]]);
    });

    test('interpolation: linear between neighbours, held after the last point, null before the first', async (t) => {
      const { q, store } = await seeded(make());
      t.after(() => store.close());
      const r = await q.interpolate({ selector: { twins: ['m1', 'm2'], signals: ['temperature'] }, from: T, to: T + 100 * S, stepMs: 25 * S, method: 'linear' });
      assert.deepEqual(r.times.map((x) => (Date.parse(x) - T) / S), [0, 25, 50, 75]);
      assert.deepEqual(r.series[0]?.values.map(round), [2, 4, 5, 100]);
      assert.deepEqual(r.series[1]?.values.map(round), [null, round(1 + 2 * 20 / 60), 2.5, 3]);
      const step = await q.interpolate({ selector: { series: ['m2/temperature'] }, from: T + 10 * S, to: T + 70 * S, stepMs: 30 * S, method: 'step' });
      assert.deepEqual(step.series[0]?.values, [1, 1]);
    });

    test('raw points of numbers and text; archived days answer exactly as before', async (t) => {
      const archive = new ParquetArchive(join(dir, `archive-${name}-${Math.random().toString(36).slice(2)}`));
      const { q, store } = await seeded(make(), archive);
      t.after(async () => {
        archive.close();
        await store.close();
      });
      const raw = await q.raw({ twins: ['m2'] }, T, T + 120 * S);
      assert.deepEqual(raw.map((s) => [s.series, s.kind, s.points.length]), [['m2/state', 'text', 1], ['m2/temperature', 'number', 2]]);
      const before = await q.aggregate({ ...base, functions: ['count', 'avg', 'stddev', 'first', 'last', 'twa'], percentiles: [0.5, 0.9] });
      const moved = await archive.archiveDay(store, Date.parse('2024-03-04T00:00:00Z'));
      assert.deepEqual([moved.points, moved.textPoints], [11, 1]);
      assert.equal((await store.readPoints({ series: 'm1/temperature', from: new Date(T), to: new Date(T + 120 * S) })).length, 0, 'moved out of the store');
      const afterArchive = await q.aggregate({ ...base, functions: ['count', 'avg', 'stddev', 'first', 'last', 'twa'], percentiles: [0.5, 0.9] });
      assert.deepEqual(afterArchive, before);
      assert.deepEqual((await q.raw({ twins: ['m2'] }, T, T + 120 * S)).map((s) => s.points.length), [1, 2]);
    });
  });
}
