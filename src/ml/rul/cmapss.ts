/**
 * Reader for NASA C-MAPSS text files (Saxena et al. 2008; datasets README §1): 26 whitespace-separated
 * columns — unit, cycle, 3 operational settings, 21 sensors — one row per cycle, no header.
 * Text in, engine histories out; file access stays in the command layer.
 */
import { MlErrors, parseNumberTable } from '../core/index.js';
import type { EngineHistory } from './types.js';

export const CMAPSS_SETTING_NAMES = ['os1', 'os2', 'os3'] as const;
export const CMAPSS_SENSOR_NAMES = Array.from({ length: 21 }, (_, k) => `s${k + 1}`);

/** Groups rows by unit (in file order) and checks cycles count up from 1 without gaps. */
export function parseCmapss(text: string, source = 'cmapss'): EngineHistory[] {
  const rows = parseNumberTable(text, source);
  if (rows.length > 0 && rows[0]!.length !== 26) {
    throw MlErrors.create('bad_data', `${source}: expected 26 columns (unit, cycle, 3 settings, 21 sensors), found ${rows[0]!.length}`, { source, columns: rows[0]!.length });
  }
  const engines: EngineHistory[] = [];
  let current: { id: number; settings: number[][]; sensors: number[][] } | undefined;
  rows.forEach((r, k) => {
    const unit = r[0]!, cycle = r[1]!;
    if (current === undefined || current.id !== unit) {
      if (engines.some((e) => e.id === unit)) {
        throw MlErrors.create('bad_data', `${source}: unit ${unit} appears again at line ${k + 1}; rows of one unit must be contiguous`, { source, unit, line: k + 1 });
      }
      current = { id: unit, settings: [], sensors: [] };
      engines.push(current);
    }
    if (cycle !== current.settings.length + 1) {
      throw MlErrors.create('bad_data', `${source}: unit ${unit} line ${k + 1} has cycle ${cycle}, expected ${current.settings.length + 1}`, { source, unit, line: k + 1 });
    }
    current.settings.push(r.slice(2, 5));
    current.sensors.push(r.slice(5, 26));
  });
  return engines;
}

/** RUL_FD00x.txt: one true remaining life per test unit, in unit order. */
export function parseRulTruth(text: string, source = 'RUL'): number[] {
  const rows = parseNumberTable(text, source);
  return rows.map((r, k) => {
    if (r.length !== 1) throw MlErrors.create('bad_data', `${source}: line ${k + 1} should hold one number`, { source, line: k + 1 });
    return r[0]!;
  });
}
