import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Transition } from './engine.js';
import { AlertManager } from './lifecycle.js';
import { MemoryAlertStore, type AlertEvent } from './model.js';
import { parseRule } from './rules/schema.js';
import type { AlertRule } from './rules/ast.js';

const M = 60_000;
const T0 = Date.parse('2024-03-04T06:00:00Z');

function setup(overrides: Record<string, unknown> = {}) {
  const rules = new Map<string, AlertRule>();
  const rule = parseRule({
    id: 'overtemp',
    name: 'Over temperature',
    severity: 'warning',
    scope: { all: true },
    condition: { kind: 'threshold', signal: 'temperature', op: '>', value: 85 },
    message: '{subject}: {signal} {value} °C',
    ...overrides,
  });
  rules.set(rule.id, rule);
  const events: AlertEvent[] = [];
  const store = new MemoryAlertStore();
  let now = T0;
  const manager = new AlertManager({ store, rule: (id) => rules.get(id), sinks: [{ name: 'test', deliver: (e) => void events.push(e) }], clock: () => now });
  const fire = (minute: number, firing: boolean, subject = 'cnc-1', value = 90): Transition => ({ ruleId: 'overtemp', subject, firing, t: T0 + minute * M, signal: 'temperature', value });
  return { manager, store, events, fire, setNow: (minute: number) => (now = T0 + minute * M), rules };
}

const kinds = (events: readonly AlertEvent[]) => events.map((e) => (e.kind === 'raised' ? 'raised' : e.change));

test('raised → acknowledged (who, note) → resolved when the condition clears; history records each step', async () => {
  const { manager, store, events, fire, setNow } = setup();
  await manager.apply([fire(0, true)]);
  const [raised] = manager.openAlerts();
  assert.ok(raised);
  assert.equal(raised.state, 'active');
  assert.equal(raised.twinId, 'cnc-1');
  assert.equal(raised.message, 'cnc-1: temperature 90 °C');
  setNow(3);
  const acked = await manager.acknowledge(raised.id, 'olga', 'looking at the coolant');
  assert.equal(acked.state, 'acknowledged');
  assert.equal(acked.acknowledgedBy, 'olga');
  await manager.apply([fire(7, false)]);
  const done = await store.get(raised.id);
  assert.equal(done?.state, 'resolved');
  assert.equal(done?.resolvedAt, new Date(T0 + 7 * M).toISOString());
  assert.equal(done?.resolvedBy, undefined, 'resolved automatically');
  assert.deepEqual(done?.history.map((h) => [h.change, h.by ?? null, h.note ?? null]), [['raised', null, null], ['acknowledged', 'olga', 'looking at the coolant'], ['resolved', null, null]]);
  assert.deepEqual(kinds(events), ['raised', 'acknowledged', 'resolved']);
  assert.deepEqual(manager.openAlerts(), []);
});

test('deduplication: firing again while open adds an occurrence, not an alert', async () => {
  const { manager, store, events, fire } = setup();
  await manager.apply([fire(0, true), fire(1, true, 'cnc-1', 95), fire(1, true, 'cnc-2')]);
  const open = manager.openAlerts();
  assert.equal(open.length, 2);
  const one = open.find((a) => a.subject === 'cnc-1');
  assert.equal(one?.occurrences, 2);
  assert.equal(one?.value, 95);
  assert.deepEqual(kinds(events), ['raised', 'raised']);
  assert.equal((await store.query({ twinId: 'cnc-1' })).length, 1);
});

