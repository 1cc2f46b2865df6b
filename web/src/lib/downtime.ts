/** Downtime of several stations as one list (the line view), by state and reason. */
import type { DowntimeReason } from './normalise.js';

/** Stops of the same state and reason across stations, longest first. */
export function mergeDowntime(lists: ReadonlyArray<readonly DowntimeReason[]>): DowntimeReason[] {
  const by = new Map<string, DowntimeReason>();
  for (const list of lists) {
    for (const d of list) {
      const key = `${d.state}\u0000${d.reason}`;
      const prev = by.get(key);
      by.set(key, prev ? { ...prev, seconds: prev.seconds + d.seconds, occurrences: prev.occurrences + d.occurrences } : { ...d });
    }
  }
  return [...by.values()].filter((d) => d.seconds > 0 || d.occurrences > 0).sort((a, b) => b.seconds - a.seconds);
}
