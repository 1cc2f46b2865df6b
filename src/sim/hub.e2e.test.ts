/**
 * The simulator against the real device hub (src/hub, imported only through its index.ts), as the
 * platform will run it: a symmetric-key enrollment group, every simulated machine provisioning itself
 * through DPS with a key derived from the group key, then speaking the IoT Hub MQTT device protocol —
 * telemetry with source timestamps, twin sync at start-up, direct methods and desired properties
 * from the service side. With Plug and Play model ids in the DPS payload, provisioning creates the
 * missing twin; a binding like the platform's default one carries state and signals to the twins.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createDeviceHub, parseHubConfig, type TwinUpdater } from '../hub/index.js';
import { createInProcessBus } from '../bus/index.js';
import { createMetrics, silentLogger } from '../observability/index.js';
import { createMemoryStorage } from '../storage/index.js';
import { runSimulator } from './runner.js';
import type { PlantConfig } from './engine/config.js';
import type { TelemetryMessage } from './engine/telemetry.js';

const PLANT: PlantConfig = { lines: [{ id: 'L1', machines: [{ type: 'cnc' }, { type: 'quality' }] }] };
const IDS = ['L1-CNC', 'L1-QC'];
const MODELS = { cnc: 'dtmi:twinworks:plant:Cnc;1', quality: 'dtmi:twinworks:plant:QualityStation;1' } as const;

/** A twin graph stand-in that records what the hub asks of it; L1-CNC's twin exists (seeded), L1-QC's does not. */
function recordingTwins() {
  const exists = new Set(['L1-CNC']);
  const created: Array<[string, string]> = [];
  const patches: Array<{ twinId: string; path: string; value: unknown }> = [];
  const telemetry: Array<{ twinId: string; values: Record<string, unknown> }> = [];
  const updater: TwinUpdater = {
    async twinExists(id) {
      return exists.has(id);
    },
    async createTwin(id, modelId) {
      created.push([id, modelId]);
      exists.add(id);
    },
    async patchTwin(twinId, patch) {
      for (const op of patch) patches.push({ twinId, path: op.path, value: (op as { value?: unknown }).value });
    },
    async publishTelemetry(twinId, values) {
      telemetry.push({ twinId, values: { ...values } });
    },
  };
  return { updater, created, patches, telemetry };
}

