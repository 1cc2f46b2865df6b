/**
 * Telemetry reaches the rules through the hub's `telemetry.batch` (its default route publishes one
 * per group commit) and through per-message `telemetry.received` (routes that ask); a message seen
 * through both is evaluated once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createInProcessBus, type TelemetryReceived } from '../bus/index.js';
import { createMemoryStorage } from '../storage/index.js';
import { AlertService } from './service.js';

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`timed out waiting for ${what}`);
}

const msg = (twinId: string, arrivalMs: number, values: Record<string, number | string | boolean>): TelemetryReceived => ({
  deviceId: `dev-${twinId}`, twinId, sourceTime: new Date(arrivalMs - 5).toISOString(), arrivalTime: new Date(arrivalMs).toISOString(), values, properties: {},
});

test('telemetry.batch raises and resolves alerts; the same message again through telemetry.received is not a second sample', async () => {
  const store = createMemoryStorage();
  await store.open();
  const bus = createInProcessBus();
  const service = new AlertService({ store, bus, seedDefaults: false, tickMs: 0, scopeRefreshMs: 0 });
  await service.start();
  await service.saveRule({ id: 'hot', name: 'Hot', severity: 'critical', scope: { all: true }, condition: { kind: 'threshold', signal: 'temperature', op: '>', value: 85 } }, 'create');
  const samples: Array<[string, string, number, number]> = [];
  const sample = service.engine.sample.bind(service.engine);
  service.engine.sample = (subject, signal, t, value) => (samples.push([subject, signal, t, value]), sample(subject, signal, t, value));

  const t0 = Date.parse('2026-03-04T06:00:00Z');
  const first = msg('cnc-1', t0, { temperature: 90, state: 'running' });
  await bus.publish('telemetry.batch', { messages: [first, msg('cnc-2', t0 + 1, { temperature: 80, doorOpen: true })] });
  await until(async () => (await service.query({ state: 'open' })).length === 1, 'the alert from the batch');
  // Same key as the next message: the bus delivers them in order, so this one is handled first.
  await bus.publish('telemetry.received', first, { key: first.deviceId });
  const second = msg('cnc-1', t0 + 1000, { temperature: 70 });
  await bus.publish('telemetry.received', second, { key: second.deviceId });
  await until(async () => (await service.query({ state: 'resolved' })).length === 1, 'the resolve');
  // A late duplicate of the first message (older arrival than the last seen) changes nothing either.
  await service.telemetryBatch([first]);
  await service.stop();
  await bus.close();
  // Strings are not evaluated; booleans are 1/0; the duplicates are dropped.
  assert.deepEqual(samples, [['cnc-1', 'temperature', t0, 90], ['cnc-2', 'temperature', t0 + 1, 80], ['cnc-2', 'doorOpen', t0 + 1, 1], ['cnc-1', 'temperature', t0 + 1000, 70]]);
  const [alert] = await service.query({});
  assert.deepEqual([alert?.subject, alert?.occurrences, alert?.resolvedAt], ['cnc-1', 1, new Date(t0 + 1000).toISOString()]);
});
