/**
 * Contract: the time-series methods of port-series.ts (text points, SQL aggregates, edges, delete,
 * archive). Expected values are worked out by hand: the "textbook" sample 2 4 4 4 5 5 7 9 has mean 5,
 * sample standard deviation √(32/7), type-7 median 4.5 and 90th percentile 7 + 0.3·2 = 7.6.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import type { TimePoint } from '../port.js';
import type { AggregateRow, ArchivePage, ArchiveTarget, TextPoint } from '../port-series.js';
import type { Fresh } from './contract.js';
import { rejectsWith } from './helpers.js';

const T0 = Date.UTC(2024, 2, 1, 12, 0, 0);
const at = (s: number) => new Date(T0 + s * 1000);
const pt = (series: string, s: number, value: number, arrival = s + 1): TimePoint => ({ series, time: at(s), arrival: at(arrival), value });
const tp = (series: string, s: number, text: string, arrival = s + 1): TextPoint => ({ series, time: at(s), arrival: at(arrival), text });

const TEXTBOOK = [2, 4, 4, 4, 5, 5, 7, 9];
const SECONDS = [0, 10, 20, 30, 40, 50, 55, 58];
const sample = () => [...TEXTBOOK.map((v, i) => pt('a', SECONDS[i] as number, v)), pt('a', 60, 100), pt('b', 5, 1)];

const ALL = ['count', 'sum', 'min', 'max', 'avg', 'stddev', 'first', 'last'] as const;
const round = (x: unknown) => (typeof x === 'number' ? Math.round(x * 1e9) / 1e9 : x);
function brief(rows: readonly AggregateRow[]): unknown[] {
  return rows.map((r) => {
    const o: Record<string, unknown> = { series: r.series, start: (r.bucketStart.getTime() - T0) / 1000, count: r.count };
    for (const k of ['sum', 'min', 'max', 'avg', 'stddev', 'first', 'last'] as const) if (k in r) o[k] = round(r[k]);
    if (r.firstTime) o['firstTime'] = (r.firstTime.getTime() - T0) / 1000;
    if (r.lastTime) o['lastTime'] = (r.lastTime.getTime() - T0) / 1000;
    if (r.percentiles) o['pct'] = r.percentiles.map(round);
    return o;
  });
}

class CollectingTarget implements ArchiveTarget {
  readonly pages: ArchivePage[] = [];
  finished = 0;
  constructor(readonly pointsFile: string, readonly textPointsFile: string, private readonly onFinish: () => Promise<void> = async () => undefined) {}
  async writePages(pages: AsyncIterable<ArchivePage>): Promise<void> {
    for await (const p of pages) this.pages.push(p);
  }
  async finish(): Promise<void> {
    this.finished++;
    await this.onFinish();
  }
  /** What was archived: the pages handed over, or the Parquet files the adapter wrote itself. */
  async archived(): Promise<{ points: string[]; text: string[] }> {
    if (this.pages.length > 0 || this.finished === 0) {
      return { points: this.pages.flatMap((p) => p.points.map((x) => `${x.series}@${(x.time.getTime() - T0) / 1000}=${x.value}`)), text: this.pages.flatMap((p) => p.textPoints.map((x) => `${x.series}@${(x.time.getTime() - T0) / 1000}=${x.text}`)) };
    }
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const read = async (file: string) => (await c.runAndReadAll(`SELECT series, epoch_ms(time), #4 FROM read_parquet('${file}') ORDER BY 1, 2`)).getRows().map((r) => `${String(r[0])}@${(Number(r[1]) - T0) / 1000}=${String(r[2])}`);
    const out = { points: await read(this.pointsFile), text: await read(this.textPointsFile) };
    c.closeSync();
    db.closeSync();
    return out;
  }
}

