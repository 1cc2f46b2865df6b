import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectAsync } from 'mqtt';
import { generatedPlant } from '../engine/config.js';
import { runSimulator } from '../runner.js';

const url = process.env.TWINWORKS_TEST_MQTT_URL;

test('a fleet of 40 devices publishes to a real broker at a stable rate, every message acknowledged', { skip: url ? false : 'set TWINWORKS_TEST_MQTT_URL to run' }, async (t) => {
  const prefix = `twinworks-test/sim-${process.pid}-${Date.now()}`;
  const watcher = await connectAsync(url!, { clientId: `${prefix.replaceAll('/', '-')}-watch` });
  t.after(() => watcher.endAsync());
  const perDevice = new Map<string, number>();
  watcher.on('message', (topic) => perDevice.set(topic, (perDevice.get(topic) ?? 0) + 1));
  await watcher.subscribeAsync(`${prefix}/#`, { qos: 1 });

  const sim = runSimulator({
    plant: generatedPlant(10, 4), rate: 5, durationS: 2,
    mqtt: { url: url!, protocol: 'generic', topicTemplate: `${prefix}/{line}/{machine}/telemetry`, rampPerSecond: 400 },
  });
  const stats = await sim.done;
  await new Promise((r) => setTimeout(r, 300)); // let the last deliveries reach the watcher
  assert.equal(stats.fleet!.failed, 0);
  assert.equal(stats.fleet!.dropped, 0);
  assert.equal(stats.fleet!.acked, stats.fleet!.sent);
  assert.equal(perDevice.size, 40);
  // 2 s at 5 msg/s ≈ 10 per device; the ramp-up (40 connections) costs at most a few.
  for (const [topic, n] of perDevice) assert.ok(n >= 6 && n <= 11, `${topic}: ${n}`);
});
