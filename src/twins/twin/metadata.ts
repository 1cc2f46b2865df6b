/**
 * `$metadata` entries: `{ lastUpdateTime }` or `{ lastUpdateTime, sourceTime }` per property (ADT twin
 * JSON, "$metadata"). Entries are immutable and shared: every property written by one write points at
 * the same entry object, and loading reuses one entry per distinct time. At a million twins this is
 * most of the difference between ~300 bytes and ~1 KB of metadata per twin.
 */

export interface PropertyMetadata {
  readonly lastUpdateTime: string;
  readonly sourceTime?: string;
}

export class MetadataEntries {
  private readonly cache = new Map<string, PropertyMetadata>();

  entry(lastUpdateTime: string, sourceTime?: string): PropertyMetadata {
    if (sourceTime !== undefined) return { lastUpdateTime, sourceTime };
    let e = this.cache.get(lastUpdateTime);
    if (!e) {
      // Bounded: one write time per entry; old times are dropped wholesale (entries stay valid, only sharing stops).
      if (this.cache.size >= 10_000) this.cache.clear();
      e = { lastUpdateTime };
      this.cache.set(lastUpdateTime, e);
    }
    return e;
  }
}

let lastMs = NaN;
let lastIso = '';

/** ISO 8601 / RFC 3339 UTC with milliseconds, e.g. 2026-01-31T12:00:00.000Z (formatted once per millisecond). */
export function isoNow(clock: () => number = Date.now): string {
  const ms = clock();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}
