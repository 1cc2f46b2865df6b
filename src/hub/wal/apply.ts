/**
 * How the write-ahead log's applier hands logged batches to the slow sinks: merged, then cut into
 * store calls of bounded size (the DuckDB adapter's append runs synchronously on the hub's thread).
 */
import type { TelemetryReceived } from '../../bus/index.js';
import type { TimePoint } from '../../storage/index.js';
import type { LoggedBatch } from './record.js';

/** Rows a batch puts into the store: its points plus its messages for the history port. */
export const rowsOf = (b: LoggedBatch) => b.points.length + b.telemetry.length;

export interface WalSinks {
  appendPoints(points: readonly TimePoint[]): Promise<void>;
  writeTelemetry?(messages: readonly TelemetryReceived[]): Promise<void>;
}

export interface Slice {
  readonly points: readonly TimePoint[];
  readonly telemetry: readonly TelemetryReceived[];
}

/** The batches' points and messages, merged and cut into store calls of at most `maxRows` of each. */
export function slicesOf(batches: readonly LoggedBatch[], maxRows: number): Slice[] {
  let points: readonly TimePoint[];
  let telemetry: readonly TelemetryReceived[];
  if (batches.length === 1) {
    ({ points, telemetry } = batches[0]!);
  } else {
    const p: TimePoint[] = [];
    const t: TelemetryReceived[] = [];
    for (const b of batches) {
      for (const x of b.points) p.push(x);
      for (const x of b.telemetry) t.push(x);
    }
    points = p;
    telemetry = t;
  }
  if (points.length <= maxRows && telemetry.length <= maxRows) return [{ points, telemetry }];
  const out: Slice[] = [];
  for (let i = 0; i < points.length || i < telemetry.length; i += maxRows) {
    out.push({ points: points.slice(i, i + maxRows), telemetry: telemetry.slice(i, i + maxRows) });
  }
  return out;
}

/** One store call for the points, one history write for the messages. */
export async function applySlice(sinks: WalSinks, { points, telemetry }: Slice): Promise<void> {
  if (telemetry.length > 0 && !sinks.writeTelemetry) throw new Error('no telemetry writer for the history port');
  await Promise.all([points.length > 0 ? sinks.appendPoints(points) : undefined, telemetry.length > 0 ? sinks.writeTelemetry!(telemetry) : undefined]);
}
