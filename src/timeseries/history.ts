/**
 * The history context assembled: catalogue, writer, queries, archive, retention and the API module.
 * src/platform calls createHistory once and starts it after the store and the bus.
 */
import { join } from 'node:path';
import type { ApiModule } from '../api/index.js';
import type { EventBus } from '../bus/index.js';
import type { StorageAdapter } from '../storage/index.js';
import { timeSeriesApi } from './api.js';
import { ParquetArchive } from './archive.js';
import { SeriesCatalogue } from './catalogue.js';
import type { TwinScope } from './ports.js';
import { HistoryQueries } from './query/engine.js';
import { RetentionJob } from './retention.js';
import { ShiftCalendar, type ShiftCalendarConfig } from './time/shifts.js';
import { HistoryWriter } from './writer.js';

export interface HistoryOptions {
  readonly store: StorageAdapter;
  /** The archive lives in `<dataDir>/history`; without it there is no retention (everything stays warm). */
  readonly dataDir?: string;
  readonly scope?: TwinScope;
  readonly calendar?: ShiftCalendarConfig;
  /** Default 30. */
  readonly warmDays?: number;
  /** How often retention looks for days to archive; default hourly. 0 disables the timer. */
  readonly retentionEveryMs?: number;
  readonly maxBatchPoints?: number;
  readonly maxDelayMs?: number;
  readonly onError?: (err: unknown, where: string) => void;
  /**
   * Subscribe to `telemetry.received` (default true). False when the device hub writes telemetry
   * through `writer.telemetry` itself (its history port), so a message a route also publishes on
   * the bus is not stored twice; twin changes (`twin.updated`) are read either way.
   */
  readonly telemetryFromBus?: boolean;
}

export interface History {
  readonly catalogue: SeriesCatalogue;
  readonly writer: HistoryWriter;
  readonly queries: HistoryQueries;
  readonly archive: ParquetArchive | undefined;
  readonly retention: RetentionJob | undefined;
  readonly calendar: ShiftCalendar | undefined;
  readonly api: ApiModule;
  /** Loads the catalogue and subscribes the writer (durable consumers) when a bus is given. */
  start(bus?: EventBus): Promise<void>;
  stop(): Promise<void>;
}

export function createHistory(o: HistoryOptions): History {
  const catalogue = new SeriesCatalogue(o.store);
  const writer = new HistoryWriter({ store: o.store, catalogue, maxBatchPoints: o.maxBatchPoints, maxDelayMs: o.maxDelayMs, onError: (e) => o.onError?.(e, 'history writer') });
  const archive = o.dataDir !== undefined ? new ParquetArchive(join(o.dataDir, 'history')) : undefined;
  const queries = new HistoryQueries({ store: o.store, catalogue, archive, scope: o.scope });
  const retention = archive ? new RetentionJob({ store: o.store, archive, catalogue, warmDays: o.warmDays }) : undefined;
  const calendar = o.calendar ? new ShiftCalendar(o.calendar) : undefined;
  let timer: NodeJS.Timeout | undefined;
  return {
    catalogue,
    writer,
    queries,
    archive,
    retention,
    calendar,
    api: timeSeriesApi({ queries, catalogue, store: o.store, archive, calendar }),
    async start(bus) {
      await catalogue.load();
      if (bus) await writer.start(bus, { telemetry: o.telemetryFromBus ?? true });
      const every = o.retentionEveryMs ?? 3_600_000;
      if (retention && every > 0) {
        timer = setInterval(() => void retention.run().catch((e: unknown) => o.onError?.(e, 'retention')), every);
        timer.unref();
      }
    },
    async stop() {
      if (timer) clearInterval(timer);
      await writer.stop();
      archive?.close();
    },
  };
}
