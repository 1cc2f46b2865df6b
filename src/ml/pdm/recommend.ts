/**
 * Maintenance recommendations from a warning: failure mode → action ("Replace the spindle bearing
 * of LINE-2 CNC within 5 days"), a due time from the mode's remaining-life interval, the calibrated
 * confidence, and the drivers in plain words. Texts are message keys (messages.ts) so the web app
 * can show them in English or Spanish.
 */
import { describeFeature } from './describe.js';
import { render, type Language, type Message } from './messages.js';
import type { MachinePrediction } from './predict.js';
import { isKnownMode, type MachineInfo } from './types.js';

export type Severity = 'warning' | 'critical';

export interface Recommendation {
  readonly deviceId: string;
  readonly twinId: string;
  readonly mode: string;
  readonly severity: Severity;
  readonly action: Message;
  /** When the work should be done by (ISO 8601). */
  readonly dueBy: string;
  readonly dueInHours: number;
  /** Calibrated probability that this mode fails within the warning horizon. */
  readonly confidence: number;
  readonly horizonHours: number;
  readonly explanation: readonly Message[];
  /** When the warning was raised (ISO 8601). */
  readonly since: string;
}

const TYPE_LABEL: Readonly<Record<string, string>> = { cnc: 'CNC', robot: 'robot', conveyor: 'conveyor', quality: 'QC' };
const COMPONENT: Readonly<Record<string, string>> = { cnc: 'pdm.component.spindle', robot: 'pdm.component.axisMotor', conveyor: 'pdm.component.drive' };
const CIRCUIT: Readonly<Record<string, string>> = { cnc: 'pdm.circuit.coolant', robot: 'pdm.circuit.gripperAir', quality: 'pdm.circuit.fixtureAir' };

/** "LINE-2 CNC" when line and type are known, else the device id. */
export function machineLabel(info: MachineInfo): string {
  const type = info.type ? TYPE_LABEL[info.type] : undefined;
  return info.lineId && type ? `${info.lineId} ${type}` : info.deviceId;
}

/**
 * Hours until the work is due: the lower end of the mode's RUL interval (a cautious planner plans
 * for the early end), at least 4 h; without a RUL model, a day when the 24-hour risk is already
 * high, else half the horizon.
 */
export function dueHours(pred: MachinePrediction, mode: string, horizonHours: number): number {
  const m = pred.modes.find((x) => x.mode === mode);
  let h: number;
  if (m?.rulInterval) h = m.rulInterval[0];
  else if ((m?.probability[24] ?? 0) >= 0.5) h = 24;
  else h = horizonHours / 2;
  return Math.max(4, Math.floor(h));
}

function dueMessage(hours: number): Message {
  if (hours < 48) return { key: 'pdm.due.hours', params: { n: Math.max(4, Math.floor(hours / 4) * 4) } };
  const days = Math.floor(hours / 24);
  return days === 1 ? { key: 'pdm.due.day', params: {} } : { key: 'pdm.due.days', params: { n: days } };
}

export function actionFor(info: MachineInfo, mode: string, hours: number): Message {
  const machine = machineLabel(info);
  const due = dueKey(hours);
  const type = info.type ?? '';
  if (!isKnownMode(mode)) return { key: 'pdm.action.other', params: { machine, mode, ...due } };
  switch (mode) {
    case 'bearingWear':
      return { key: 'pdm.action.bearingWear', params: { machine, component: COMPONENT[type] ?? 'pdm.component.machine', ...due } };
    case 'pressureLeak':
      return { key: 'pdm.action.pressureLeak', params: { machine, circuit: CIRCUIT[type] ?? 'pdm.circuit.air', ...due } };
    case 'overheating':
    case 'toolWear':
      return { key: `pdm.action.${mode}`, params: { machine, ...due } };
  }
}

/** The due text as parameters: `due` holds a message key, `n` its number (render resolves both). */
function dueKey(hours: number): Record<string, string | number> {
  const d = dueMessage(hours);
  return { due: d.key, ...d.params };
}

export function recommend(info: MachineInfo, pred: MachinePrediction, options: { now: number; since: number; horizonHours: number; mode?: string }): Recommendation | undefined {
  const mode = options.mode ?? pred.warningMode ?? pred.mode;
  if (!mode) return undefined;
  const hours = dueHours(pred, mode, options.horizonHours);
  const confidence = pred.modes.find((m) => m.mode === mode)?.probability[options.horizonHours] ?? 0;
  return {
    deviceId: info.deviceId,
    twinId: info.twinId ?? info.deviceId,
    mode,
    severity: hours <= 48 ? 'critical' : 'warning',
    action: actionFor(info, mode, hours),
    dueBy: new Date(options.now + hours * 3_600_000).toISOString(),
    dueInHours: hours,
    confidence,
    horizonHours: options.horizonHours,
    explanation: pred.drivers.map((d) => describeFeature(d.feature, d.value)).filter((m): m is Message => m !== undefined),
    since: new Date(options.since).toISOString(),
  };
}

/** The recommendation's action and explanation rendered in one language. */
export function renderRecommendation(r: Recommendation, lang: Language): { text: string; explanation: string[] } {
  return { text: render(r.action, lang), explanation: r.explanation.map((m) => render(m, lang)) };
}
