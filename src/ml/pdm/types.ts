/**
 * The shapes live predictive maintenance works on, and the ports it reads history through.
 * Times are ms since the epoch; telemetry values are the flat device message fields
 * (docs/simulator.md §Telemetry), so a real machine and the simulator look the same.
 */

/** One telemetry message of one machine (numbers, and the `state`/`stateReason` strings). */
export interface MachineSample {
  readonly time: number;
  readonly values: Readonly<Record<string, number | string | boolean | undefined>>;
}

export interface MachineInfo {
  readonly deviceId: string;
  /** Machine type (`cnc`, `robot`, `conveyor`, `quality`, …); unknown types are scored without a type hint. */
  readonly type?: string;
  /** Twin to write predictions onto; defaults to the device id (the demo plant uses the same ids). */
  readonly twinId?: string;
  /** Production line, for recommendation texts ("LINE-2 CNC"). */
  readonly lineId?: string;
}

/** A failure from the maintenance records (or the simulator's labels): `mode` = what broke. */
export interface FailureRecord {
  readonly deviceId: string;
  readonly mode: string;
  readonly time: number;
  /** Back in service. */
  readonly end?: number;
}

/** Maintenance that restored a mode without a failure (a preventive round finding a leak). */
export interface RepairRecord {
  readonly deviceId: string;
  readonly time: number;
  readonly modes: readonly string[];
}

/**
 * Port to the platform's history (the timeseries context implements it): the raw telemetry of one
 * machine in [from, to), in time order. Callers read in bounded chunks (a day at a time).
 */
export interface HistorySource {
  machines(): Promise<readonly MachineInfo[]>;
  readSeries(deviceId: string, signals: readonly string[], from: number, to: number): Promise<readonly MachineSample[]>;
}

/** Port to maintenance and failure records (work orders). */
export interface LabelSource {
  failures(from: number, to: number): Promise<readonly FailureRecord[]>;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** The failure modes the platform knows how to talk about; other modes from records still train. */
export const KNOWN_MODES = ['bearingWear', 'overheating', 'toolWear', 'pressureLeak'] as const;
export type KnownMode = (typeof KNOWN_MODES)[number];

export function isKnownMode(mode: string): mode is KnownMode {
  return (KNOWN_MODES as readonly string[]).includes(mode);
}

/** Machine states that mean "already failed / being repaired": no prediction is made then. */
export function inFailureState(state: unknown, reason: unknown): boolean {
  if (state === 'maintenance') return reason === 'corrective';
  return state === 'down' && typeof reason === 'string' && reason !== 'minorStop' && reason !== 'emergencyStop';
}