async function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  // Bounded by the deadline.
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('DPS group enrollment → IoT Hub MQTT: telemetry, a direct method and a desired property, against the real hub', async (t) => {
  const logger = silentLogger();
  const store = createMemoryStorage();
  await store.open();
  const bus = createInProcessBus({ logger });
  const twins = recordingTwins();
  // The binding the platform uses by default (src/platform/hub.ts): state to properties, signals as twin telemetry.
  const config = parseHubConfig({
    bindings: [{
      devices: '*',
      properties: [{ from: 'state', to: '/state' }, { from: 'stateReason', to: '/stateReason' }],
      telemetry: ['temperature', 'vibration', 'power', 'goodCount', { from: 'speed', name: 'actualSpeed' }],
    }],
  });
  const hub = await createDeviceHub({ store, bus, logger, metrics: createMetrics(), hostName: 'hub.twinworks.test', config, twins: twins.updater });
  const ports = await hub.listen({ host: '127.0.0.1', port: 0 });
  t.after(async () => {
    await hub.close();
    await bus.close();
    await store.close();
  });

  // The operator's side: one enrollment group for the whole plant, with an initial desired property.
  const group = await hub.parts.enrollments.putGroup('simulated-plant', { initialTwin: { properties: { desired: { idealCycleTime: 45 } } } });
  assert.equal(group.attestation.type, 'symmetricKey');
  const groupKey = group.attestation.type === 'symmetricKey' ? group.attestation.symmetricKey.primaryKey : '';

  const sent: TelemetryMessage[] = [];
  const sim = runSimulator({
    plant: PLANT, speed: 10, rate: 5, onMessage: (m) => sent.push(m),
    mqtt: { url: `mqtt://127.0.0.1:${ports.port}`, dps: { idScope: hub.config.idScope, groupKey }, modelIds: MODELS },
  });
  t.after(() => sim.stop());

  // Provisioned: each device exists with the key derived from the group key (DPS group enrollment:
  // base64(HMAC-SHA256(base64-decoded group key, registration id))), computed here independently.
  for (const id of IDS) {
    const device = await until(`${id} registered`, () => hub.registry.read(id));
    const derived = createHmac('sha256', Buffer.from(groupKey, 'base64')).update(id).digest('base64');
    assert.equal(device.authentication.symmetricKey?.primaryKey, derived, id);
    assert.equal(device.modelId, id.endsWith('CNC') ? MODELS.cnc : MODELS.quality);
  }
  // The model id in the DPS payload created the one twin that was missing.
  assert.deepEqual(twins.created, [['L1-QC', MODELS.quality]]);

  // Start-up twin sync: the device read the enrollment's initial desired idealCycleTime, applied it,
  // and acknowledged it with the desired version it saw (IoT Plug and Play ac/av).
  for (const id of IDS) {
    const reported = await until(`${id} reported properties`, async () => {
      const d = await hub.registry.get(id);
      return (d.twin.reported as Record<string, unknown>).idealCycleTime === undefined ? undefined : d;
    });
    const props = reported.twin.reported as Record<string, { value?: number; ac?: number; av?: number } | string | number>;
    assert.deepEqual(props.idealCycleTime, { value: 45, ac: 200, av: reported.twin.desiredVersion, ad: 'applied from the next cycle' }, id);
    assert.equal(props.machineType, id.endsWith('CNC') ? 'cnc' : 'quality');
    assert.equal(sim.plant.machine(id).idealCycleTime, 45);
  }

  // Telemetry reached the hub's store with the source timestamps and values the machine reported.
  const cncTemperature = () => store.readPoints({ series: 'devices/L1-CNC/temperature', from: new Date(0), to: new Date(Date.now() + 86_400_000 * 365) });
  const stored = await until('telemetry in the store', async () => {
    const pts = await cncTemperature();
    return pts.length >= 5 ? pts : undefined;
  });
  const byTime = new Map(sent.filter((m) => m.deviceId === 'L1-CNC').map((m) => [m.time, m.body]));
  for (const p of stored) {
    const body = byTime.get(p.time.getTime());
    assert.ok(body, `a stored point at ${p.time.toISOString()} matches a sample's source time`);
    assert.equal(p.value, body.temperature);
  }

  // A direct method from the service side changes the machine, and the answer comes back.
  const res = await hub.operations.invokeMethod('L1-CNC', { methodName: 'setSpeed', payload: { speed: 6000 }, responseTimeoutInSeconds: 10 });
  assert.deepEqual([res.status, res.payload], [200, { targetSpeed: 6000, unit: 'rpm' }]);
  assert.equal(sim.plant.machine('L1-CNC').targetSpeed, 6000);
  const refused = await hub.operations.invokeMethod('L1-CNC', { methodName: 'setSpeed', payload: { speed: 99_999 }, responseTimeoutInSeconds: 10 });
  assert.equal(refused.status, 400);
  // The speed a method set is reported back as the writable property's value.
  await until('targetSpeed reported after setSpeed', async () => {
    const r = (await hub.registry.get('L1-CNC')).twin.reported as Record<string, { value?: number }>;
    return r.targetSpeed?.value === 6000 ? true : undefined;
  });

  // emergencyStop: the spindle runs down (τ = 3 s simulated) and the stored speed reaches 0.
  const stop = await hub.operations.invokeMethod('L1-CNC', { methodName: 'emergencyStop', payload: {}, responseTimeoutInSeconds: 10 });
  assert.equal(stop.status, 200);
  const stoppedAt = Date.now();
  await until('stored spindle speed 0 after emergencyStop', async () => {
    const pts = await store.readPoints({ series: 'devices/L1-CNC/speed', from: new Date(0), to: new Date(Date.now() + 86_400_000 * 365) });
    return pts.some((p) => p.arrival.getTime() > stoppedAt && p.value === 0) ? true : undefined;
  });

  // The binding carried the stop to the twin: state and reason as properties, speed as telemetry.
  await until('twin state down/emergencyStop', () =>
    twins.patches.some((p) => p.twinId === 'L1-CNC' && p.path === '/stateReason' && p.value === 'emergencyStop') || undefined);
  assert.ok(twins.patches.some((p) => p.twinId === 'L1-CNC' && p.path === '/state' && p.value === 'down'));
  assert.ok(twins.telemetry.some((x) => x.twinId === 'L1-CNC' && typeof x.values.actualSpeed === 'number' && typeof x.values.temperature === 'number'));

  // A desired-property change from the service side is applied and acknowledged with its version.
  const updated = await hub.operations.updateTwin('L1-QC', { desired: { targetSpeed: 2 } });
  const version = updated.twin.desiredVersion;
  const ack = await until('desired targetSpeed acknowledged', async () => {
    const r = (await hub.registry.get('L1-QC')).twin.reported as Record<string, { value?: number; ac?: number; av?: number }>;
    return r.targetSpeed?.av === version ? r.targetSpeed : undefined;
  });
  assert.deepEqual(ack, { value: 2, ac: 200, av: version, ad: 'applied' });
  assert.equal(sim.plant.machine('L1-QC').targetSpeed, 2);
  // An out-of-range value is refused (ac 400) and the machine keeps its speed.
  const bad = await hub.operations.updateTwin('L1-QC', { desired: { targetSpeed: 50 } });
  const nack = await until('desired targetSpeed refused', async () => {
    const r = (await hub.registry.get('L1-QC')).twin.reported as Record<string, { value?: number; ac?: number; av?: number }>;
    return r.targetSpeed?.av === bad.twin.desiredVersion ? r.targetSpeed : undefined;
  });
  assert.deepEqual([nack.ac, nack.value], [400, 2]);
  assert.equal(sim.plant.machine('L1-QC').targetSpeed, 2);

  const stats = await sim.stop();
  assert.equal(stats.fleet!.failed, 0);
  assert.ok(stats.fleet!.acked >= stored.length);
});
