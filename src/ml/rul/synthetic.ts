/**
 * Synthetic run-to-failure fleet with a known answer, for tests and demos without the datasets.
 * Each unit degrades as d(t) = exp((t − L)/25) (L = life; d = 1 at failure). Sensors: two that follow
 * d with opposite signs, one constant (must be dropped), one pure noise, one with a per-unit offset.
 * Optionally three operating regimes that shift the sensors far more than degradation does.
 */
import { Rng } from '../core/index.js';
import type { EngineHistory } from './types.js';

export interface SyntheticUnit extends EngineHistory {
  /** True remaining life at the last row. */
  readonly rul: number;
}

const REGIMES = [
  { settings: [0, 0], shift: [0, 0, 0, 0, 0] },
  { settings: [10, 0.5], shift: [3, -2, 0, 0, 1] },
  { settings: [20, 0.9], shift: [6, -5, 0, 0, 2] },
];

/**
 * `truncate`: false → full run to failure (rul 0); true → cut at a random cycle in [30, L−1].
 */
export function syntheticFleet(count: number, seed: number, options: { regimes?: boolean; truncate?: boolean } = {}): SyntheticUnit[] {
  const rng = new Rng(seed);
  const units: SyntheticUnit[] = [];
  for (let u = 0; u < count; u++) {
    const life = 120 + rng.int(121);
    const end = options.truncate ? 30 + rng.int(life - 30) : life;
    const offset = rng.normal() * 0.2;
    const settings: number[][] = [], sensors: number[][] = [];
    for (let t = 1; t <= end; t++) {
      const d = Math.exp((t - life) / 25);
      const regime = options.regimes ? REGIMES[rng.int(3)]! : REGIMES[0]!;
      settings.push(regime.settings.map((s) => s + rng.normal() * 0.001));
      const s = regime.shift;
      sensors.push([
        1 + 2 * d + s[0]! + rng.normal() * 0.1,
        5 - 1.5 * d + s[1]! + rng.normal() * 0.1,
        7,
        rng.normal(),
        0.5 * d + offset + s[4]! + rng.normal() * 0.05,
      ]);
    }
    units.push({ id: u + 1, settings, sensors, rul: life - end });
  }
  return units;
}
