/**
 * Runs a plant against its sinks: a JSON-lines file (dry run), an MQTT broker (IoT Hub or generic
 * topics, one connection per device), and/or a callback for in-process use.
 *
 * Time: with `from`, the run first backfills history as fast as the sinks accept it (samples every
 * `backfillIntervalMs` of simulated time, source timestamps in the past); it stops at `to`, or, with
 * no `to`, catches up with the wall clock and goes live. Live, simulated time runs at `speed` × wall
 * time and each device sends `rate` messages per wall-clock second.
 */
import { SimErrors } from './errors.js';
import { demoPlant, type PlantConfig } from './engine/config.js';
import type { Label, LabelListener } from './engine/labels.js';
import { createPlant, type Plant } from './engine/plant.js';
import type { TelemetryMessage } from './engine/telemetry.js';
import { JsonLinesWriter } from './output.js';
import { connectFleet, type MqttTarget } from './fleet-setup.js';
import type { Fleet, FleetStats } from './transport/fleet.js';

export interface SimulatorOptions {
  /** Default: the three-line demo plant. */
  readonly plant?: PlantConfig;
  readonly seed?: number | string;
  /** Simulated seconds per wall-clock second when live (default 1). */
  readonly speed?: number;
  readonly from?: number | string | Date;
  readonly to?: number | string | Date;
  /** Live messages per device per wall-clock second (default 1). */
  readonly rate?: number;
  /** Simulated ms between samples while backfilling (default 60,000). */
  readonly backfillIntervalMs?: number;
  /** Physics step, simulated ms (default 1000). */
  readonly stepMs?: number;
  /** Stop the live phase after this many wall-clock seconds. */
  readonly durationS?: number;
  /** Write ground-truth labels (JSON lines) here. */
  readonly labelsFile?: string;
  readonly onLabel?: LabelListener;
  /** Write every message as a JSON line here instead of (or as well as) publishing it. */
  readonly outFile?: string;
  readonly onMessage?: (msg: TelemetryMessage) => void;
  readonly mqtt?: MqttTarget;
  readonly log?: (line: string) => void;
  /** Wall clock (ms since the epoch); tests replace it. */
  readonly clock?: () => number;
}

export interface SimulatorStats {
  readonly phase: 'starting' | 'backfill' | 'live' | 'done';
  readonly simTime: string;
  readonly messages: number;
  readonly labels: number;
  readonly wallMs: number;
  readonly fleet?: FleetStats;
}

export interface SimulatorHandle {
  readonly plant: Plant;
  /** Resolves with the final stats when the run ends (reaches `to`, `durationS`, or stop()). */
  readonly done: Promise<SimulatorStats>;
  stats(): SimulatorStats;
  stop(): Promise<SimulatorStats>;
}