export function defineSeriesTests(fresh: Fresh, tempFile: (name: string) => string): void {
  test('text points: round-trip in time order; an invalid one rejects the whole append', async (t) => {
    const { storage: s } = await fresh(t);
    await s.appendTextPoints([tp('m/state', 20, 'down'), tp('m/state', 0, 'running'), tp('m/state', 40, 'running ✓ "quoted"'), tp('x/state', 5, 'idle')]);
    const got = await s.readTextPoints({ series: 'm/state', from: at(0), to: at(40) });
    assert.deepEqual(got.map((p) => [(p.time.getTime() - T0) / 1000, p.text, p.series]), [[0, 'running', 'm/state'], [20, 'down', 'm/state']]);
    assert.equal(got[0]?.arrival.getTime(), at(1).getTime());
    await rejectsWith(s.appendTextPoints([tp('m/state', 50, 'ok'), tp('m/state', 51, 'bad\u0000')]), 'storage.invalid_input');
    await rejectsWith(s.appendTextPoints([tp('m/state', 52, 'x'.repeat(4097))]), 'storage.invalid_input');
    assert.equal((await s.readTextPoints({ series: 'm/state', from: at(41), to: at(100) })).length, 0);
  });

  test('aggregates per series and fixed bucket: every function and percentiles, hand-computed', async (t) => {
    const { storage: s } = await fresh(t);
    await s.appendPoints(sample());
    const rows = await s.aggregatePoints({ series: ['b', 'a'], from: at(0), to: at(120), buckets: { kind: 'fixed', widthMs: 60_000, originMs: 0 }, functions: [...ALL], percentiles: [0.5, 0.9] });
    assert.deepEqual(brief(rows), [
      { series: 'a', start: 0, count: 8, sum: 40, min: 2, max: 9, avg: 5, stddev: round(Math.sqrt(32 / 7)), first: 2, last: 9, firstTime: 0, lastTime: 58, pct: [4.5, 7.6] },
      { series: 'a', start: 60, count: 1, sum: 100, min: 100, max: 100, avg: 100, stddev: null, first: 100, last: 100, firstTime: 60, lastTime: 60, pct: [100, 100] },
      { series: 'b', start: 0, count: 1, sum: 1, min: 1, max: 1, avg: 1, stddev: null, first: 1, last: 1, firstTime: 5, lastTime: 5, pct: [1, 1] },
    ]);
  });

  test('aggregates: the window clips buckets, the origin shifts them, series can be pooled', async (t) => {
    const { storage: s } = await fresh(t);
    await s.appendPoints(sample());
    const fixed = (originMs: number) => ({ kind: 'fixed' as const, widthMs: 60_000, originMs });
    const clipped = await s.aggregatePoints({ series: ['a'], from: at(15), to: at(60), buckets: fixed(0), functions: ['sum'] });
    assert.deepEqual(brief(clipped), [{ series: 'a', start: 0, count: 6, sum: 34 }]);
    const shifted = await s.aggregatePoints({ series: ['a'], from: at(0), to: at(120), buckets: fixed(T0 + 30_000), functions: ['sum'] });
    assert.deepEqual(brief(shifted), [{ series: 'a', start: -30, count: 3, sum: 10 }, { series: 'a', start: 30, count: 6, sum: 130 }]);
    const pooled = await s.aggregatePoints({ series: ['a', 'b'], from: at(0), to: at(60), buckets: fixed(0), functions: ['sum', 'max'], groupBy: 'none' });
    assert.deepEqual(brief(pooled), [{ series: null, start: 0, count: 9, sum: 41, max: 9 }]);
  });

  test('aggregates over listed buckets: gaps between buckets are left out', async (t) => {
    const { storage: s } = await fresh(t);
    await s.appendPoints(sample());
    const rows = await s.aggregatePoints({ series: ['a'], from: at(0), to: at(120), buckets: { kind: 'list', starts: [at(0), at(40)], ends: [at(30), at(60)] }, functions: ['sum', 'avg'] });
    assert.deepEqual(brief(rows), [{ series: 'a', start: 0, count: 3, sum: 10, avg: 10 / 3 }, { series: 'a', start: 40, count: 4, sum: 26, avg: 6.5 }].map((r) => ({ ...r, avg: round(r.avg) })));
  });

  test('aggregates: first/last break equal source times by arrival; bad queries are refused', async (t) => {
    const { storage: s } = await fresh(t);
    await s.appendPoints([pt('c', 0, 7, 9), pt('c', 0, 8, 2), pt('c', 5, 1, 6), pt('c', 5, 3, 7)]);
    const [row] = await s.aggregatePoints({ series: ['c'], from: at(0), to: at(10), buckets: { kind: 'fixed', widthMs: 10_000, originMs: 0 }, functions: ['first', 'last'] });
    assert.equal(row?.first, 8);
    assert.equal(row?.last, 3);
    const q = { series: ['c'], from: at(0), to: at(10), buckets: { kind: 'fixed' as const, widthMs: 10_000, originMs: 0 }, functions: ['avg' as const] };
    await rejectsWith(s.aggregatePoints({ ...q, series: [] }), 'storage.invalid_input');
    await rejectsWith(s.aggregatePoints({ ...q, functions: ['median' as never] }), 'storage.invalid_input');
    await rejectsWith(s.aggregatePoints({ ...q, percentiles: [1.5] }), 'storage.invalid_input');
    await rejectsWith(s.aggregatePoints({ ...q, buckets: { kind: 'fixed', widthMs: 0, originMs: 0 } }), 'storage.invalid_input');
    await rejectsWith(s.aggregatePoints({ ...q, buckets: { kind: 'list', starts: [at(5), at(0)], ends: [at(6), at(1)] } }), 'storage.invalid_input');
  });

  test('edges: the latest point before, the earliest at or after, within the lookback', async (t) => {
    const { storage: s } = await fresh(t);
    await s.appendPoints([...sample(), pt('a', 20, 44, 30)]);
    await s.appendTextPoints([tp('a/state', 0, 'running'), tp('a/state', 50, 'down')]);
    const before = await s.edgePoints({ series: ['a', 'b', 'none'], at: at(30), side: 'before' });
    // At 20 s two points: the one that arrived later (44) is the value.
    assert.deepEqual(before.map((p) => [p.series, (p.time.getTime() - T0) / 1000, p.value]), [['a', 20, 44], ['b', 5, 1]]);
    const after = await s.edgePoints({ series: ['a'], at: at(30), side: 'after' });
    assert.deepEqual(after.map((p) => [(p.time.getTime() - T0) / 1000, p.value]), [[30, 4]]);
    assert.deepEqual(await s.edgePoints({ series: ['a'], at: at(200), side: 'before', lookbackMs: 60_000 }), []);
    assert.equal((await s.edgePoints({ series: ['a'], at: at(200), side: 'before', lookbackMs: 200_000 }))[0]?.value, 100);
    const state = await s.edgeTextPoints({ series: ['a/state'], at: at(50), side: 'before' });
    assert.deepEqual(state.map((p) => p.text), ['running']);
  });

  test('deletePoints removes a range of both kinds, optionally only what arrived by a time', async (t) => {
    const { storage: s } = await fresh(t);
    await s.appendPoints([pt('a', 0, 1, 1), pt('a', 10, 2, 100), pt('a', 20, 3, 21)]);
    await s.appendTextPoints([tp('a/state', 5, 'x')]);
    assert.deepEqual(await s.deletePoints({ from: at(0), to: at(30), arrivalAtMost: at(50) }), { points: 2, textPoints: 1 });
    assert.deepEqual((await s.readPoints({ series: 'a', from: at(0), to: at(100) })).map((p) => p.value), [2]);
  });

  test('archivePoints moves a range out to the target and deletes exactly what it moved', async (t) => {
    const { storage: s } = await fresh(t);
    await s.appendPoints([pt('a', 0, 1), pt('a', 50, 2), pt('a', 100, 3), pt('b', 10, 4)]);
    await s.appendTextPoints([tp('a/state', 20, 'down'), tp('a/state', 120, 'up')]);
    // A point for the archived range that arrives while the archive is being written must survive.
    const target = new CollectingTarget(tempFile('p.parquet'), tempFile('t.parquet'), () => s.appendPoints([pt('a', 30, 99, 500)]));
    const counts = await s.archivePoints({ from: at(0), to: at(100) }, target);
    assert.deepEqual({ ...counts, maxArrival: counts.maxArrival?.getTime() }, { points: 3, textPoints: 1, maxArrival: at(51).getTime() });
    assert.equal(target.finished, 1);
    const archived = await target.archived();
    assert.deepEqual(archived.points.sort(), ['a@0=1', 'a@50=2', 'b@10=4']);
    assert.deepEqual(archived.text, ['a/state@20=down']);
    assert.deepEqual((await s.readPoints({ series: 'a', from: at(0), to: at(200) })).map((p) => p.value), [99, 3]);
    assert.deepEqual((await s.readTextPoints({ series: 'a/state', from: at(0), to: at(200) })).map((p) => p.text), ['up']);
  });
}
