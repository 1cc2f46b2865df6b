/**
 * Test fixtures: small plants with the randomness that would blur a relation switched off
 * (no anomalies, sensor faults, minor stops, changeovers or wear unless a test asks for them).
 */
import type { CalendarConfig } from '../calendar.js';
import type { MachineConfig, PlantConfig } from '../config.js';
import type { DegradationConfig } from '../health.js';
import { createPlant, type Plant, type PlantOptions } from '../plant.js';
import type { Label } from '../labels.js';
import type { TelemetryMessage } from '../telemetry.js';

export const ALWAYS_ON: CalendarConfig = { shifts: [{ name: 'X', start: '00:00', hours: 24 }] };
export const HEALTHY: DegradationConfig = {
  bearingWear: { initialHealth: 1, lifeDays: 1e6 },
  overheating: { initialHealth: 1, lifeDays: 1e6 },
  toolWear: { initialHealth: 1, lifeParts: 1e9 },
  pressureLeak: { onsetAfterDays: 1e6 },
};
export const START = Date.parse('2026-01-07T00:00:00Z');
export const MINUTE = 60_000;
export const HOUR = 3_600_000;

/** A station with no events of its own and healthy parts, unless overridden. */
export function quiet(machine: MachineConfig): MachineConfig {
  return {
    minorStopsPerHour: 0,
    changeoverEveryParts: [1e9, 1e9],
    ...machine,
    degradation: { ...HEALTHY, ...machine.degradation },
  };
}

export function quietPlant(machines: MachineConfig[], extra: Partial<PlantConfig> = {}): PlantConfig {
  return {
    calendar: ALWAYS_ON,
    ambient: { meanC: 22, swingC: 0 },
    anomaliesPerDevicePerDay: 0,
    sensorFaultsPerDevicePerDay: 0,
    lines: [{ id: 'L', buffers: 3, machines: machines.map(quiet) }],
    ...extra,
  };
}

export interface Run {
  readonly plant: Plant;
  readonly messages: TelemetryMessage[];
  readonly labels: Label[];
  /** Advances by `ms`, collecting messages. */
  advance(ms: number): TelemetryMessage[];
}

export function run(config: PlantConfig, options: Partial<PlantOptions> = {}): Run {
  const labels: Label[] = [];
  const messages: TelemetryMessage[] = [];
  const plant = createPlant(config, { seed: 1, start: START, sampleIntervalMs: MINUTE, onLabel: (l) => labels.push(l), ...options });
  return {
    plant,
    messages,
    labels,
    advance(ms: number) {
      const got: TelemetryMessage[] = [];
      plant.advanceTo(plant.now + ms, (m) => got.push(m));
      messages.push(...got);
      return got;
    },
  };
}

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('mean of nothing');
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Values of one field from the messages of one device (skipping messages without it). */
export function field(msgs: readonly TelemetryMessage[], deviceId: string, name: keyof TelemetryMessage['body']): number[] {
  return msgs.filter((m) => m.deviceId === deviceId && typeof m.body[name] === 'number').map((m) => m.body[name] as number);
}
