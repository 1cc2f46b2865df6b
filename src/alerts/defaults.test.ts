/**
 * The demo defaults as issue 6 lists them: temperature > 85 °C critical, pressure > 100 warning,
 * vibration > 5 warning, OEE < 70 % warning (machines and lines, for 10 minutes), each on the
 * machines of the demo plant (Machine and every model extending it), nothing on other twins.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryGraph } from '../query/index.js';
import { createMemoryStorage } from '../storage/index.js';
import { twinScopeFromReader } from '../timeseries/index.js';
import { AlertService } from './service.js';

const T0 = Date.parse('2026-03-04T06:00:00Z');
const M = 60_000;

async function setup() {
  const graph = new MemoryGraph({
    models: [{ id: 'dtmi:twinworks:plant:Machine;1' }, { id: 'dtmi:twinworks:plant:Cnc;1', extends: ['dtmi:twinworks:plant:Machine;1'] }, { id: 'dtmi:twinworks:plant:ProductionLine;1' }, { id: 'dtmi:twinworks:plant:Area;1' }],
  });
  graph.upsertTwin({ $dtId: 'cnc-1', $metadata: { $model: 'dtmi:twinworks:plant:Cnc;1' } });
  graph.upsertTwin({ $dtId: 'LINE-1', $metadata: { $model: 'dtmi:twinworks:plant:ProductionLine;1' } });
  graph.upsertTwin({ $dtId: 'AREA-1', $metadata: { $model: 'dtmi:twinworks:plant:Area;1' } });
  const store = createMemoryStorage();
  await store.open();
  let now = T0;
  const service = new AlertService({ store, scope: twinScopeFromReader(graph), tickMs: 0, scopeRefreshMs: 0, clock: () => now });
  await service.start();
  const open = async (ruleId: string) => (await service.query({ ruleId, state: 'open' })).map((a) => [a.subject, a.severity]);
  return { service, open, at: (minutes: number) => (now = T0 + minutes * M), now: () => now };
}

test('temperature above 85 °C is critical, pressure above 100 and vibration above 5 are warnings; the limits themselves are not', async () => {
  const { service, open, now } = await setup();
  for (const [signal, limit, above, rule, severity] of [
    ['temperature', 85, 85.1, 'machine-overtemperature', 'critical'],
    ['pressure', 100, 100.5, 'machine-overpressure', 'warning'],
    ['vibration', 5, 5.2, 'machine-vibration', 'warning'],
  ] as const) {
    await service.ingest('cnc-1', signal, now(), limit);
    await service.ingest('AREA-1', signal, now(), above * 2); // not a machine
    assert.deepEqual(await open(rule), [], `${signal} at the limit`);
    await service.ingest('cnc-1', signal, now(), above);
    assert.deepEqual(await open(rule), [['cnc-1', severity]], `${signal} above the limit`);
  }
  // Hysteresis 2 bar: 99 still counts as high, 98 clears.
  await service.ingest('cnc-1', 'pressure', now(), 99);
  assert.equal((await open('machine-overpressure')).length, 1);
  await service.ingest('cnc-1', 'pressure', now(), 98);
  assert.deepEqual(await open('machine-overpressure'), []);
  await service.stop();
});

test('OEE below 70 % for 10 minutes raises a warning on lines and machines (the live OEE arrives as a twin property)', async () => {
  const { service, open, at } = await setup();
  const oee = (minute: number, twinId: string, value: number) =>
    service.twinUpdated({ twinId, modelId: '', patch: [{ op: 'replace', path: '/oee', value }], etag: 'W/"1"', time: new Date(at(minute)).toISOString() });
  await oee(0, 'LINE-1', 0.69);
  await oee(0, 'cnc-1', 0.7); // exactly 70 %: not below
  await oee(0, 'AREA-1', 0.1); // not a machine or line
  at(9.99);
  await service.tick();
  assert.deepEqual(await open('oee-low'), []);
  at(10);
  await service.tick();
  const [alert] = await service.query({ ruleId: 'oee-low', state: 'open' });
  assert.deepEqual([alert?.subject, alert?.severity, alert?.raisedAt], ['LINE-1', 'warning', new Date(T0 + 10 * M).toISOString()]);
  assert.deepEqual(await open('oee-low'), [['LINE-1', 'warning']]);
  // The machine drops below at minute 12; ten minutes later it has its own alert.
  await oee(12, 'cnc-1', 0.55);
  at(21.99);
  await service.tick();
  assert.equal((await open('oee-low')).length, 1);
  at(22);
  await service.tick();
  assert.deepEqual((await open('oee-low')).sort(), [['LINE-1', 'warning'], ['cnc-1', 'warning']]);
  await service.stop();
});
