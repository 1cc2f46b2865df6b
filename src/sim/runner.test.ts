import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { Aedes } from 'aedes';
import { runSimulator } from './runner.js';
import { FakeHub } from './transport/testing/fake-hub.js';
import type { PlantConfig } from './engine/config.js';
import type { TelemetryMessage } from './engine/telemetry.js';

const SMALL: PlantConfig = { lines: [{ id: 'L1', machines: [{ type: 'cnc' }, { type: 'quality' }] }] };

test('live run: each device sends `rate` messages per wall second, simulated time runs at `speed`', async () => {
  const msgs: TelemetryMessage[] = [];
  const sim = runSimulator({ plant: SMALL, speed: 60, rate: 4, durationS: 1.5, onMessage: (m) => msgs.push(m) });
  const stats = await sim.done;
  assert.equal(stats.phase, 'done');
  const cnc = msgs.filter((m) => m.deviceId === 'L1-CNC');
  // 1.5 s × 4 msg/s ≈ 6 messages (timer granularity allows one either way).
  assert.ok(cnc.length >= 5 && cnc.length <= 7, `${cnc.length} messages`);
  // At 60× and 4 msg/s, consecutive samples are 15 simulated seconds apart.
  for (let i = 1; i < cnc.length; i++) assert.equal(cnc[i]!.time - cnc[i - 1]!.time, 15_000);
});

test('IoT Hub end to end: DPS provisioning, twin sync, telemetry, direct methods and desired properties reach the machine', async (t) => {
  const hub = await new FakeHub().start();
  t.after(() => hub.close());
  hub.desired.set('L1-QC', { targetSpeed: 2, $version: 7 });
  const sim = runSimulator({
    plant: SMALL, speed: 10, rate: 5,
    mqtt: { url: hub.url, dps: { idScope: hub.idScope, groupKey: hub.groupKey }, modelIds: { cnc: 'dtmi:twinworks:sim:Cnc;1' } },
  });
  t.after(() => sim.stop());
  await hub.waitFor(() => hub.reported.has('L1-CNC') && hub.reported.has('L1-QC'), 5000, 'reported properties');
  // Start-up: the device read its twin, applied desired targetSpeed and acknowledged it.
  assert.equal(sim.plant.machine('L1-QC').targetSpeed, 2);
  assert.deepEqual(hub.reported.get('L1-QC')!.targetSpeed, { value: 2, ac: 200, av: 7, ad: 'applied' });
  assert.equal(hub.reported.get('L1-CNC')!.machineType, 'cnc');
  assert.deepEqual(hub.reported.get('L1-CNC')!.targetSpeed, { value: 10_800, ac: 203, av: 0, ad: 'device default' });

  await hub.waitFor(() => hub.telemetry.filter((m) => m.deviceId === 'L1-CNC').length >= 3, 5000, 'telemetry');
  const first = hub.telemetry.find((m) => m.deviceId === 'L1-CNC')!;
  assert.equal(first.properties['iothub-creation-time-utc'], (first.body as { timestamp: string }).timestamp);
  assert.equal(first.properties['$.ct'], 'application/json');

  assert.deepEqual(await hub.invokeMethod('L1-CNC', 'setSpeed', { speed: 6000 }), { status: 200, payload: { targetSpeed: 6000, unit: 'rpm' } });
  assert.equal(sim.plant.machine('L1-CNC').targetSpeed, 6000);
  assert.equal((await hub.invokeMethod('L1-CNC', 'setSpeed', { speed: 1e6 })).status, 400);
  await hub.invokeMethod('L1-CNC', 'emergencyStop', {});
  await hub.waitFor(() => hub.telemetry.some((m) => m.deviceId === 'L1-CNC' && (m.body as { stateReason?: string }).stateReason === 'emergencyStop'), 5000, 'stopped telemetry');

  hub.patchDesired('L1-CNC', { idealCycleTime: 30 });
  await hub.waitFor(() => (hub.reported.get('L1-CNC')!.idealCycleTime as { av: number }).av === 2, 5000, 'desired ack');
  assert.equal(sim.plant.machine('L1-CNC').idealCycleTime, 30);

  const stats = await sim.stop();
  assert.equal(stats.fleet!.connected + stats.fleet!.failed, 0, 'connections closed at the end');
  assert.equal(stats.fleet!.failed, 0);
  assert.ok(stats.fleet!.acked >= 6);
});

test('generic MQTT: telemetry on factory/{line}/{machine}/telemetry, QoS 1', async (t) => {
  const broker = await Aedes.createBroker();
  const server = createServer(broker.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(async () => {
    await new Promise<void>((r) => broker.close(() => r()));
    await new Promise<void>((r) => server.close(() => r()));
  });
  const topics = new Map<string, number>();
  broker.on('publish', (packet, client) => {
    if (client) {
      topics.set(packet.topic, (topics.get(packet.topic) ?? 0) + 1);
      assert.equal(packet.qos, 1);
    }
  });
  const url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sim = runSimulator({ plant: SMALL, speed: 1, rate: 10, durationS: 1, mqtt: { url, protocol: 'generic' } });
  const stats = await sim.done;
  assert.deepEqual([...topics.keys()].sort(), ['factory/L1/CNC/telemetry', 'factory/L1/QC/telemetry']);
  assert.equal(stats.fleet!.dropped, 0);
  assert.equal(stats.fleet!.acked, stats.fleet!.sent);
});

test('backfill over IoT Hub: every historical sample reaches the hub with its source time', async (t) => {
  const keys = { 'L1-CNC': Buffer.from('k1').toString('base64'), 'L1-QC': Buffer.from('k2').toString('base64') };
  const hub = await new FakeHub({ deviceKeys: keys }).start();
  t.after(() => hub.close());
  const from = Date.parse('2026-01-07T06:00:00Z');
  const sim = runSimulator({
    plant: SMALL, from, to: from + 3_600_000, backfillIntervalMs: 60_000,
    mqtt: { url: hub.url, deviceKeys: keys, hubHostName: hub.hostName, maxInflight: 2 },
  });
  const stats = await sim.done;
  assert.equal(stats.messages, 2 * 60);
  assert.equal(stats.fleet!.acked, 120);
  assert.equal(hub.telemetry.length, 120);
  const times = hub.telemetry.filter((m) => m.deviceId === 'L1-QC').map((m) => Date.parse(m.properties['iothub-creation-time-utc']!));
  assert.equal(times.length, 60);
  assert.ok(times.every((x) => x >= from && x < from + 3_600_000));
  assert.deepEqual(times, [...times].sort((a, b) => a - b), 'in order per device');
});
