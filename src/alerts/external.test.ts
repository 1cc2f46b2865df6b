/**
 * External alerts (raised and cleared by another context, e.g. the ML live scorer's failure
 * warnings) through the same lifecycle as rule alerts: dedup on (source, key), acknowledge,
 * resolve, history, notifications on the bus, `activeAlerts` on the twin, reload after a restart.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createInProcessBus, type JsonPatchOperation } from '../bus/index.js';
import { createMemoryStorage } from '../storage/index.js';
import { parseExternal, type ExternalAlertInput } from './external.js';
import { AlertManager } from './lifecycle.js';
import { MemoryAlertStore, type AlertEvent } from './model.js';
import { AlertService } from './service.js';

const M = 60_000;
const T0 = Date.parse('2026-03-04T06:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

const warning = (minute: number, over: Partial<ExternalAlertInput> = {}): ExternalAlertInput => ({
  source: 'pdm',
  key: 'L1-CNC',
  twinId: 'L1-CNC',
  severity: 'warning',
  title: 'Bearing wear predicted',
  message: 'Replace the spindle bearing of LINE-1 CNC within 2 days',
  messageKey: 'pdm.action.bearingWear',
  messageParams: { component: 'spindle', machine: 'LINE-1 CNC', due: '2 days' },
  details: { mode: 'bearingWear', confidence: 0.82, dueBy: '2026-03-06T06:00:00Z' },
  time: T0 + minute * M,
  ...over,
});

function setup() {
  const store = new MemoryAlertStore();
  const events: AlertEvent[] = [];
  let now = T0;
  const manager = new AlertManager({ store, rule: () => undefined, sinks: [{ name: 'test', deliver: (e) => void events.push(e) }], clock: () => now });
  return { store, events, manager, setNow: (minute: number) => (now = T0 + minute * M) };
}
const kinds = (events: readonly AlertEvent[]) => events.map((e) => (e.kind === 'raised' ? 'raised' : e.change));

test('raised, deduplicated on (source, key) while open, escalated when the source raises the severity, resolved by clearExternal', async () => {
  const { store, events, manager } = setup();
  const a = await manager.raiseExternal(warning(0));
  assert.equal(a.ruleId, 'external:pdm');
  assert.deepEqual(a.external, { source: 'pdm', key: 'L1-CNC' });
  assert.equal(a.subject, 'L1-CNC');
  assert.equal(a.twinId, 'L1-CNC');
  assert.equal(a.state, 'active');
  assert.equal(a.title, 'Bearing wear predicted');
  assert.equal(a.message, 'Replace the spindle bearing of LINE-1 CNC within 2 days');
  assert.equal(a.messageKey, 'pdm.action.bearingWear');
  assert.deepEqual(a.messageParams, { component: 'spindle', machine: 'LINE-1 CNC', due: '2 days' });
  assert.deepEqual(a.details, { mode: 'bearingWear', confidence: 0.82, dueBy: '2026-03-06T06:00:00Z' });
  assert.equal(a.raisedAt, iso(T0));

  // The same warning again (same source and key): one alert, two occurrences, the newest text.
  const again = await manager.raiseExternal(warning(60, { message: 'Replace the spindle bearing of LINE-1 CNC within 1 day', messageParams: { due: '1 day' } }));
  assert.equal(again.id, a.id);
  assert.equal(again.occurrences, 2);
  assert.equal(again.message, 'Replace the spindle bearing of LINE-1 CNC within 1 day');
  assert.deepEqual(again.messageParams, { due: '1 day' });
  // Another key of the same source, and the same key of another source, are other alerts.
  await manager.raiseExternal(warning(61, { key: 'L2-CNC', twinId: 'L2-CNC' }));
  await manager.raiseExternal(warning(62, { source: 'maintenance' }));
  assert.equal(manager.openAlerts().length, 3);

  const critical = await manager.raiseExternal(warning(120, { severity: 'critical' }));
  assert.equal(critical.severity, 'critical');
  assert.deepEqual(critical.history.at(-1), { change: 'escalated', at: iso(T0 + 120 * M), severity: 'critical' });

  const resolved = await manager.clearExternal('pdm', 'L1-CNC', T0 + 180 * M);
  assert.equal(resolved?.state, 'resolved');
  assert.equal(resolved?.resolvedAt, iso(T0 + 180 * M));
  assert.equal(resolved?.resolvedBy, undefined, 'resolved by the source, not a person');
  assert.equal(await manager.clearExternal('pdm', 'L1-CNC', T0 + 181 * M), undefined, 'nothing open any more');
  assert.deepEqual((await store.get(a.id))?.history.map((h) => h.change), ['raised', 'escalated', 'resolved']);
  assert.deepEqual(kinds(events), ['raised', 'raised', 'raised', 'escalated', 'resolved']);

  // Raised again after it was resolved: a new alert.
  const next = await manager.raiseExternal(warning(200));
  assert.notEqual(next.id, a.id);
});

test('people acknowledge and resolve external alerts by id; a clear after a manual resolve changes nothing', async () => {
  const { store, manager, setNow } = setup();
  const a = await manager.raiseExternal(warning(0, { severity: 'critical' }));
  setNow(5);
  const acked = await manager.acknowledge(a.id, 'olga', 'bearing ordered');
  assert.equal(acked.state, 'acknowledged');
  assert.equal(acked.acknowledgedBy, 'olga');
  setNow(9);
  const done = await manager.resolve(a.id, 'ivan', 'bearing replaced');
  assert.equal(done.resolvedAt, iso(T0 + 9 * M));
  assert.equal(await manager.clearExternal('pdm', 'L1-CNC', T0 + 10 * M), undefined);
  assert.deepEqual((await store.get(a.id))?.history.map((h) => [h.change, h.by ?? null, h.note ?? null]), [['raised', null, null], ['acknowledged', 'olga', 'bearing ordered'], ['resolved', 'ivan', 'bearing replaced']]);
  // Escalation and flapping rules do not apply (there is no rule): a tick much later changes nothing.
  const b = await manager.raiseExternal(warning(20));
  await manager.tick(T0 + 1000 * M);
  assert.deepEqual(await store.get(b.id), b);
});

test('open external alerts are reloaded, so deduplication on (source, key) survives a restart', async () => {
  const { store, manager } = setup();
  await manager.raiseExternal(warning(0));
  const restarted = new AlertManager({ store, rule: () => undefined });
  await restarted.load();
  await restarted.raiseExternal(warning(30));
  const all = await store.query({ source: 'pdm' });
  assert.equal(all.length, 1);
  assert.equal(all[0]?.occurrences, 2);
  assert.equal((await restarted.clearExternal('pdm', 'L1-CNC', T0 + 40 * M))?.state, 'resolved');
});

test('input is validated with the field at fault', () => {
  const bad = (input: unknown, field: string) =>
    assert.throws(() => parseExternal(input), (e: { code?: string; details?: { field?: string } }) => e.code === 'alerts.invalid_external_alert' && e.details?.field === field, JSON.stringify(input).slice(0, 200));
  const { time: _, ...ok } = warning(0);
  assert.deepEqual(parseExternal(ok), ok);
  bad({ ...ok, twinId: undefined }, 'twinId');
  bad({ ...ok, source: 'p dm' }, 'source');
  bad({ ...ok, severity: 'urgent' }, 'severity');
  bad({ ...ok, title: '' }, 'title');
  bad({ ...ok, rule: 'x' }, '');
  bad({ ...ok, details: { blob: 'x'.repeat(70_000) } }, 'details');
  // A device bound to no twin is the subject device:<id>.
  assert.equal(parseExternal({ ...ok, twinId: undefined, deviceId: 'dev-7' }).deviceId, 'dev-7');
});

test('through the service: bus events, activeAlerts on the twin counts rule and external alerts, history by source', async () => {
  const store = createMemoryStorage();
  await store.open();
  const bus = createInProcessBus();
  const busEvents: string[] = [];
  await bus.subscribe('alert.*', (e) => void busEvents.push(`${e.name}:${e.payload.ruleId}:${'change' in e.payload ? e.payload.change : e.payload.message}`));
  const patches: Array<[string, readonly JsonPatchOperation[]]> = [];
  let now = T0;
  const service = new AlertService({ store, bus, twinWriter: { patch: async (id, ops) => void patches.push([id, ops]) }, seedDefaults: false, tickMs: 0, scopeRefreshMs: 0, clock: () => now });
  await service.start();
  await service.saveRule({ id: 'hot', name: 'Hot', severity: 'critical', scope: { all: true }, condition: { kind: 'threshold', signal: 'temperature', op: '>', value: 85 } }, 'create');
  await service.ingest('L1-CNC', 'temperature', now, 90);
  const { time: _, ...input } = warning(0);
  const a = await service.raiseExternal(input);
  assert.equal(a.raisedAt, iso(T0), 'time defaults to the service clock');
  assert.deepEqual(patches.at(-1), ['L1-CNC', [{ op: 'add', path: '/activeAlerts', value: 2 }]]);
  await assert.rejects(service.raiseExternal({ ...input, severity: 'loud' } as unknown as ExternalAlertInput), (e: { code?: string }) => e.code === 'alerts.invalid_external_alert');
  now += 10 * M;
  assert.equal((await service.clearExternal('pdm', 'L1-CNC'))?.resolvedAt, iso(T0 + 10 * M));
  assert.deepEqual(patches.at(-1), ['L1-CNC', [{ op: 'add', path: '/activeAlerts', value: 1 }]]);
  assert.deepEqual((await service.query({ source: 'pdm' })).map((x) => x.id), [a.id]);
  assert.deepEqual((await service.query({ state: ['active', 'acknowledged'] })).map((x) => x.ruleId), ['hot']);
  await service.stop();
  await bus.close();
  assert.deepEqual(busEvents, ['alert.raised:hot:Hot on L1-CNC: temperature = 90', 'alert.raised:external:pdm:Replace the spindle bearing of LINE-1 CNC within 2 days', 'alert.changed:external:pdm:resolved']);
});
