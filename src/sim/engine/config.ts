/**
 * Plant descriptions: the lines, their stations in flow order, buffers, calendar and behaviour
 * overrides. Read from YAML/JSON files (`--plant FILE`), generated from `--lines N
 * --machines-per-line M`, or the built-in three-line demo plant.
 *
 * Device ids: `{lineId}-{CODE}` with CODE = CNC | ROBOT | CONVEYOR | QC; the second and later
 * stations of one type in a line get `-2`, `-3`… (`LINE-1-CNC-2`), so adding stations never renames
 * existing ones. The twin graph uses the same ids for machine twins.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SimErrors } from '../errors.js';
import { DEFAULT_CALENDAR, WEEKDAYS, type CalendarConfig } from './calendar.js';
import type { DegradationConfig } from './health.js';
import { FAILURE_MODES, MACHINE_TYPES, PROFILES, type MachineType, type Range } from './machine-types.js';

export interface MachineConfig {
  readonly type: MachineType;
  /** Default: derived from the line id and type (see above). */
  readonly id?: string;
  readonly idealCycleTime?: number;
  readonly maxSpeed?: number;
  readonly targetSpeed?: number;
  readonly minorStopsPerHour?: number;
  readonly changeoverEveryParts?: Range;
  readonly changeoverMinutes?: Range;
  readonly defectRate?: number;
  readonly degradation?: DegradationConfig;
}

export interface LineConfig {
  readonly id: string;
  /** Capacity of the buffer after each station but the last (one number = all buffers). Default 6. */
  readonly buffers?: number | readonly number[];
  readonly machines: readonly MachineConfig[];
}

export interface PlantConfig {
  readonly site?: string;
  readonly calendar?: CalendarConfig;
  /** Workshop air, °C: daily mean and half the day–night swing. */
  readonly ambient?: { readonly meanC: number; readonly swingC: number };
  readonly anomaliesPerDevicePerDay?: number;
  readonly sensorFaultsPerDevicePerDay?: number;
  readonly lines: readonly LineConfig[];
}

const range = z.tuple([z.number().nonnegative(), z.number().nonnegative()]).refine(([a, b]) => a <= b, 'range must be [low, high]');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'time of day must be HH:MM');
const weekday = z.enum(WEEKDAYS);
const degradationEntry = z.strictObject({
  initialHealth: z.number().min(0).max(1).optional(),
  lifeDays: z.number().positive().optional(),
  lifeParts: z.number().int().positive().optional(),
  onsetAfterDays: z.number().nonnegative().optional(),
  growthDays: z.number().positive().optional(),
});
const machineSchema = z.strictObject({
  type: z.enum(MACHINE_TYPES),
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'device id: letters, digits, . _ - (max 128)').optional(),
  idealCycleTime: z.number().positive().optional(),
  maxSpeed: z.number().positive().optional(),
  targetSpeed: z.number().nonnegative().optional(),
  minorStopsPerHour: z.number().nonnegative().optional(),
  changeoverEveryParts: range.optional(),
  changeoverMinutes: range.optional(),
  defectRate: z.number().min(0).max(1).optional(),
  degradation: z.partialRecord(z.enum(FAILURE_MODES), degradationEntry).optional(),
});
const calendarSchema = z.strictObject({
  utcOffsetMinutes: z.number().int().min(-14 * 60).max(14 * 60).optional(),
  shifts: z.array(z.strictObject({
    name: z.string().min(1),
    start: hhmm,
    hours: z.number().positive().max(24),
    days: z.array(weekday).optional(),
    breaks: z.array(z.strictObject({ start: hhmm, minutes: z.number().int().positive() })).optional(),
  })),
  plannedMaintenance: z.array(z.strictObject({ day: weekday, start: hhmm, hours: z.number().positive().max(168) })).optional(),
});
export const plantSchema = z.strictObject({
  site: z.string().min(1).optional(),
  calendar: calendarSchema.optional(),
  ambient: z.strictObject({ meanC: z.number(), swingC: z.number().nonnegative() }).optional(),
  anomaliesPerDevicePerDay: z.number().nonnegative().optional(),
  sensorFaultsPerDevicePerDay: z.number().nonnegative().optional(),
  lines: z.array(z.strictObject({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'line id: letters, digits, . _ - (max 64)'),
    buffers: z.union([z.number().int().positive(), z.array(z.number().int().positive())]).optional(),
    machines: z.array(machineSchema).min(1),
  })).min(1),
});

