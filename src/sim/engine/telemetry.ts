/**
 * The telemetry a simulated device sends: one flat JSON object per message. Names are camelCase and
 * stable (they are the DTDL telemetry names of the demo models); units are fixed per field and
 * documented in docs/simulator.md.
 */
export const MACHINE_STATES = ['running', 'idle', 'starved', 'blocked', 'setup', 'plannedStop', 'down', 'maintenance'] as const;
export type MachineState = (typeof MACHINE_STATES)[number];

export interface Telemetry {
  /** ISO 8601 UTC source time of the sample. */
  readonly timestamp: string;
  readonly state: MachineState;
  /** Why the machine is not running (absent while running). */
  readonly stateReason?: string;
  /** Current shift name, absent outside every shift. */
  readonly shift?: string;
  /** °C (spindle / motor / enclosure). Absent during a sensor dropout, as are the others below. */
  readonly temperature?: number;
  /** mm/s RMS, 10 Hz–1 kHz (ISO 10816). */
  readonly vibration?: number;
  /** mm/s RMS in the 1–10 kHz bearing-defect band. */
  readonly vibrationHighBand?: number;
  /** kW electrical. */
  readonly power?: number;
  /** rpm (cnc, robot) or parts/min (conveyor, quality). */
  readonly speed: number;
  /** bar: coolant (cnc) or compressed air (robot, quality); conveyors have none. */
  readonly pressure?: number;
  /** Parts passed on since start or the last resetCounters (cumulative). */
  readonly goodCount: number;
  /** Parts scrapped here since start or the last resetCounters (cumulative). */
  readonly rejectCount: number;
  /** s, duration of the last completed cycle. */
  readonly cycleTime: number;
}

export interface TelemetryMessage {
  readonly deviceId: string;
  /** Source time in ms since the epoch (equal to `body.timestamp`). */
  readonly time: number;
  readonly body: Telemetry;
}
