/**
 * Machine type profiles: the nameplate data and behaviour parameters of each kind of station.
 * Numbers are chosen to be plausible for a small machining cell, not taken from one vendor:
 * vibration levels sit in the ISO 10816-3 "good/satisfactory" zones when healthy (< 2.8 mm/s RMS)
 * and cross into "unsatisfactory" (> 4.5 mm/s) as a bearing nears failure.
 * Adding a type = adding a profile here and a code in MACHINE_TYPES.
 */
export const MACHINE_TYPES = ['cnc', 'robot', 'conveyor', 'quality'] as const;
export type MachineType = (typeof MACHINE_TYPES)[number];

export const FAILURE_MODES = ['bearingWear', 'overheating', 'toolWear', 'pressureLeak'] as const;
export type FailureMode = (typeof FAILURE_MODES)[number];

export type SpeedUnit = 'rpm' | 'parts/min';
export type Range = readonly [number, number];

export interface MachineProfile {
  readonly type: MachineType;
  /** Upper-case code used in device ids: `LINE-1-CNC`. */
  readonly code: string;
  readonly description: string;
  readonly speedUnit: SpeedUnit;
  readonly maxSpeed: number;
  /** Default target speed as a fraction of maxSpeed. */
  readonly defaultSpeedFraction: number;
  /** Seconds per part at maxSpeed (the OEE "ideal cycle time"). */
  readonly idealCycleTime: number;
  /** Spread of real cycle times above nominal (coefficient of variation). */
  readonly cycleTimeCv: number;
  /** kW: control cabinet only / powered but not producing / full load. */
  readonly power: { readonly standby: number; readonly idle: number; readonly full: number };
  /** °C rise above ambient at full load with healthy cooling, and the thermal time constant. */
  readonly thermal: { readonly riseAtFullLoad: number; readonly tauMinutes: number };
  /** mm/s RMS: with the machine stopped, at zero speed while running, extra at max speed; and the
   * 1–10 kHz band (bearing-defect band) RMS at max speed. */
  readonly vibration: { readonly background: number; readonly base: number; readonly speedGain: number; readonly highBand: number };
  /** bar: nominal supply pressure and the dip while the machine consumes air/coolant. */
  readonly pressure?: { readonly nominal: number; readonly consumptionDrop: number };
  readonly failureModes: readonly FailureMode[];
  /** Probability a part produced here is defective before any wear effect. */
  readonly baseDefectRate: number;
  /** Parts between changeovers and changeover minutes; null = this station never changes over. */
  readonly changeover: { readonly everyParts: Range; readonly minutes: Range } | null;
  /** Short unplanned stops (jams, misfeeds): mean count per running hour and mean minutes each. */
  readonly minorStops: { readonly perRunningHour: number; readonly meanMinutes: number };
}

export const PROFILES: Readonly<Record<MachineType, MachineProfile>> = {
  cnc: {
    type: 'cnc', code: 'CNC', description: 'CNC machining centre (spindle)', speedUnit: 'rpm',
    maxSpeed: 12000, defaultSpeedFraction: 0.9, idealCycleTime: 40, cycleTimeCv: 0.04,
    power: { standby: 0.4, idle: 2.0, full: 15 },
    thermal: { riseAtFullLoad: 28, tauMinutes: 25 },
    vibration: { background: 0.05, base: 0.6, speedGain: 1.0, highBand: 0.25 },
    pressure: { nominal: 20, consumptionDrop: 0.8 },
    failureModes: ['bearingWear', 'overheating', 'toolWear', 'pressureLeak'],
    baseDefectRate: 0.008,
    changeover: { everyParts: [250, 600], minutes: [20, 40] },
    minorStops: { perRunningHour: 1.2, meanMinutes: 3 },
  },
  robot: {
    type: 'robot', code: 'ROBOT', description: 'Handling robot (axis motor, pneumatic gripper)', speedUnit: 'rpm',
    maxSpeed: 3000, defaultSpeedFraction: 0.9, idealCycleTime: 30, cycleTimeCv: 0.03,
    power: { standby: 0.3, idle: 0.8, full: 4.5 },
    thermal: { riseAtFullLoad: 18, tauMinutes: 15 },
    vibration: { background: 0.04, base: 0.4, speedGain: 0.8, highBand: 0.15 },
    pressure: { nominal: 6, consumptionDrop: 0.3 },
    failureModes: ['bearingWear', 'overheating', 'pressureLeak'],
    baseDefectRate: 0.001,
    changeover: { everyParts: [800, 1500], minutes: [5, 10] },
    minorStops: { perRunningHour: 0.6, meanMinutes: 1.5 },
  },
  conveyor: {
    type: 'conveyor', code: 'CONVEYOR', description: 'Belt conveyor (drive motor)', speedUnit: 'parts/min',
    maxSpeed: 6, defaultSpeedFraction: 0.9, idealCycleTime: 10, cycleTimeCv: 0.02,
    power: { standby: 0.05, idle: 0.4, full: 1.5 },
    thermal: { riseAtFullLoad: 15, tauMinutes: 20 },
    vibration: { background: 0.03, base: 0.5, speedGain: 1.0, highBand: 0.2 },
    failureModes: ['bearingWear', 'overheating'],
    baseDefectRate: 0,
    changeover: null,
    minorStops: { perRunningHour: 0.5, meanMinutes: 3 },
  },
  quality: {
    type: 'quality', code: 'QC', description: 'Quality station (vision + pneumatic fixture)', speedUnit: 'parts/min',
    maxSpeed: 3, defaultSpeedFraction: 0.9, idealCycleTime: 20, cycleTimeCv: 0.03,
    power: { standby: 0.2, idle: 0.6, full: 1.2 },
    thermal: { riseAtFullLoad: 8, tauMinutes: 30 },
    vibration: { background: 0.02, base: 0.15, speedGain: 0.3, highBand: 0.05 },
    pressure: { nominal: 6, consumptionDrop: 0.2 },
    failureModes: ['overheating', 'pressureLeak'],
    baseDefectRate: 0.003,
    changeover: { everyParts: [300, 600], minutes: [5, 10] },
    minorStops: { perRunningHour: 0.4, meanMinutes: 1.5 },
  },
};

/** Degradation defaults. Lives are in *running* days (24 h of running at full speed). */
export const DEGRADATION_DEFAULTS = {
  bearingWear: { lifeDays: [40, 120] as Range, initialHealth: [0.55, 1] as Range, repairHours: [3, 6] as Range },
  overheating: { lifeDays: [25, 60] as Range, initialHealth: [0.6, 1] as Range, repairHours: [1, 3] as Range },
  toolWear: { lifeParts: [700, 1100] as Range, initialHealth: [0.5, 1] as Range, repairHours: [0.5, 1] as Range },
  pressureLeak: { onsetMeanDays: 60, growthDays: [3, 10] as Range, repairHours: [1, 2] as Range },
} as const;