test('manual resolve; transitions that make no sense are refused', async () => {
  const { manager, fire } = setup();
  await manager.apply([fire(0, true)]);
  const [a] = manager.openAlerts();
  assert.ok(a);
  const resolved = await manager.resolve(a.id, 'ivan', 'sensor replaced');
  assert.equal(resolved.resolvedBy, 'ivan');
  await assert.rejects(manager.acknowledge(a.id, 'olga'), (e: { code?: string; details?: { state?: string } }) => e.code === 'alerts.invalid_transition' && e.details?.state === 'resolved');
  await assert.rejects(manager.resolve(a.id, 'olga'), (e: { code?: string }) => e.code === 'alerts.invalid_transition');
  await assert.rejects(manager.acknowledge('nope', 'olga'), (e: { code?: string }) => e.code === 'alerts.alert_not_found');
  // The condition firing again after a manual resolve raises a new alert.
  await manager.apply([fire(5, false), fire(6, true)]);
  assert.notEqual(manager.openAlerts()[0]?.id, a.id);
});

test('escalation: unacknowledged after 15 minutes → critical, once; acknowledged alerts do not escalate', async () => {
  const { manager, events, fire } = setup({ escalation: { after: '15m' } });
  await manager.apply([fire(0, true), fire(0, true, 'cnc-2')]);
  const second = manager.openAlerts().find((a) => a.subject === 'cnc-2');
  await manager.acknowledge(second?.id ?? '', 'olga');
  await manager.tick(T0 + 14 * M);
  assert.deepEqual(kinds(events), ['raised', 'raised', 'acknowledged']);
  await manager.tick(T0 + 20 * M);
  await manager.tick(T0 + 40 * M);
  const first = manager.openAlerts().find((a) => a.subject === 'cnc-1');
  assert.equal(first?.severity, 'critical');
  assert.equal(first?.escalationLevel, 1);
  assert.equal(first?.history.at(-1)?.at, new Date(T0 + 15 * M).toISOString(), 'escalated when it fell due');
  assert.equal(manager.openAlerts().find((a) => a.subject === 'cnc-2')?.severity, 'warning');
  assert.deepEqual(kinds(events), ['raised', 'raised', 'acknowledged', 'escalated']);
});

test('flapping: the third raise in 10 minutes keeps one alert open until 10 quiet minutes have passed', async () => {
  const { manager, store, events, fire } = setup({ flapping: { maxRaises: 3, window: '10m' } });
  await manager.apply([fire(0, true), fire(1, false), fire(2, true), fire(3, false)]);
  assert.equal((await store.query({})).length, 2, 'two short alerts, both resolved');
  await manager.apply([fire(4, true)]);
  const flapper = manager.openAlerts()[0];
  assert.equal(flapper?.flapping, true);
  await manager.apply([fire(5, false), fire(6, true), fire(7, false)]);
  assert.equal(manager.openAlerts().length, 1, 'still open across clears');
  assert.equal(manager.openAlerts()[0]?.occurrences, 2);
  await manager.tick(T0 + 16 * M);
  assert.equal(manager.openAlerts().length, 1);
  await manager.tick(T0 + 17 * M + 30_000);
  const closed = await store.get(flapper?.id ?? '');
  assert.equal(closed?.state, 'resolved');
  assert.equal(closed?.resolvedAt, new Date(T0 + 17 * M).toISOString(), 'resolved at the end of the quiet window');
  assert.deepEqual(kinds(events), ['raised', 'resolved', 'raised', 'resolved', 'raised', 'resolved']);
});

test('autoResolve: false keeps the alert open after the condition clears', async () => {
  const { manager, fire } = setup({ autoResolve: false });
  await manager.apply([fire(0, true), fire(1, false)]);
  assert.equal(manager.openAlerts()[0]?.state, 'active');
});

test('open alerts are reloaded, so deduplication survives a restart', async () => {
  const { manager, store, fire, rules } = setup();
  await manager.apply([fire(0, true)]);
  const again = new AlertManager({ store, rule: (id) => rules.get(id) });
  await again.load();
  await again.apply([{ ...fire(2, true) }]);
  const all = await store.query({});
  assert.equal(all.length, 1);
  assert.equal(all[0]?.occurrences, 2);
  // History queries: by state and time.
  assert.equal((await store.query({ state: 'open' })).length, 1);
  assert.equal((await store.query({ from: T0 + M })).length, 0);
});