/** Validates a plant object (e.g. parsed from a file), with JSON paths in the error. */
export function validatePlant(input: unknown, source = 'plant'): PlantConfig {
  const result = plantSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path.map(String).join('.');
    throw SimErrors.create('invalid_plant', `${source}: ${path || '(root)'}: ${issue.message}`, { source, path, issues: result.error.issues.length });
  }
  const plant = result.data as PlantConfig;
  const seen = new Set<string>();
  for (const device of deviceIds(plant)) {
    if (seen.has(device.id)) throw SimErrors.create('invalid_plant', `${source}: device id ${device.id} is used twice`, { source, deviceId: device.id });
    seen.add(device.id);
  }
  return plant;
}

/** Parses a YAML or JSON plant description. */
export function parsePlantDescription(text: string, source = 'plant'): PlantConfig {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw SimErrors.create('invalid_plant', `${source}: not valid YAML/JSON: ${(err as Error).message}`, { source }, err);
  }
  return validatePlant(data, source);
}

export interface DeviceSlot {
  readonly id: string;
  readonly lineId: string;
  readonly position: number;
  readonly machine: MachineConfig;
}

/** Every station with its resolved device id, lines in order, stations in flow order. */
export function deviceIds(plant: PlantConfig): DeviceSlot[] {
  const out: DeviceSlot[] = [];
  for (const line of plant.lines) {
    const perType = new Map<MachineType, number>();
    line.machines.forEach((machine, position) => {
      const n = (perType.get(machine.type) ?? 0) + 1;
      perType.set(machine.type, n);
      const code = PROFILES[machine.type].code;
      out.push({ id: machine.id ?? (n === 1 ? `${line.id}-${code}` : `${line.id}-${code}-${n}`), lineId: line.id, position, machine });
    });
  }
  return out;
}

/** The flow order of a standard cell: machine, load/unload, transport, inspect. */
export const STANDARD_FLOW: readonly MachineType[] = ['cnc', 'robot', 'conveyor', 'quality'];

/** `--lines N --machines-per-line M`: LINE-1…LINE-N, stations cycling through STANDARD_FLOW. */
export function generatedPlant(lines: number, machinesPerLine: number): PlantConfig {
  if (!Number.isInteger(lines) || lines < 1 || !Number.isInteger(machinesPerLine) || machinesPerLine < 1) {
    throw SimErrors.create('invalid_option', 'lines and machines per line must be positive integers', { lines, machinesPerLine });
  }
  return {
    site: 'FACTORY-1',
    lines: Array.from({ length: lines }, (_, i) => ({
      id: `LINE-${i + 1}`,
      machines: Array.from({ length: machinesPerLine }, (_, j) => ({ type: STANDARD_FLOW[j % STANDARD_FLOW.length]! })),
    })),
  };
}

/**
 * The demo plant: three lines of CNC → robot → conveyor → quality station. LINE-1 is the best run,
 * LINE-2 has older machines (more minor stops, a slower spindle) and a spindle bearing that is already wearing and
 * fails about three weeks into a run; LINE-3 makes smaller batches (more changeovers) and its robot
 * develops a gripper air leak in the fourth week.
 */
export function demoPlant(): PlantConfig {
  const cell = (overrides: Partial<Record<MachineType, Omit<MachineConfig, 'type'>>>): MachineConfig[] =>
    STANDARD_FLOW.map((type) => ({ type, ...overrides[type] }));
  return {
    site: 'FACTORY-1',
    calendar: DEFAULT_CALENDAR,
    ambient: { meanC: 22, swingC: 1.5 },
    anomaliesPerDevicePerDay: 0.2,
    sensorFaultsPerDevicePerDay: 0.04,
    lines: [
      { id: 'LINE-1', buffers: [6, 4, 8], machines: cell({ cnc: { minorStopsPerHour: 1.0 } }) },
      {
        id: 'LINE-2',
        buffers: [6, 4, 8],
        machines: cell({
          cnc: { minorStopsPerHour: 2.0, targetSpeed: 10200, degradation: { bearingWear: { initialHealth: 0.8, lifeDays: 18 } } },
          robot: { minorStopsPerHour: 0.9 },
        }),
      },
      {
        id: 'LINE-3',
        buffers: [6, 4, 8],
        machines: cell({
          cnc: { changeoverEveryParts: [200, 400] },
          robot: { degradation: { pressureLeak: { onsetAfterDays: 19.5, growthDays: 4 } } },
        }),
      },
    ],
  };
}