function toMs(t: number | string | Date, name: string): number {
  const ms = typeof t === 'number' ? t : new Date(t).getTime();
  if (!Number.isFinite(ms)) throw SimErrors.create('invalid_option', `--${name} is not a valid date: ${String(t)}`, { option: name, value: String(t) });
  return ms;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function runSimulator(options: SimulatorOptions): SimulatorHandle {
  const clock = options.clock ?? Date.now;
  const speed = options.speed ?? 1;
  const rate = options.rate ?? 1;
  const from = options.from === undefined ? undefined : toMs(options.from, 'from');
  const to = options.to === undefined ? undefined : toMs(options.to, 'to');
  if (!(speed > 0)) throw SimErrors.create('invalid_option', '--speed must be positive', { speed });
  if (!(rate > 0)) throw SimErrors.create('invalid_option', '--rate must be positive', { rate });
  if (from !== undefined && to !== undefined && !(from < to)) throw SimErrors.create('invalid_option', '--from must be before --to', { from: options.from, to: options.to });
  if (!options.outFile && !options.mqtt && !options.onMessage) {
    throw SimErrors.create('invalid_option', 'nowhere to send messages: give a broker URL, --dry-run --out FILE, or onMessage', {});
  }
  const log = options.log ?? (() => {});
  const labelsOut = options.labelsFile ? new JsonLinesWriter(options.labelsFile) : undefined;
  let labelCount = 0;
  const onLabel = (l: Label) => {
    labelCount++;
    labelsOut?.write(l);
    options.onLabel?.(l);
  };
  const plant = createPlant(options.plant ?? demoPlant(), {
    seed: options.seed ?? 42,
    start: from ?? clock(),
    ...(options.stepMs !== undefined ? { stepMs: options.stepMs } : {}),
    sampleIntervalMs: options.backfillIntervalMs ?? 60_000,
    onLabel,
  });
  const out = options.outFile ? new JsonLinesWriter(options.outFile) : undefined;
  const wallStart = clock();
  let phase: SimulatorStats['phase'] = 'starting';
  let messages = 0;
  let stopped = false;
  let fleet: Fleet | undefined;
  let wake: (() => void) | undefined;

  const sink = (msg: TelemetryMessage) => {
    messages++;
    out?.write({ deviceId: msg.deviceId, body: msg.body });
    fleet?.send(msg);
    options.onMessage?.(msg);
  };
  const stats = (): SimulatorStats => ({
    phase, simTime: new Date(plant.now).toISOString(), messages, labels: labelCount, wallMs: clock() - wallStart,
    ...(fleet ? { fleet: fleet.stats() } : {}),
  });

  async function backfill(until: number): Promise<void> {
    const chunk = Math.max(plant.interval, 600_000);
    let nextReport = clock() + 5000;
    // Bounded: each pass advances simulated time by one chunk until `until`.
    while (!stopped && plant.now + plant.stepMs <= until) {
      plant.advanceTo(Math.min(until, plant.now + chunk), sink);
      await out?.drain();
      await labelsOut?.drain();
      if (fleet) await fleet.waitForRoom(Math.max(1000, 2 * plant.machines.length));
      await new Promise<void>((r) => setImmediate(r));
      if (clock() >= nextReport) {
        log(`backfill ${new Date(plant.now).toISOString()} (${messages} messages)`);
        nextReport = clock() + 5000;
      }
    }
  }

  async function live(): Promise<void> {
    plant.setSampleInterval(Math.max(1, Math.round((speed * 1000) / rate)));
    const simStart = plant.now;
    const wallLive = clock();
    const tickMs = Math.min(200, Math.max(10, Math.round(1000 / rate / 4)));
    while (!stopped) {
      const elapsed = clock() - wallLive;
      if (options.durationS !== undefined && elapsed >= options.durationS * 1000) break;
      const target = simStart + elapsed * speed;
      plant.advanceTo(to === undefined ? target : Math.min(target, to), sink);
      if (to !== undefined && plant.now + plant.stepMs > to) break;
      await out?.drain();
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, tickMs);
      });
    }
  }

  async function main(): Promise<SimulatorStats> {
    try {
      if (options.mqtt) {
        fleet = await connectFleet(plant, options.mqtt, log);
        fleet.start();
      }
      if (from !== undefined) {
        if (fleet) {
          // History must reach the broker whole: wait until every device has connected (or failed).
          log(`connecting ${plant.machines.length} devices`);
          await Promise.race([fleet.ready, new Promise<void>((r) => { wake = r; })]);
        }
        phase = 'backfill';
        log(`backfilling from ${new Date(from).toISOString()} to ${to === undefined ? 'now' : new Date(to).toISOString()}`);
        if (to !== undefined) await backfill(to);
        else {
          // Catch up with a moving wall clock: a few passes, each shorter than the last.
          for (let i = 0; i < 5 && !stopped && clock() - plant.now > 2 * plant.stepMs; i++) await backfill(clock());
        }
      }
      if (!stopped && (to === undefined || from === undefined)) {
        phase = 'live';
        log(`live at ${speed}× with ${rate} msg/s per device (${plant.machines.length} devices)`);
        await live();
      }
    } finally {
      phase = 'done';
      plant.flushLabels();
      await fleet?.close();
      await out?.close();
      await labelsOut?.close();
    }
    return stats();
  }

  const done = main();
  return {
    plant,
    done,
    stats,
    async stop() {
      stopped = true;
      wake?.();
      await done.catch(() => {});
      return stats();
    },
  };
}
