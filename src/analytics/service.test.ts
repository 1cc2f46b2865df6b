/**
 * OEE from telemetry: the worked example fed as the simulator would send it (state, stateReason,
 * cumulative goodCount/rejectCount) through the history writer into DuckDB, then lines, areas,
 * scopes, shift series and live values on the twins over an in-memory twin graph.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { JsonPatchOperation } from '../bus/index.js';
import { MemoryGraph } from '../query/index.js';
import { createDuckDbStorage, type StorageAdapter } from '../storage/index.js';
import { HistoryWriter, SeriesCatalogue, ShiftCalendar, twinScopeFromReader } from '../timeseries/index.js';
import { LiveOee } from './live.js';
import { DEMO_PLANT_IDS, plantModelFromReader } from './plant.js';
import { OeeService } from './service.js';

const dir = mkdtempSync(join(tmpdir(), 'twinworks-oee-'));
const U = (hhmm: string) => Date.parse(`2024-03-04T${hhmm}:00Z`);
const pct = (x: number | null) => (x === null ? null : Math.round(x * 10_000) / 100);
const calendar = new ShiftCalendar({ shifts: [{ name: 'A', start: '06:00', hours: 8, breaks: [{ start: '08:00', minutes: 15 }, { start: '10:00', minutes: 30 }, { start: '12:00', minutes: 15 }] }] });

let store: StorageAdapter;
let graph: MemoryGraph;

/** The state at a minute of the shift: breaks as plannedStop, 09:00–09:47 down (bearingWear). */
function stateAt(t: number): [string, string | undefined] {
  const m = (t - U('06:00')) / 60_000;
  if ((m >= 120 && m < 135) || (m >= 240 && m < 270) || (m >= 360 && m < 375)) return ['plannedStop', 'break'];
  if (m >= 180 && m < 227) return ['down', 'bearingWear'];
  return ['running', undefined];
}

