/**
 * `twinworks simulate`: runs the factory simulator as a separate program that talks to the
 * platform only the way machines do (DPS + IoT Hub MQTT, or plain MQTT topics), or writes its
 * messages to a file (`--dry-run --out FILE`).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import type { CliCommand, CliIO } from '../cli/command.js';
import { SimErrors } from './errors.js';
import { demoPlant, generatedPlant, parsePlantDescription } from './engine/config.js';
import type { MqttTarget } from './fleet-setup.js';
import { runSimulator, type SimulatorOptions } from './runner.js';

const USAGE = `Usage: twinworks simulate [options]

Where messages go (one of):
  --url mqtt://host:port        broker to publish to (one MQTT connection per device)
  --dry-run --out FILE          write messages as JSON lines, no broker
Broker dialect:
  --protocol iothub|generic     IoT Hub device protocol (default) or plain topics
  --dps-scope ID --dps-group-key KEY   provision every device through DPS (symmetric-key group)
  --device-keys FILE            JSON/YAML object deviceId → base64 key (devices registered up front)
  --hub-host NAME               IoT Hub host name when not assigned by DPS (default: URL host)
  --topic TEMPLATE              generic topic, default factory/{line}/{machine}/telemetry
  --username U --password P     generic broker credentials
Plant:
  --lines N --machines-per-line M   generated plant (default: the 3-line demo plant)
  --plant FILE                  plant description (YAML or JSON)
Time:
  --seed N                      deterministic run (default 42)
  --speed X                     simulated seconds per wall second (default 1; 3600 = an hour a second)
  --from DATE [--to DATE]       backfill history from DATE (to DATE, or to now and then live)
  --interval S                  simulated seconds between backfill samples per device (default 60)
  --step-ms MS                  physics step in simulated ms (default 1000)
  --duration S                  stop the live run after S wall-clock seconds
Load:
  --rate R                      live messages per second per device (default 1)
  --ramp N                      connections opened per second (default 200)
  --max-inflight N              unacknowledged QoS 1 publishes per device (default 4)
Ground truth:
  --labels FILE                 write failures, maintenance, anomalies, sensor faults (JSON lines)`;

function num(value: string | undefined, name: string, check: (n: number) => boolean = (n) => n > 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || !check(n)) throw SimErrors.create('invalid_option', `--${name} must be a positive number, got '${value}'`, { option: name, value });
  return n;
}

async function readKeys(path: string): Promise<Record<string, string>> {
  const data: unknown = parseYaml(await readFile(path, 'utf8'));
  if (!data || typeof data !== 'object' || Array.isArray(data) || !Object.values(data).every((v) => typeof v === 'string')) {
    throw SimErrors.create('invalid_option', `${path}: expected an object mapping device ids to base64 keys`, { path });
  }
  return data as Record<string, string>;
}

/** Turns command-line arguments into simulator options (exported for tests). */
export async function parseSimulateArgs(argv: readonly string[], io: Pick<CliIO, 'stderr'>): Promise<SimulatorOptions> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' }, protocol: { type: 'string' }, 'dps-scope': { type: 'string' }, 'dps-group-key': { type: 'string' },
        'device-keys': { type: 'string' }, 'hub-host': { type: 'string' }, topic: { type: 'string' }, username: { type: 'string' },
        password: { type: 'string' }, seed: { type: 'string' }, speed: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' },
        lines: { type: 'string' }, 'machines-per-line': { type: 'string' }, plant: { type: 'string' }, rate: { type: 'string' },
        interval: { type: 'string' }, 'step-ms': { type: 'string' }, labels: { type: 'string' }, duration: { type: 'string' },
        'dry-run': { type: 'boolean' }, out: { type: 'string' }, ramp: { type: 'string' }, 'max-inflight': { type: 'string' },
      },
    });
  } catch (err) {
    throw SimErrors.create('invalid_option', (err as Error).message, {}, err);
  }
  const v = parsed.values;
  if (v['dry-run'] && !v.out) throw SimErrors.create('invalid_option', '--dry-run needs --out FILE', {});
  if (v['dry-run'] && v.url) throw SimErrors.create('invalid_option', '--dry-run writes a file; leave out --url', {});
  if (!v['dry-run'] && !v.url) throw SimErrors.create('invalid_option', 'give --url mqtt://host:port, or --dry-run --out FILE', {});
  if (v.plant && (v.lines || v['machines-per-line'])) throw SimErrors.create('invalid_option', 'use either --plant or --lines/--machines-per-line', {});
  const protocol = v.protocol ?? 'iothub';
  if (protocol !== 'iothub' && protocol !== 'generic') throw SimErrors.create('invalid_option', `--protocol must be iothub or generic, got '${protocol}'`, { value: protocol });
  if (Boolean(v['dps-scope']) !== Boolean(v['dps-group-key'])) throw SimErrors.create('invalid_option', '--dps-scope and --dps-group-key go together', {});

  const plant = v.plant
    ? parsePlantDescription(await readFile(v.plant, 'utf8'), v.plant)
    : v.lines || v['machines-per-line']
      ? generatedPlant(num(v.lines ?? '1', 'lines', Number.isInteger)!, num(v['machines-per-line'] ?? '4', 'machines-per-line', Number.isInteger)!)
      : demoPlant();

  let mqtt: MqttTarget | undefined;
  if (v.url) {
    mqtt = {
      url: v.url,
      protocol,
      ...(v['dps-scope'] ? { dps: { idScope: v['dps-scope'], groupKey: v['dps-group-key']! } } : {}),
      ...(v['device-keys'] ? { deviceKeys: await readKeys(v['device-keys']) } : {}),
      ...(v['hub-host'] ? { hubHostName: v['hub-host'] } : {}),
      ...(v.topic ? { topicTemplate: v.topic } : {}),
      ...(v.username !== undefined ? { username: v.username } : {}),
      ...(v.password !== undefined ? { password: v.password } : {}),
      ...(v.ramp ? { rampPerSecond: num(v.ramp, 'ramp')! } : {}),
      ...(v['max-inflight'] ? { maxInflight: num(v['max-inflight'], 'max-inflight', Number.isInteger)! } : {}),
    };
    if (protocol === 'iothub' && !mqtt.dps && !mqtt.deviceKeys) {
      throw SimErrors.create('invalid_option', 'the IoT Hub protocol needs --dps-scope/--dps-group-key or --device-keys (or use --protocol generic)', {});
    }
  }
  const interval = num(v.interval, 'interval');
  const seed = v.seed === undefined ? undefined : /^-?\d+$/.test(v.seed) ? Number(v.seed) : v.seed;
  return {
    plant,
    ...(seed !== undefined ? { seed } : {}),
    ...(v.speed ? { speed: num(v.speed, 'speed')! } : {}),
    ...(v.from ? { from: v.from } : {}),
    ...(v.to ? { to: v.to } : {}),
    ...(v.rate ? { rate: num(v.rate, 'rate')! } : {}),
    ...(interval !== undefined ? { backfillIntervalMs: interval * 1000 } : {}),
    ...(v['step-ms'] ? { stepMs: num(v['step-ms'], 'step-ms')! } : {}),
    ...(v.duration ? { durationS: num(v.duration, 'duration')! } : {}),
    ...(v.labels ? { labelsFile: v.labels } : {}),
    ...(v.out ? { outFile: v.out } : {}),
    ...(mqtt ? { mqtt } : {}),
    log: (line) => io.stderr(`simulate: ${line}`),
  };
}

export const simulateCommand: CliCommand = {
  name: 'simulate',
  summary: 'Run the factory simulator: a plant of machines speaking DPS + IoT Hub MQTT (or writing JSON lines)',
  usage: USAGE,
  async run(argv, io) {
    const options = await parseSimulateArgs(argv, io);
    if (options.from === undefined && options.durationS === undefined && options.outFile) {
      throw SimErrors.create('invalid_option', 'a live dry run needs --duration S (or --from/--to for a backfill)', {});
    }
    const handle = runSimulator(options);
    const stop = () => void handle.stop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      const stats = await handle.done;
      io.stdout(JSON.stringify(stats));
      return 0;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  },
};
