/**
 * Pure signal physics. Each function maps the machine's operating point and hidden health to
 * the true (noise-free) value of one signal; the machine adds sensor noise when it samples.
 * First-order lags are integrated exactly (x += (target − x)(1 − e^(−dt/τ))), so the result does not
 * depend on the step size and never overshoots, however large the step.
 */
import type { MachineProfile } from './machine-types.js';
import type { PlannedStatus } from './calendar.js';
import type { MachineState } from './telemetry.js';

/** How hard the machine works in each operating class (fraction of full load). */
export type LoadClass = 'running' | 'powered' | 'standby';

/** The load class of an operating state: what is switched on. */
export function loadClassOf(state: MachineState, reason: string | undefined, planned: PlannedStatus): LoadClass {
  switch (state) {
    case 'running':
      return 'running';
    case 'idle':
    case 'starved':
    case 'blocked':
    case 'setup':
      return 'powered';
    case 'down':
      // A jam leaves the drives powered; a failure or an emergency stop cuts them.
      return reason === 'minorStop' ? 'powered' : 'standby';
    case 'maintenance':
      return 'standby';
    case 'plannedStop':
      return planned === 'break' ? 'powered' : 'standby';
    default: {
      const never: never = state;
      return never;
    }
  }
}

/** Exact first-order lag step toward `target` with time constant `tauMs`. */
export function relax(current: number, target: number, dtMs: number, tauMs: number): number {
  if (tauMs <= 0) return target;
  return target + (current - target) * Math.exp(-dtMs / tauMs);
}

/** Workshop air temperature, °C: a daily swing peaking at 15:00 local time. */
export function ambientTemperature(ms: number, meanC: number, swingC: number, utcOffsetMinutes = 0): number {
  const hour = (((ms / 3_600_000 + utcOffsetMinutes / 60) % 24) + 24) % 24;
  return meanC + swingC * Math.cos((2 * Math.PI * (hour - 15)) / 24);
}

/** Fraction of full load: running scales with speed (and a dull tool cuts harder). */
export function loadFraction(cls: LoadClass, speedRatio: number, toolWear: number): number {
  switch (cls) {
    case 'running':
      return Math.min(1.2, speedRatio * (1 + 0.35 * toolWear * toolWear));
    case 'powered':
      return 0.12;
    case 'standby':
      return 0; // drives off: the machine cools to ambient
    default: {
      const never: never = cls;
      return never;
    }
  }
}

/** Cooling effectiveness from cooling health: a fully clogged circuit removes 45 % as much heat. */
export function coolingEffectiveness(coolingHealth: number): number {
  return 0.45 + 0.55 * clamp01(coolingHealth);
}

/**
 * Steady-state temperature, °C: ambient plus a rise proportional to load (heat generated) divided
 * by cooling effectiveness (heat removed), plus bearing friction heat when turning.
 */
export function steadyTemperature(p: MachineProfile, ambientC: number, load: number, coolingHealth: number, bearingWear: number, turning: boolean): number {
  const friction = turning ? 6 * bearingWear * bearingWear : 0;
  return ambientC + (p.thermal.riseAtFullLoad * load) / coolingEffectiveness(coolingHealth) + friction;
}

/** Electrical power, kW, by operating class; running power grows linearly with load. */
export function powerKw(p: MachineProfile, cls: LoadClass, load: number, bearingWear: number): number {
  switch (cls) {
    case 'running':
      // Worn bearings add friction torque: up to +3 % at end of life.
      return (p.power.idle + (p.power.full - p.power.idle) * load) * (1 + 0.03 * bearingWear);
    case 'powered':
      return p.power.idle;
    case 'standby':
      return p.power.standby;
    default: {
      const never: never = cls;
      return never;
    }
  }
}

/**
 * Overall vibration velocity, mm/s RMS. Rotating imbalance grows with the square of speed; a worn
 * bearing multiplies the level (up to 4× at failure), tool chatter adds to it.
 */
export function vibrationRms(p: MachineProfile, turning: boolean, speedRatio: number, bearingWear: number, toolWear: number): number {
  if (!turning) return p.vibration.background;
  const healthy = p.vibration.base + p.vibration.speedGain * speedRatio * speedRatio;
  return healthy * (1 + 3 * bearingWear * bearingWear) + 0.3 * toolWear * toolWear;
}

/**
 * RMS in the bearing-defect band (1–10 kHz), mm/s. Defect impacts excite this band long before the
 * overall level moves (cubic onset, up to 16× at failure), which is why it is the early indicator.
 */
export function vibrationHighBand(p: MachineProfile, turning: boolean, speedRatio: number, bearingWear: number): number {
  if (!turning) return p.vibration.background * 0.5;
  return p.vibration.highBand * speedRatio * (1 + 15 * bearingWear ** 3);
}

/** Supply pressure target, bar: a growing leak lowers it (to 65 % at failure); consumption dips it. */
export function pressureTarget(p: MachineProfile, leakWear: number, load: number, running: boolean): number | undefined {
  if (!p.pressure) return undefined;
  const supply = p.pressure.nominal * (1 - 0.35 * clamp01(leakWear) ** 1.5);
  return supply - (running ? p.pressure.consumptionDrop * load : 0);
}

/** Probability that a part made here is defective: the base rate plus a steep tool-wear term. */
export function defectProbability(baseRate: number, toolWear: number): number {
  return Math.min(1, baseRate + 0.2 * toolWear ** 4);
}

export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
