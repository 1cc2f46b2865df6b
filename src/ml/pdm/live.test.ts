import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createInProcessBus, type TelemetryReceived } from '../../bus/index.js';
import { connectScorer } from './live.js';
import { LiveScorer } from './scorer.js';

test('the scorer follows telemetry on the bus, from batches and single events', async () => {
  const bus = createInProcessBus();
  const scorer = new LiveScorer();
  const subs = await connectScorer(bus, scorer);
  const msg = (i: number): TelemetryReceived => {
    const t = new Date(Date.parse('2026-01-01T00:00:00Z') + i * 60_000).toISOString();
    return { deviceId: 'LINE-1-QC', twinId: 'qc-twin', sourceTime: t, arrivalTime: t, values: { state: 'running', goodCount: i, rejectCount: 0 }, properties: {} };
  };
  await bus.publish('telemetry.batch', { messages: [msg(0), msg(1), msg(2)] });
  await bus.publish('telemetry.received', msg(2));
  await bus.publish('telemetry.received', msg(3));
  // Delivery is asynchronous: wait until the last message has been seen.
  for (let k = 0; k < 100 && scorer.machine('LINE-1-QC')?.lastSeen !== Date.parse('2026-01-01T00:03:00Z'); k++) await new Promise((r) => setTimeout(r, 10));
  const status = scorer.machine('qc-twin');
  assert.equal(status?.deviceId, 'LINE-1-QC', 'found by twin id too');
  assert.equal(status?.lastSeen, Date.parse('2026-01-01T00:03:00Z'));
  assert.equal(status?.info.type, 'quality');
  for (const s of subs) await s.close();
  await bus.close();
});
