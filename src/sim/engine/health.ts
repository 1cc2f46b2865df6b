/**
 * Hidden health per failure mode, 1 = new, 0 = failed. The platform never sees these numbers: it
 * sees only their effect on the signals (physics.ts), and the labels file says when they hit zero.
 *
 * - bearingWear: wear w = 1 − h grows while turning, faster as it grows (dw/dt = r(1 + 2w)·s², s =
 *   speed ratio): the classic accelerating bearing-damage curve. Integrated exactly, so the failure
 *   time does not depend on the step size: a new bearing lasts `lifeDays` running days at full speed.
 * - overheating: the cooling circuit (filter, fan, coolant) clogs linearly with running load.
 * - toolWear: each part cut uses 1/lifeParts of the tool.
 * - pressureLeak: healthy until a leak starts (Poisson, calendar time), then the leak grows linearly
 *   over `growthDays` whether or not the machine runs (the supply stays pressurised).
 */
import type { Rng } from './rng.js';
import { DEGRADATION_DEFAULTS, type FailureMode, type Range } from './machine-types.js';

const DAY_MS = 86_400_000;

export interface DegradationOverrides {
  readonly initialHealth?: number;
  readonly lifeDays?: number;
  readonly lifeParts?: number;
  /** pressureLeak only: days after the run start at which the leak begins (scripted scenario). */
  readonly onsetAfterDays?: number;
  readonly growthDays?: number;
}

export type DegradationConfig = Partial<Record<FailureMode, DegradationOverrides>>;

function draw(rng: Rng, range: Range): number {
  return rng.uniform(range[0], range[1]);
}

export class Health {
  /** Health per mode; modes the machine type does not have stay at 1 forever. */
  readonly level: Record<FailureMode, number> = { bearingWear: 1, overheating: 1, toolWear: 1, pressureLeak: 1 };
  /** When each mode's health last fell below 0.5 (the "developing" point), for the labels. */
  readonly degradingSince: Partial<Record<FailureMode, number>> = {};
  private readonly hasBearing: boolean;
  private readonly hasCooling: boolean;
  private readonly hasTool: boolean;
  private readonly hasLeak: boolean;
  private bearingRatePerMs: number;
  private coolingLifeMs: number;
  private toolLifeParts: number;
  /** The tool life the shop plans with (it cannot know the life of the tool in the spindle). */
  readonly plannedToolLifeParts: number;
  private leakOnsetAt: number;
  private leakGrowthMs: number;

  constructor(
    readonly modes: readonly FailureMode[],
    private readonly rng: Rng,
    startMs: number,
    overrides: DegradationConfig = {},
  ) {
    const d = DEGRADATION_DEFAULTS;
    const o = overrides;
    this.hasBearing = modes.includes('bearingWear');
    this.hasCooling = modes.includes('overheating');
    this.hasTool = modes.includes('toolWear');
    this.hasLeak = modes.includes('pressureLeak');
    const bearingLife = (o.bearingWear?.lifeDays ?? draw(rng, d.bearingWear.lifeDays)) * DAY_MS;
    // From w = 0 the wear reaches 1 after ln(3) / (2r): choose r so that this is the life.
    this.bearingRatePerMs = Math.log(3) / (2 * bearingLife);
    this.coolingLifeMs = (o.overheating?.lifeDays ?? draw(rng, d.overheating.lifeDays)) * DAY_MS;
    this.toolLifeParts = o.toolWear?.lifeParts ?? Math.round(draw(rng, d.toolWear.lifeParts));
    this.plannedToolLifeParts = o.toolWear?.lifeParts ?? (d.toolWear.lifeParts[0] + d.toolWear.lifeParts[1]) / 2;
    this.leakGrowthMs = (o.pressureLeak?.growthDays ?? draw(rng, d.pressureLeak.growthDays)) * DAY_MS;
    this.leakOnsetAt = startMs + (o.pressureLeak?.onsetAfterDays ?? rng.exponential(d.pressureLeak.onsetMeanDays)) * DAY_MS;
    const initial: Record<Exclude<FailureMode, 'pressureLeak'>, Range> = {
      bearingWear: d.bearingWear.initialHealth,
      overheating: d.overheating.initialHealth,
      toolWear: d.toolWear.initialHealth,
    };
    for (const mode of ['bearingWear', 'overheating', 'toolWear'] as const) {
      if (modes.includes(mode)) this.level[mode] = o[mode]?.initialHealth ?? draw(rng, initial[mode]);
    }
    for (const mode of modes) if (this.level[mode] < 0.5) this.degradingSince[mode] = startMs;
  }

  wear(mode: FailureMode): number {
    return 1 - this.level[mode];
  }

  /** Wear from turning for `dtMs` at `speedRatio` with relative load `load`. */
  degradeRunning(now: number, dtMs: number, speedRatio: number, load: number): void {
    if (this.hasBearing) {
      const w = this.wear('bearingWear');
      const grown = ((1 + 2 * w) * Math.exp(2 * this.bearingRatePerMs * dtMs * speedRatio * speedRatio) - 1) / 2;
      this.set('bearingWear', 1 - grown, now);
    }
    if (this.hasCooling) {
      this.set('overheating', this.level.overheating - (dtMs * load) / this.coolingLifeMs, now);
    }
  }

  /** Calendar-time degradation (leaks). */
  degradeCalendar(now: number, dtMs: number): void {
    if (!this.hasLeak || now < this.leakOnsetAt) return;
    this.set('pressureLeak', this.level.pressureLeak - dtMs / this.leakGrowthMs, now);
  }

  /** One part cut. */
  wearTool(now: number): void {
    if (this.hasTool) this.set('toolWear', this.level.toolWear - 1 / this.toolLifeParts, now);
  }

  /** The first mode (in catalogue order) whose health has reached zero, if any. */
  failedMode(): FailureMode | null {
    const l = this.level;
    if (l.bearingWear > 0 && l.overheating > 0 && l.toolWear > 0 && l.pressureLeak > 0) return null; // the usual case, fast
    for (const mode of this.modes) if (l[mode] <= 0) return mode;
    return null;
  }

  /** Repair or replacement: the mode is as new (a new tool or bearing varies a little). */
  restore(mode: FailureMode, now: number): void {
    this.level[mode] = mode === 'pressureLeak' ? 1 : this.rng.uniform(0.97, 1);
    delete this.degradingSince[mode];
    if (mode === 'pressureLeak') this.leakOnsetAt = now + this.rng.exponential(DEGRADATION_DEFAULTS.pressureLeak.onsetMeanDays) * DAY_MS;
    if (mode === 'toolWear') this.toolLifeParts = Math.round(draw(this.rng, DEGRADATION_DEFAULTS.toolWear.lifeParts));
  }

  /** Sets a mode's health directly (initial conditions). */
  setLevel(mode: FailureMode, value: number, now: number): void {
    this.level[mode] = 1;
    delete this.degradingSince[mode];
    this.set(mode, value, now);
  }

  /** Partial restoration (cleaning a cooling circuit): adds `amount` health, capped at 1. */
  improve(mode: FailureMode, amount: number): void {
    this.level[mode] = Math.min(1, this.level[mode] + amount);
    if (this.level[mode] >= 0.5) delete this.degradingSince[mode];
  }

  private set(mode: FailureMode, value: number, now: number): void {
    const v = Math.max(0, value);
    if (v < 0.5 && this.level[mode] >= 0.5) this.degradingSince[mode] = now;
    this.level[mode] = v;
  }
}
