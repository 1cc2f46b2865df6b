/**
 * One simulated machine: an operating-state machine driven by the calendar, its neighbours'
 * buffers, its own events (changeovers, minor stops, failures) and operator commands; physics for
 * its signals; hidden health per failure mode; and part counters.
 *
 * State priority (first match wins): failure (down → maintenance) > requested maintenance >
 * emergency stop > calendar planned stop > changeover setup > minor stop > operator idle >
 * blocked > starved > running.
 */
import type { CalendarStatus, PlannedStatus } from './calendar.js';
import type { MachineConfig } from './config.js';
import { Health } from './health.js';
import { iso, type LabelListener } from './labels.js';
import { advanceMaintenance, flushMachineLabels, startFailure, trackCalendar } from './maintenance.js';
import type { PartBuffer } from './line.js';
import { PROFILES, type FailureMode, type MachineProfile, type MachineType } from './machine-types.js';
import { defectProbability, loadClassOf, loadFraction, pressureTarget, steadyTemperature, type LoadClass } from './physics.js';
import { round } from './numbers.js';
import type { Rng } from './rng.js';
import { SignalOverlay, type SensorName, type SignalRates } from './signals.js';
import type { MachineState } from './telemetry.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;

export interface MachineInit {
  readonly id: string;
  readonly lineId: string;
  readonly position: number;
  readonly config: MachineConfig;
  readonly rng: Rng;
  readonly startMs: number;
  readonly ambientC: number;
  readonly rates: SignalRates;
  readonly emit: LabelListener;
}

export interface ActiveFailure {
  readonly mode: FailureMode;
  readonly at: number;
  readonly repairStart: number;
  readonly repairEnd: number;
  readonly degradingSince: number | undefined;
}

export class Machine {
  readonly id: string;
  readonly lineId: string;
  readonly position: number;
  readonly type: MachineType;
  readonly profile: MachineProfile;
  readonly health: Health;
  readonly overlay: SignalOverlay;
  readonly emit: LabelListener;

  // Operator-facing settings (changed by methods and desired properties).
  targetSpeed: number;
  idealCycleTime: number;
  readonly maxSpeed: number;
  eStopSince: number | null = null;
  requestedMaintenance: { readonly start: number; readonly end: number } | null = null;

  // Reported status.
  state: MachineState = 'running';
  reason: string | undefined;
  shift: string | null = null;
  goodCount = 0;
  rejectCount = 0;
  lastCycleTime: number;
  /** Time of the last completed step (the machine's clock). */
  now: number;

  // Physics state.
  temperature: number;
  speed: number;
  pressure: number | undefined;
  loadClass: LoadClass = 'powered';
  load = 0;

  // Material and events.
  /** Engine-internal below: read and written by maintenance.ts. */
  inProcess = false;
  private inDefective = false;
  private finished: boolean | null = null;
  private progressMs = 0;
  private cycleMs: number;
  private partsUntilChangeover: number;
  private setupRemainingMs = 0;
  minorStopRemainingMs = 0;
  private runMsToMinorStop: number;
  failure: ActiveFailure | null = null;
  calendarSegment: { planned: PlannedStatus; start: number; actions: string[] } | null = null;

  private lagDtMs = -1;
  private decaySpeed = 1;
  private decayTemp = 1;
  private decayPressure = 1;
  private readonly flowRng: Rng;
  readonly eventRng: Rng;
  readonly noiseRng: Rng;
  private readonly defectRate: number;
  private readonly minorStopsPerHour: number;
  private readonly changeoverEvery: readonly [number, number] | null;
  private readonly changeoverMinutes: readonly [number, number] | null;

