/**
 * Durations as query parameters: short forms (`500ms`, `15s`, `5m`, `2h`, `1d`, `1w`) and the
 * ISO 8601 duration subset with fixed lengths (`PT1M`, `PT0.5S`, `P1D`, `P2W`; ISO 8601-1:2019
 * §5.5.2.4). Years and months have no fixed length and are refused here (use calendar buckets).
 */
import { TimeSeriesErrors } from '../errors.js';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const SHORT = /^(\d+(?:\.\d+)?)(ms|s|min|m|h|d|w)$/;
const ISO = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Milliseconds, a whole positive number. Throws timeseries.invalid_query naming `field`. */
export function parseDuration(text: string, field = 'duration'): number {
  const bad = (reason: string) => TimeSeriesErrors.create('invalid_query', `${field}: ${reason}`, { field, reason, value: text });
  const s = text.trim();
  let ms: number | undefined;
  const short = SHORT.exec(s);
  if (short) ms = Number(short[1]) * (UNIT_MS[short[2] as string] as number);
  else {
    const iso = ISO.exec(s);
    if (iso && s !== 'P' && !s.endsWith('T')) {
      const [, w, d, h, m, sec] = iso.map((x) => (x === undefined ? 0 : Number(x)));
      ms = ((w ?? 0) * 7 * 86_400 + (d ?? 0) * 86_400 + (h ?? 0) * 3600 + (m ?? 0) * 60 + (sec ?? 0)) * 1000;
    }
  }
  if (ms === undefined) throw bad(`'${text}' is not a duration (examples: 500ms, 15s, 5m, 2h, 1d, 1w, PT1M)`);
  if (!Number.isInteger(ms)) throw bad(`'${text}' is not a whole number of milliseconds`);
  if (ms <= 0) throw bad('must be longer than zero');
  return ms;
}

/** The shortest short form of a duration (for labels and docs): 60000 → `1m`. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [['w', 604_800_000], ['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
