/**
 * History and ground truth from the simulator, in-process: the training and evaluation data of the
 * CLI, the benchmark and the tests. The plant is stepped exactly as `twinworks simulate --dry-run`
 * would; messages go straight to a sink instead of a file, and failure/repair labels are collected.
 */
import { createPlant, demoPlant, generatedPlant, type Label, type PlantConfig } from '../../sim/index.js';
import { PdmErrors } from './errors.js';
import { DAY_MS, type FailureRecord, type MachineInfo, type MachineSample, type RepairRecord } from './types.js';

export interface SimHistoryOptions {
  /** Default: the demo plant; `lines` builds a generated plant of that many 4-station lines instead. */
  readonly plant?: PlantConfig;
  readonly lines?: number;
  readonly seed: number;
  readonly from: number;
  readonly to: number;
  /** Telemetry period per machine (default 60 s, the simulator's backfill default). */
  readonly sampleIntervalMs?: number;
  /** Physics step (default 10 s: lags and wear are integrated exactly, so this barely matters). */
  readonly stepMs?: number;
}

export interface SimHistory {
  readonly machines: readonly MachineInfo[];
  readonly failures: readonly FailureRecord[];
  readonly repairs: readonly RepairRecord[];
}

/** Preventive-round actions (docs/simulator.md §Degradation) and the mode each one restores. */
const ACTION_MODES: Readonly<Record<string, string>> = { leakRepair: 'pressureLeak', toolChange: 'toolWear', coolingService: 'overheating' };

export function plantFor(options: Pick<SimHistoryOptions, 'plant' | 'lines'>): PlantConfig {
  if (options.plant) return options.plant;
  return options.lines === undefined ? demoPlant() : generatedPlant(options.lines, 4);
}

export type SampleSink = (deviceId: string, sample: MachineSample) => void;

/**
 * Runs the simulator over [from, to): `open` gets the machines first and returns the sink that then
 * receives every message in time order. Returns the machines and the failure and repair records.
 */
export function simulateHistory(options: SimHistoryOptions, open: (machines: readonly MachineInfo[]) => SampleSink): SimHistory {
  if (!(options.to > options.from)) {
    throw PdmErrors.create('bad_window', `simulation window is empty: ${new Date(options.from).toISOString()} … ${new Date(options.to).toISOString()}`, { from: options.from, to: options.to });
  }
  if (options.to - options.from > 400 * DAY_MS) throw PdmErrors.create('bad_window', 'simulate at most 400 days at a time', { days: (options.to - options.from) / DAY_MS });
  const labels: Label[] = [];
  const plant = createPlant(plantFor(options), {
    seed: options.seed,
    start: options.from,
    sampleIntervalMs: options.sampleIntervalMs ?? 60_000,
    stepMs: options.stepMs ?? 10_000,
    onLabel: (l) => labels.push(l),
  });
  const machines: MachineInfo[] = plant.deviceInfo.map((d) => ({ deviceId: d.deviceId, type: d.type, lineId: d.lineId }));
  const sink = open(machines);
  // A day at a time keeps the plant's internal batches small.
  for (let t = options.from; t < options.to; t = Math.min(options.to, t + DAY_MS)) {
    const end = Math.min(options.to, t + DAY_MS) - 1;
    plant.advanceTo(end, (msg) => sink(msg.deviceId, { time: msg.time, values: msg.body as unknown as MachineSample['values'] }));
  }
  plant.flushLabels();
  return { machines, ...recordsFromLabels(labels) };
}

/** Failure and repair records from simulator labels (other label kinds are ignored). */
export function recordsFromLabels(labels: readonly Label[]): { failures: FailureRecord[]; repairs: RepairRecord[] } {
  const failures: FailureRecord[] = [];
  const repairs: RepairRecord[] = [];
  for (const l of labels) {
    const time = Date.parse(l.time);
    if (l.kind === 'failure') {
      failures.push({ deviceId: l.deviceId, mode: l.mode, time, ...(l.end ? { end: Date.parse(l.end) } : {}) });
    } else if (l.kind === 'maintenance' && (l.mode === 'preventive' || l.mode === 'requested')) {
      const list = (l.detail?.['actions'] ?? l.detail?.['restored']) as unknown;
      const modes = Array.isArray(list) ? list.map((a) => ACTION_MODES[String(a)] ?? String(a)) : [];
      if (modes.length > 0) repairs.push({ deviceId: l.deviceId, time, modes });
    }
  }
  failures.sort((a, b) => a.time - b.time);
  repairs.sort((a, b) => a.time - b.time);
  return { failures, repairs };
}