  constructor(init: MachineInit) {
    const c = init.config;
    this.id = init.id;
    this.lineId = init.lineId;
    this.position = init.position;
    this.type = c.type;
    this.profile = PROFILES[c.type];
    this.emit = init.emit;
    this.now = init.startMs;
    this.maxSpeed = c.maxSpeed ?? this.profile.maxSpeed;
    this.targetSpeed = Math.min(this.maxSpeed, c.targetSpeed ?? this.maxSpeed * this.profile.defaultSpeedFraction);
    this.idealCycleTime = c.idealCycleTime ?? this.profile.idealCycleTime;
    this.defectRate = c.defectRate ?? this.profile.baseDefectRate;
    this.minorStopsPerHour = c.minorStopsPerHour ?? this.profile.minorStops.perRunningHour;
    this.changeoverEvery = c.changeoverEveryParts ?? this.profile.changeover?.everyParts ?? null;
    this.changeoverMinutes = c.changeoverMinutes ?? this.profile.changeover?.minutes ?? null;

    this.flowRng = init.rng.fork('flow');
    this.eventRng = init.rng.fork('events');
    this.noiseRng = init.rng.fork('noise');
    this.health = new Health(this.profile.failureModes, init.rng.fork('health'), init.startMs, c.degradation);
    const sensors: SensorName[] = ['temperature', 'vibration', 'power'];
    if (this.profile.pressure) sensors.push('pressure');
    this.overlay = new SignalOverlay(this.id, sensors, init.rates, init.rng.fork('signals'), init.startMs, init.emit);

    // Start as a machine that has been running for a while: warm, mid-batch, mid-cycle.
    this.cycleMs = this.drawCycleMs();
    this.lastCycleTime = this.cycleMs / 1000;
    this.inProcess = true;
    this.progressMs = this.flowRng.float() * this.cycleMs;
    this.partsUntilChangeover = this.changeoverEvery ? this.flowRng.int(1, Math.round(this.changeoverEvery[1])) : Number.POSITIVE_INFINITY;
    this.runMsToMinorStop = this.nextMinorStopGap();
    if (this.needsToolChange(this.partsUntilChangeover) && c.degradation?.toolWear?.initialHealth === undefined) {
      // The shop would not have started this batch with that tool: start with one that lasts it.
      const headroom = Math.max(0, 0.9 - this.partsUntilChangeover / this.health.plannedToolLifeParts);
      this.health.setLevel('toolWear', 1 - this.flowRng.float() * headroom, init.startMs);
    }
    this.speed = this.targetSpeed;
    this.temperature = steadyTemperature(this.profile, init.ambientC, this.targetSpeed / this.maxSpeed, this.health.level.overheating, this.health.wear('bearingWear'), true);
    this.pressure = pressureTarget(this.profile, this.health.wear('pressureLeak'), 0, false);
  }

  /** Advances the machine over [now, now + dtMs). */
  step(now: number, dtMs: number, cal: CalendarStatus, input: PartBuffer | null, output: PartBuffer | null, ambientC: number): void {
    trackCalendar(this, now, cal);
    this.shift = cal.shift;
    this.health.degradeCalendar(now, dtMs);
    advanceMaintenance(this, now);
    this.decide(now, cal, input, output);
    let runMs = 0;
    if (this.state === 'running') runMs = this.produce(now, dtMs, input, output);
    else if (this.state === 'setup') this.setupRemainingMs -= dtMs;
    else if (this.reason === 'minorStop') this.minorStopRemainingMs -= dtMs;
    this.now = now + dtMs;
    this.updatePhysics(dtMs, ambientC, cal.planned);
    if (runMs > 0) this.health.degradeRunning(now, runMs, this.speed / this.maxSpeed, this.load);
    if (this.failure === null) {
      const mode = this.health.failedMode();
      // Dated at the step's start: samples inside this step already report the failure.
      if (mode) startFailure(this, mode, now);
    }
  }

  /** Sets `state` and `reason` for this step (and moves parts in and out). */
  private decide(now: number, cal: CalendarStatus, input: PartBuffer | null, output: PartBuffer | null): void {
    this.reason = undefined;
    if (this.failure) {
      if (now >= this.failure.repairStart) this.set('maintenance', 'corrective');
      else this.set('down', this.failure.mode);
    } else if (this.requestedMaintenance) this.set('maintenance', 'requested');
    else if (this.eStopSince !== null) this.set('down', 'emergencyStop');
    else if (cal.planned !== 'production') this.set('plannedStop', cal.planned);
    else if (this.setupRemainingMs > 0) this.set('setup', 'changeover');
    else if (this.minorStopRemainingMs > 0) this.set('down', 'minorStop');
    else if (this.targetSpeed <= 0) this.set('idle', 'stoppedByOperator');
    else if (this.finished !== null && output !== null && !output.put(this.finished)) this.set('blocked', 'downstreamFull');
    else {
      this.finished = null;
      if (!this.inProcess && !this.startNext(input)) this.set('starved', 'upstreamEmpty');
      else this.state = 'running';
    }
  }

  private set(state: MachineState, reason: string): void {
    this.state = state;
    this.reason = reason;
  }

  /** Runs for up to dtMs; returns the running time actually spent. */
  private produce(now: number, dtMs: number, input: PartBuffer | null, output: PartBuffer | null): number {
    let remaining = dtMs;
    // Bounded: one iteration per completed part; a step never holds more than a few hundred.
    for (let guard = 0; guard < 10_000 && remaining > 0; guard++) {
      const need = this.cycleMs - this.progressMs;
      if (need > remaining) {
        this.progressMs += remaining;
        remaining = 0;
        break;
      }
      remaining -= need;
      this.completePart(now + dtMs - remaining, output);
      if (this.health.failedMode() !== null || this.setupRemainingMs > 0 || this.finished !== null || !this.startNext(input)) break;
    }
    const runMs = dtMs - remaining;
    this.runMsToMinorStop -= runMs;
    if (this.runMsToMinorStop <= 0 && this.minorStopsPerHour > 0) {
      this.minorStopRemainingMs = Math.max(20_000, this.eventRng.exponential(this.profile.minorStops.meanMinutes * MINUTE));
      this.runMsToMinorStop = this.nextMinorStopGap();
    }
    return runMs;
  }

