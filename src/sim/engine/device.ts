/**
 * The device-facing API of a simulated machine, independent of any transport: direct methods,
 * writable (desired) properties and reported properties. The IoT Hub transport maps MQTT topics
 * onto these calls; tests call them directly.
 *
 * Writable properties follow the IoT Plug and Play convention: the device reports each one back as
 * `{ value, ac, av, ad }` — ac an HTTP-like status (200 applied, 203 device default not yet set by
 * the service, 400 rejected), av the desired `$version` it answers.
 */
import { iso } from './labels.js';
import type { Machine } from './machine.js';

export const DIRECT_METHODS = ['emergencyStop', 'reset', 'setSpeed', 'resetCounters', 'performMaintenance'] as const;
export type DirectMethod = (typeof DIRECT_METHODS)[number];
export const WRITABLE_PROPERTIES = ['targetSpeed', 'idealCycleTime'] as const;
export type WritableProperty = (typeof WRITABLE_PROPERTIES)[number];

export interface MethodResult {
  readonly status: number;
  readonly payload: unknown;
}

export interface WritableAck {
  readonly value: number;
  readonly ac: number;
  readonly av: number;
  readonly ad?: string;
}

function isDirectMethod(name: string): name is DirectMethod {
  return (DIRECT_METHODS as readonly string[]).includes(name);
}

/** A number from `payload` itself or from `payload[key]`. */
function numberArg(payload: unknown, key: string): number | undefined {
  if (typeof payload === 'number') return payload;
  if (payload !== null && typeof payload === 'object') {
    const v = (payload as Record<string, unknown>)[key];
    if (typeof v === 'number') return v;
  }
  return undefined;
}

export class SimDevice {
  private readonly acks: Record<WritableProperty, WritableAck>;
  private desiredVersion = 0;

  constructor(readonly machine: Machine) {
    this.acks = {
      targetSpeed: { value: machine.targetSpeed, ac: 203, av: 0, ad: 'device default' },
      idealCycleTime: { value: machine.idealCycleTime, ac: 203, av: 0, ad: 'device default' },
    };
  }

  get id(): string {
    return this.machine.id;
  }

  invokeMethod(name: string, payload: unknown): MethodResult {
    const m = this.machine;
    if (!isDirectMethod(name)) return { status: 404, payload: { error: `unknown method '${name}'`, methods: DIRECT_METHODS } };
    switch (name) {
      case 'emergencyStop': {
        if (m.eStopSince === null) m.eStopSince = m.now;
        return { status: 200, payload: { state: 'down', stateReason: 'emergencyStop' } };
      }
      case 'reset': {
        if (m.eStopSince === null) return { status: 200, payload: { reset: false, note: 'no emergency stop to reset' } };
        m.emit({ time: iso(m.eStopSince), end: iso(m.now), deviceId: m.id, kind: 'command', mode: 'emergencyStop' });
        m.eStopSince = null;
        return { status: 200, payload: { reset: true } };
      }
      case 'setSpeed': {
        const speed = numberArg(payload, 'speed');
        if (speed === undefined || !Number.isFinite(speed) || speed < 0 || speed > m.maxSpeed) {
          return { status: 400, payload: { error: `speed must be a number from 0 to ${m.maxSpeed} ${m.profile.speedUnit}`, speed: speed ?? null } };
        }
        m.targetSpeed = speed;
        this.acks.targetSpeed = { value: speed, ac: 200, av: this.desiredVersion, ad: 'set by setSpeed' };
        m.emit({ time: iso(m.now), deviceId: m.id, kind: 'command', mode: 'setSpeed', detail: { speed } });
        return { status: 200, payload: { targetSpeed: speed, unit: m.profile.speedUnit } };
      }
      case 'resetCounters': {
        m.goodCount = 0;
        m.rejectCount = 0;
        m.emit({ time: iso(m.now), deviceId: m.id, kind: 'command', mode: 'resetCounters' });
        return { status: 200, payload: { goodCount: 0, rejectCount: 0 } };
      }
      case 'performMaintenance': {
        const minutes = numberArg(payload, 'minutes') ?? 60;
        if (!(minutes >= 1 && minutes <= 1440)) return { status: 400, payload: { error: 'minutes must be from 1 to 1440', minutes } };
        if (m.failure || m.requestedMaintenance) return { status: 409, payload: { error: 'maintenance already in progress' } };
        m.requestedMaintenance = { start: m.now, end: m.now + minutes * 60_000 };
        return { status: 200, payload: { state: 'maintenance', until: iso(m.requestedMaintenance.end) } };
      }
      default: {
        const never: never = name;
        return never;
      }
    }
  }

  /**
   * Applies a desired-properties document or patch (with `$version`); returns the reported patch
   * acknowledging each writable property it contained. Unknown properties are ignored, as a Plug and
   * Play device ignores properties its model does not declare.
   */
  applyDesired(desired: Readonly<Record<string, unknown>>): Record<string, WritableAck> {
    const m = this.machine;
    const version = typeof desired.$version === 'number' ? desired.$version : this.desiredVersion;
    this.desiredVersion = version;
    const patch: Record<string, WritableAck> = {};
    const applied: Record<string, number> = {};
    const v = desired.targetSpeed;
    if (v !== undefined) {
      if (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= m.maxSpeed) {
        m.targetSpeed = v;
        patch.targetSpeed = { value: v, ac: 200, av: version, ad: 'applied' };
        applied.targetSpeed = v;
      } else {
        patch.targetSpeed = { value: m.targetSpeed, ac: 400, av: version, ad: `targetSpeed must be a number from 0 to ${m.maxSpeed}` };
      }
    }
    const c = desired.idealCycleTime;
    if (c !== undefined) {
      if (typeof c === 'number' && Number.isFinite(c) && c > 0 && c <= 86_400) {
        m.idealCycleTime = c;
        patch.idealCycleTime = { value: c, ac: 200, av: version, ad: 'applied from the next cycle' };
        applied.idealCycleTime = c;
      } else {
        patch.idealCycleTime = { value: m.idealCycleTime, ac: 400, av: version, ad: 'idealCycleTime must be a number of seconds in (0, 86400]' };
      }
    }
    Object.assign(this.acks, patch);
    if (Object.keys(applied).length > 0) m.emit({ time: iso(m.now), deviceId: m.id, kind: 'command', mode: 'desiredProperties', detail: { ...applied, $version: version } });
    return patch;
  }

  /** The full reported-properties document: nameplate data plus the writable-property acks. */
  reportedProperties(): Record<string, unknown> {
    const m = this.machine;
    return {
      manufacturer: 'Twinworks Simulator',
      model: m.profile.description,
      machineType: m.type,
      lineId: m.lineId,
      position: m.position,
      serialNumber: `SIM-${m.id}`,
      firmwareVersion: '1.0.0',
      speedUnit: m.profile.speedUnit,
      maxSpeed: m.maxSpeed,
      targetSpeed: this.acks.targetSpeed,
      idealCycleTime: this.acks.idealCycleTime,
    };
  }
}
