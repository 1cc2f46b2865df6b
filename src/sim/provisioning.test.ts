/**
 * Provisioning under a busy or refusing DPS: transient failures (5xx, no answer, lost connection) are
 * retried with backoff, as a field device would; refusals (wrong key, unknown scope) are not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRetryable } from './fleet-setup.js';
import { runSimulator } from './runner.js';
import { SimErrors } from './errors.js';
import { FakeHub } from './transport/testing/fake-hub.js';
import type { PlantConfig } from './engine/config.js';

const SMALL: PlantConfig = { lines: [{ id: 'L1', machines: [{ type: 'cnc' }, { type: 'quality' }] }] };

test('which failures are worth another try', () => {
  const e = (code: 'provisioning_failed' | 'connection_failed' | 'request_timeout', details: Record<string, unknown>) => SimErrors.create(code, 'x', details);
  assert.equal(isRetryable(e('provisioning_failed', { registrationId: 'a' })), true); // no answer in time
  assert.equal(isRetryable(e('provisioning_failed', { status: 503 })), true);
  assert.equal(isRetryable(e('provisioning_failed', { status: 401 })), false);
  assert.equal(isRetryable(e('provisioning_failed', { status: 'disabled' })), false);
  assert.equal(isRetryable(e('connection_failed', { url: 'mqtt://x' })), true); // network
  assert.equal(isRetryable(e('connection_failed', { returnCode: 5 })), false); // not authorised
  assert.equal(isRetryable(e('connection_failed', { returnCode: 4 })), false); // bad user name or password
  assert.equal(isRetryable(e('connection_failed', { returnCode: 3 })), true); // server unavailable
  assert.equal(isRetryable(e('request_timeout', {})), true);
  assert.equal(isRetryable(new Error('other')), false);
});

test('a DPS answering 503 twice still provisions every device, on the third try', async (t) => {
  const hub = await new FakeHub({ dpsFailFirst: 2 }).start();
  t.after(() => hub.close());
  const sim = runSimulator({ plant: SMALL, speed: 10, rate: 5, mqtt: { url: hub.url, dps: { idScope: hub.idScope, groupKey: hub.groupKey } } });
  t.after(() => sim.stop());
  // Backoff 0.5–1 s, then 1–2 s: both devices are in within a few seconds.
  await hub.waitFor(() => hub.reported.has('L1-CNC') && hub.reported.has('L1-QC'), 15_000, 'both devices provisioned');
  assert.deepEqual([hub.registerAttempts.get('L1-CNC'), hub.registerAttempts.get('L1-QC')], [3, 3]);
  await hub.waitFor(() => hub.telemetry.some((m) => m.deviceId === 'L1-QC'), 5000, 'telemetry');
  const stats = await sim.stop();
  assert.equal(stats.fleet!.failed, 0);
});

test('a refused group key is not retried: the devices fail at once', async (t) => {
  const hub = await new FakeHub().start();
  t.after(() => hub.close());
  const errors: string[] = [];
  const sim = runSimulator({
    plant: SMALL, speed: 10, rate: 5, log: (l) => errors.push(l),
    mqtt: { url: hub.url, dps: { idScope: hub.idScope, groupKey: Buffer.from('not the group key').toString('base64') } },
  });
  t.after(() => sim.stop());
  await hub.waitFor(() => sim.stats().fleet?.failed === 2, 10_000, 'both devices failed');
  assert.deepEqual([...hub.refused].sort(), ['L1-CNC', 'L1-QC']); // one CONNECT each, no retries
  assert.equal(errors.filter((l) => l.includes('refused')).length, 2);
});
