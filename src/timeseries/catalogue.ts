/**
 * The series catalogue: one document per stored series (collection `series`), so queries can pick
 * series by twin, by device, by signal, and know whether a series holds numbers or text without
 * scanning the points. Kept in memory (loaded at start), written once per new series.
 *
 * Series names: `<twinId>/<signal>` for telemetry of a device bound to a twin (the hub's
 * `twinId`), `device:<deviceId>/<signal>` for a device bound to none, and
 * `<twinId>/property:<path>` for twin property changes (path without the leading `/`, components as
 * `component/property`), `<twinId>/<name>` for derived values (e.g. `cnc-1/anomaly:vibration`). Telemetry and a property of the same name stay apart: a set point is not a reading.
 */
import type { StorageAdapter } from '../storage/index.js';

export type SeriesKind = 'number' | 'text';
/** `derived`: values another context computed and handed to HistoryWriter.derived (the ML scorer's `anomaly:<signal>`). */
export type SeriesSource = 'telemetry' | 'property' | 'derived';

export interface SeriesInfo {
  readonly series: string;
  /** The twin, when the values belong to one. */
  readonly twinId?: string;
  /** The device that sent them (telemetry only). */
  readonly deviceId?: string;
  /** Telemetry name or property path. */
  readonly signal: string;
  readonly kind: SeriesKind;
  readonly source: SeriesSource;
  readonly firstSeen: string;
}

export const DEVICE_PREFIX = 'device:';
export const PROPERTY_PREFIX = 'property:';

export function telemetrySeries(deviceId: string, twinId: string | undefined, signal: string): string {
  return twinId !== undefined ? `${twinId}/${signal}` : `${DEVICE_PREFIX}${deviceId}/${signal}`;
}

export function propertySeries(twinId: string, path: string): string {
  return `${twinId}/${PROPERTY_PREFIX}${path}`;
}

export class SeriesCatalogue {
  private readonly byName = new Map<string, SeriesInfo>();
  private readonly pending = new Map<string, SeriesInfo>();

  constructor(private readonly store: StorageAdapter) {}

  async load(): Promise<number> {
    for await (const doc of this.store.scan('series')) this.byName.set(doc.id, doc.body as SeriesInfo);
    return this.byName.size;
  }

  get(series: string): SeriesInfo | undefined {
    return this.byName.get(series) ?? this.pending.get(series);
  }

  all(): SeriesInfo[] {
    return [...this.byName.values()];
  }

  /** Records a series the first time it is seen; written by the next `persist`. */
  note(info: SeriesInfo): void {
    if (!this.byName.has(info.series) && !this.pending.has(info.series)) this.pending.set(info.series, info);
  }

  /**
   * Writes new series in one batch. Another replica may have written some already: those are read
   * first and kept (their firstSeen is the earlier truth); a race between the read and the write
   * just writes an equivalent document again.
   */
  async persist(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    for (let i = 0; i < batch.length; i += 1000) {
      const chunk = batch.slice(i, i + 1000);
      const existing = new Map((await this.store.getMany('series', chunk.map((s) => s.series))).map((d) => [d.id, d.body as SeriesInfo]));
      const fresh = chunk.filter((s) => !existing.has(s.series));
      if (fresh.length > 0) await this.store.write(fresh.map((info) => ({ op: 'put' as const, collection: 'series' as const, id: info.series, body: info })));
      for (const info of chunk) {
        this.pending.delete(info.series);
        this.byName.set(info.series, existing.get(info.series) ?? info);
      }
    }
  }

  /** Series matching every given criterion (signals: any of them). */
  find(filter: { twins?: readonly string[]; devices?: readonly string[]; signals?: readonly string[]; source?: SeriesSource }): SeriesInfo[] {
    const twins = filter.twins ? new Set(filter.twins) : undefined;
    const devices = filter.devices ? new Set(filter.devices) : undefined;
    const signals = filter.signals ? new Set(filter.signals) : undefined;
    const out: SeriesInfo[] = [];
    for (const s of [...this.byName.values(), ...this.pending.values()]) {
      if (twins && (s.twinId === undefined || !twins.has(s.twinId))) continue;
      if (devices && (s.deviceId === undefined || !devices.has(s.deviceId))) continue;
      if (signals && !signals.has(s.signal)) continue;
      if (filter.source && s.source !== filter.source) continue;
      out.push(s);
    }
    return out.sort((a, b) => (a.series < b.series ? -1 : a.series > b.series ? 1 : 0));
  }
}
