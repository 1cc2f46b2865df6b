/**
 * Machine identity for scoring: type and line from the platform when it knows them, otherwise read
 * off the demo plant's id convention `{lineId}-{CODE}[-n]` (docs/simulator.md §The plant).
 */
import type { MachineInfo } from './types.js';

const CODES: Readonly<Record<string, string>> = { CNC: 'cnc', ROBOT: 'robot', CONVEYOR: 'conveyor', QC: 'quality' };

export function inferMachineInfo(deviceId: string, twinId?: string): MachineInfo {
  const m = /^(.+)-(CNC|ROBOT|CONVEYOR|QC)(?:-\d+)?$/.exec(deviceId);
  const base = { deviceId, ...(twinId ? { twinId } : {}) };
  return m ? { ...base, lineId: m[1]!, type: CODES[m[2]!]! } : base;
}