before(async () => {
  store = createDuckDbStorage({ file: join(dir, 'oee.duckdb'), settings: { threads: '2' } });
  await store.open();
  const writer = new HistoryWriter({ store, catalogue: new SeriesCatalogue(store), maxDelayMs: 20 });
  const sends: Array<Promise<void>> = [];
  const send = (twinId: string, t: number, values: Record<string, number | string>) =>
    sends.push(writer.telemetry({ deviceId: `dev-${twinId}`, twinId, sourceTime: new Date(t).toISOString(), arrivalTime: new Date(t + 50).toISOString(), values, properties: {} }));
  // cnc-1: the worked example, one message a minute. 19 271 parts in the 373 running minutes, 423 of them rejected.
  let runMinutes = 0;
  for (let t = U('06:00'); t <= U('14:00'); t += 60_000) {
    const [state, reason] = stateAt(t);
    const counts = { goodCount: Math.floor((18_848 * runMinutes) / 373), rejectCount: Math.floor((423 * runMinutes) / 373) };
    send('cnc-1', t, { state, ...(reason ? { stateReason: reason } : {}), ...counts, power: 10 });
    if (state === 'running' && t < U('14:00')) runMinutes++;
  }
  // cnc-2 runs the whole shift at 30 parts per minute with a counter reset at 10:00; rob-1 runs at ideal rate (no rejects).
  for (let t = U('06:00'); t <= U('14:00'); t += 600_000) {
    const m = (t - U('06:00')) / 60_000;
    send('cnc-2', t, { state: 'running', goodCount: t < U('10:00') ? 30 * m : 30 * (m - 240), rejectCount: 0 });
    send('rob-1', t, { state: 'running', goodCount: 60 * m, rejectCount: 0 });
    // rob-2 (another area of the site) runs at ideal rate until 10:00, then stops.
    send('rob-2', t, { state: t < U('10:00') ? 'running' : 'down', goodCount: 60 * Math.min(m, 240), rejectCount: 0 });
  }
  await Promise.all(sends);

  graph = new MemoryGraph({ models: [{ id: DEMO_PLANT_IDS.machine }, { id: 'dtmi:twinworks:plant:Cnc;1', extends: [DEMO_PLANT_IDS.machine] }, { id: DEMO_PLANT_IDS.line }, { id: 'dtmi:twinworks:plant:Area;1' }, { id: 'dtmi:twinworks:plant:Site;1' }] });
  const twin = (id: string, model: string, props: Record<string, unknown> = {}) => graph.upsertTwin({ $dtId: id, $metadata: { $model: model }, ...props });
  twin('site-1', 'dtmi:twinworks:plant:Site;1');
  twin('area-1', 'dtmi:twinworks:plant:Area;1');
  twin('area-2', 'dtmi:twinworks:plant:Area;1');
  twin('rob-2', DEMO_PLANT_IDS.machine, { idealCycleTime: 1 });
  twin('line-1', DEMO_PLANT_IDS.line);
  twin('cnc-1', 'dtmi:twinworks:plant:Cnc;1', { idealCycleTime: 1 });
  twin('cnc-2', 'dtmi:twinworks:plant:Cnc;1', { idealCycleTime: 1.5 });
  twin('rob-1', DEMO_PLANT_IDS.machine, { idealCycleTime: 1 });
  const rel = (s: string, name: string, t: string) => graph.upsertRelationship({ $relationshipId: `${name}-${t}`, $sourceId: s, $targetId: t, $relationshipName: name });
  rel('site-1', 'contains', 'area-1');
  rel('site-1', 'contains', 'area-2');
  rel('area-2', 'contains', 'rob-2');
  rel('area-1', 'contains', 'line-1');
  rel('area-1', 'contains', 'rob-1');
  for (const m of ['cnc-1', 'cnc-2']) rel('line-1', 'contains', m);
  rel('cnc-2', 'feeds', 'cnc-1'); // flow: cnc-2 → cnc-1
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const service = () => new OeeService({ store, plant: plantModelFromReader(graph), scope: twinScopeFromReader(graph), calendar });

test('the worked example fed as telemetry: A 88.81 %, P 86.11 %, Q 97.80 %, OEE 74.79 %', async () => {
  const r = await service().compute({ twin: 'cnc-1' }, U('06:00'), U('14:00'));
  assert.deepEqual([pct(r.availability), pct(r.performance), pct(r.quality), pct(r.oee)], [88.81, 86.11, 97.8, 74.79]);
  assert.equal(r.totalCount, 19_271);
  assert.equal(r.plannedProductionSec, 420 * 60);
  assert.equal('downtimeByReason' in r && r.downtimeByReason[0]?.reason, 'bearingWear');
  assert.equal(r.energyKwh, 80, '10 kW for 8 hours');
});

test('a counter reset mid-shift; line by bottleneck, area, site and query scopes roll up by time', async () => {
  const s = service();
  const cnc2 = await s.compute({ twin: 'cnc-2' }, U('06:00'), U('14:00'));
  // The reading at 10:00 shows 0: the 300 parts of 09:50–10:00 were wiped by the reset before anyone
  // read them; every part reported before or after it counts, and the drop itself invents none.
  assert.equal(cnc2.totalCount, 30 * 480 - 300);
  const line = await s.compute({ twin: 'line-1' }, U('06:00'), U('14:00'));
  assert.equal('bottleneck' in line && line.bottleneck, 'cnc-2');
  // Line: bottleneck cnc-2 (1.5 s), good parts leaving cnc-1 (the last machine) = 18 848, PPT 420 min.
  assert.ok(Math.abs((line.oee as number) - (1.5 * 18_848) / 25_200) < 1e-12);
  const area = await s.compute({ twin: 'area-1' }, U('06:00'), U('14:00'));
  // Roll-up of line-1 and rob-1 (PPT 420 min each; rob-1 produces 60/min for 480 min, ICT 1 s).
  const productive = 1.5 * 18_848 + 1 * 60 * 480;
  assert.ok(Math.abs((area.oee as number) - productive / 50_400) < 1e-12);
  // Site: both areas, by time (Σ ICT·Good / Σ PPT), never an average of the areas' percentages.
  // rob-2 made 60/min for the first 240 min; three units of 420 min planned time each.
  const site = await s.compute({ twin: 'site-1' }, U('06:00'), U('14:00'));
  assert.equal(site.kind, 'group');
  assert.ok(Math.abs((site.oee as number) - (productive + 60 * 240) / 75_600) < 1e-12, String(site.oee));
  const scope = await s.compute({ query: `SELECT T FROM DIGITALTWINS T WHERE IS_OF_MODEL(T, 'dtmi:twinworks:plant:Cnc;1')` }, U('06:00'), U('14:00'));
  assert.deepEqual('units' in scope && [...scope.units].sort(), ['cnc-1', 'cnc-2']);
});

test('OEE as a series of hourly buckets; live values land on the twins', async () => {
  const s = service();
  const hours = await s.series({ twin: 'cnc-1' }, U('06:00'), U('10:00'), { kind: 'calendar', unit: 'hour', zone: 'UTC' });
  // 06:00–07:00 runs fully: A = 1; 09:00–10:00: 47 min down of 60 → A = 13/60.
  assert.deepEqual(hours.map((h) => pct(h.availability)), [100, 100, 100, pct(13 / 60)]);
  const patches: Array<[string, readonly JsonPatchOperation[]]> = [];
  const live = new LiveOee({ service: s, plant: plantModelFromReader(graph), calendar, writer: { patch: async (id, ops) => void patches.push([id, ops]) }, clock: () => U('14:00') - 1 });
  assert.deepEqual(live.window(U('10:00')), { from: U('06:00'), to: U('10:00') });
  await live.refresh();
  const cnc1 = patches.find(([id]) => id === 'cnc-1')?.[1];
  assert.deepEqual(cnc1?.map((o) => o.path), ['/oee', '/availability', '/performance', '/quality']);
  assert.deepEqual(patches.map(([id]) => id).sort(), ['cnc-1', 'cnc-2', 'line-1', 'rob-1', 'rob-2']);
  // Nothing changed: the next pass writes nothing.
  patches.length = 0;
  await live.refresh();
  assert.deepEqual(patches, []);
});
