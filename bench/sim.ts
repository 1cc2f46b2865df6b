/**
 * Simulator benchmarks (run with `nice -n 10 npx tsx bench/sim.ts [--mqtt URL] [--devices N] [--duration S]`).
 *   engine   messages/s the plant model generates on its own (no I/O), demo plant and 10,000 devices
 *   dry-run  messages/s written to a JSON-lines file during a backfill
 *   mqtt     (with --mqtt) N devices at 1 msg/s each to a real broker, one connection per device
 *   hub      (with --hub) the same load through the platform's device hub, in this process: a DPS
 *            enrollment group, every device provisioning itself, then IoT Hub MQTT telemetry into the
 *            hub's pipeline (group commit to an in-memory store). Hub and simulator share the process,
 *            so the CPU figure is for both.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { createPlant, demoPlant, generatedPlant, runSimulator, type MqttTarget } from '../src/sim/index.js';
import { createDeviceHub } from '../src/hub/index.js';
import { createInProcessBus } from '../src/bus/index.js';
import { createMetrics, silentLogger } from '../src/observability/index.js';
import { createMemoryStorage } from '../src/storage/index.js';

const { values } = parseArgs({ options: { mqtt: { type: 'string' }, hub: { type: 'boolean' }, devices: { type: 'string' }, duration: { type: 'string' }, only: { type: 'string' } } });
const START = Date.parse('2026-01-07T00:00:00Z');
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function engine(): void {
  const demo = createPlant(demoPlant(), { seed: 1, start: START, sampleIntervalMs: 1000 });
  let n = 0;
  let t0 = performance.now();
  demo.advanceTo(START + 6 * 3_600_000, () => n++);
  let s = (performance.now() - t0) / 1000;
  console.log(`engine  demo plant (12 devices), 6 simulated hours at 1 msg/s: ${fmt(n)} messages in ${s.toFixed(2)} s = ${fmt(n / s)} msg/s, ${fmt((6 * 3600) / s)}× real time`);

  t0 = performance.now();
  const big = createPlant(generatedPlant(2500, 4), { seed: 1, start: START, sampleIntervalMs: 1000 });
  const build = (performance.now() - t0) / 1000;
  n = 0;
  t0 = performance.now();
  big.advanceTo(START + 60_000, () => n++);
  s = (performance.now() - t0) / 1000;
  console.log(`engine  10,000 devices: built in ${build.toFixed(2)} s; 60 simulated s at 1 msg/s: ${fmt(n)} messages in ${s.toFixed(2)} s = ${fmt(n / s)} msg/s (${((s / 60) * 100).toFixed(0)} % of one core for real time)`);
}

async function dryRun(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'sim-bench-'));
  try {
    const out = join(dir, 'out.jsonl');
    const t0 = performance.now();
    const stats = await runSimulator({ from: START, to: START + 7 * 86_400_000, backfillIntervalMs: 10_000, outFile: out, labelsFile: join(dir, 'labels.jsonl') }).done;
    const s = (performance.now() - t0) / 1000;
    const size = (await stat(out)).size;
    console.log(`dry-run demo plant, 7-day backfill at 10 s: ${fmt(stats.messages)} messages (${(size / 1e6).toFixed(0)} MB) in ${s.toFixed(1)} s = ${fmt(stats.messages / s)} msg/s`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function mqtt(url: string, devices: number, durationS: number, target?: MqttTarget, label = 'mqtt   '): Promise<void> {
  const lines = Math.ceil(devices / 4);
  const prefix = `twinworks-bench/${process.pid}`;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const sim = runSimulator({
    plant: generatedPlant(lines, 4), rate: 1, durationS,
    // Device errors, bounded by the fleet (the first 20, then every 1,000th).
    log: (line) => console.log(`        ${line}`),
    mqtt: target ?? { url, protocol: 'generic', topicTemplate: `${prefix}/{line}/{machine}`, rampPerSecond: 500, maxConnecting: 500, maxQueue: 10, keepaliveS: 120 },
  });
  let allConnectedAt: number | undefined;
  let ackedAt: { t: number; acked: number } | undefined;
  let last = sim.stats();
  // Bounded by durationS: the run ends by itself.
  while (last.phase !== 'done') {
    await new Promise((r) => setTimeout(r, 1000));
    last = sim.stats();
    const f = last.fleet!;
    const t = (performance.now() - t0) / 1000;
    if (allConnectedAt === undefined && f.connected + f.failed >= f.devices) {
      allConnectedAt = t;
      ackedAt = { t, acked: f.acked };
    }
    console.log(`${label} t=${t.toFixed(0)} s connected ${f.connected}/${f.devices} failed ${f.failed} acked ${fmt(f.acked)} dropped ${fmt(f.dropped)} offline ${fmt(f.offline)} inflight ${f.inflight} rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
  }
  const end = await sim.done;
  const t = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const f = end.fleet!;
  const steady = ackedAt ? (f.acked - ackedAt.acked) / Math.max(1e-9, t - ackedAt.t) : 0;
  console.log(`${label} ${devices} devices: all connected after ${allConnectedAt?.toFixed(1) ?? 'never'} s; steady ${fmt(steady)} acked msg/s (target ${devices}); dropped ${fmt(f.dropped)}, offline while connecting ${fmt(f.offline)}; CPU ${((cpu.user + cpu.system) / 1e6 / t * 100).toFixed(0)} % of one core; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
}

/** The simulator as the device hub's load generator: DPS group enrollment, then IoT Hub MQTT. */
async function hub(devices: number, durationS: number): Promise<void> {
  const logger = silentLogger();
  const store = createMemoryStorage();
  await store.open();
  const bus = createInProcessBus({ logger });
  const h = await createDeviceHub({ store, bus, logger, metrics: createMetrics(), hostName: 'hub.twinworks.bench' });
  const ports = await h.listen({ host: '127.0.0.1', port: 0 });
  try {
    const group = await h.parts.enrollments.putGroup('bench', {});
    const groupKey = group.attestation.type === 'symmetricKey' ? group.attestation.symmetricKey.primaryKey : '';
    const url = `mqtt://127.0.0.1:${ports.port}`;
    await mqtt(url, devices, durationS, { url, dps: { idScope: h.config.idScope, groupKey }, rampPerSecond: 500, maxConnecting: 500, maxQueue: 10, keepaliveS: 120 }, 'hub    ');
    const registered = (await h.registry.list({ limit: devices + 10 })).length;
    console.log(`hub     devices provisioned into the registry: ${registered}`);
  } finally {
    await h.close();
    await bus.close();
    await store.close();
  }
}

const only = values.only;
if (!only || only === 'engine') engine();
if (!only || only === 'dry-run') await dryRun();
if (values.mqtt && (!only || only === 'mqtt')) await mqtt(values.mqtt, Number(values.devices ?? 1000), Number(values.duration ?? 30));
if (values.hub && (!only || only === 'hub')) await hub(Number(values.devices ?? 1000), Number(values.duration ?? 30));
process.exit(0);