  private completePart(t: number, output: PartBuffer | null): void {
    this.inProcess = false;
    this.progressMs = 0;
    this.lastCycleTime = this.cycleMs / 1000;
    this.health.wearTool(t);
    const newDefect = this.flowRng.chance(defectProbability(this.defectRate, this.type === 'cnc' ? this.health.wear('toolWear') : 0));
    let passDefect = this.inDefective;
    let reject = false;
    if (newDefect) {
      // In-process gauging on the CNC catches 70 % of its own defects; the rest reach inspection.
      if (this.type === 'cnc' && !this.flowRng.chance(0.7)) passDefect = true;
      else reject = true;
    }
    if (this.type === 'quality' && this.inDefective) reject = true;
    if (reject) this.rejectCount++;
    else {
      this.goodCount++;
      if (output !== null && !output.put(passDefect)) this.finished = passDefect;
    }
    if (this.changeoverEvery && --this.partsUntilChangeover <= 0) this.startChangeover(t);
  }

  private startChangeover(t: number): void {
    const [lo, hi] = this.changeoverMinutes!;
    this.setupRemainingMs = this.eventRng.uniform(lo, hi) * MINUTE;
    this.partsUntilChangeover = this.eventRng.int(Math.round(this.changeoverEvery![0]), Math.round(this.changeoverEvery![1]));
    if (this.needsToolChange(this.partsUntilChangeover)) {
      this.emit({ time: iso(t), deviceId: this.id, kind: 'maintenance', mode: 'toolChange', detail: { toolWear: round(this.health.wear('toolWear'), 3) } });
      this.health.restore('toolWear', t);
    }
  }

  /**
   * Shop rule: at a changeover the tool is replaced if, by the planned tool life, the next batch would
   * take it past 90 % of its life. Tools that are weaker than planned still break now and then.
   */
  private needsToolChange(nextBatchParts: number): boolean {
    if (!this.health.modes.includes('toolWear')) return false;
    return this.health.wear('toolWear') + nextBatchParts / this.health.plannedToolLifeParts > 0.9;
  }

  private startNext(input: PartBuffer | null): boolean {
    const part = input === null ? false : input.take();
    if (part === undefined) return false;
    this.inProcess = true;
    this.inDefective = part;
    this.progressMs = 0;
    this.cycleMs = this.drawCycleMs();
    return true;
  }

  /** Real cycle time: the ideal time scaled by speed, a little slower on average and never much faster. */
  drawCycleMs(): number {
    const nominal = (this.idealCycleTime * this.maxSpeed) / Math.max(this.targetSpeed, 1e-6);
    return 1000 * nominal * Math.max(0.98, 1 + this.flowRng.normal(0.025, this.profile.cycleTimeCv));
  }

  private nextMinorStopGap(): number {
    return this.minorStopsPerHour > 0 ? this.eventRng.exponential(HOUR / this.minorStopsPerHour) : Number.POSITIVE_INFINITY;
  }

  private updatePhysics(dtMs: number, ambientC: number, planned: PlannedStatus): void {
    const turning = this.state === 'running';
    if (dtMs !== this.lagDtMs) {
      // Exact first-order lags (physics.relax) with the decay factors cached for the usual step.
      this.lagDtMs = dtMs;
      this.decaySpeed = Math.exp(-dtMs / 3000);
      this.decayTemp = Math.exp(-dtMs / (this.profile.thermal.tauMinutes * MINUTE));
      this.decayPressure = Math.exp(-dtMs / 20_000);
    }
    this.loadClass = loadClassOf(this.state, this.reason, planned);
    const speedTarget = turning ? this.targetSpeed : 0;
    this.speed = speedTarget + (this.speed - speedTarget) * this.decaySpeed;
    if (this.speed < 1e-3 * this.maxSpeed && !turning) this.speed = 0;
    const ratio = this.speed / this.maxSpeed;
    this.load = loadFraction(this.loadClass, ratio, this.health.wear('toolWear'));
    const tss = steadyTemperature(this.profile, ambientC, this.load, this.health.level.overheating, this.health.wear('bearingWear'), turning);
    this.temperature = tss + (this.temperature - tss) * this.decayTemp;
    if (this.profile.pressure) {
      const p = pressureTarget(this.profile, this.health.wear('pressureLeak'), this.load, turning)!;
      this.pressure = p + ((this.pressure ?? p) - p) * this.decayPressure;
    }
  }

  /** Writes labels of everything still open (end of run). */
  flushLabels(): void {
    flushMachineLabels(this);
  }
}
