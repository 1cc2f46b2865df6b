/**
 * The write-ahead log's start: every record after the applied position goes to the sinks, in groups
 * like the live applier's (apply.ts), each followed by its position record, so a crash during the
 * replay resumes after the last group applied. A damaged tail is cut off (segments.ts) and reported.
 */
import type { PositionFile, WalPosition } from './position.js';
import { decodePayload, type LoggedBatch } from './record.js';
import { readSegment } from './segments.js';
import { applySlice, rowsOf, slicesOf, type WalSinks } from './apply.js';

export interface ReplayReport {
  readonly batches: number;
  readonly messages: number;
  readonly truncated: Array<{ segment: number; at: number; bytes: number; reason: string }>;
}

export async function replay(
  dir: string,
  ids: readonly number[],
  from: WalPosition,
  position: PositionFile,
  sinks: WalSinks,
  maxRows: number,
  onProblem?: (what: string, details: Record<string, unknown>) => void,
): Promise<ReplayReport> {
  const report = { batches: 0, messages: 0, truncated: [] as ReplayReport['truncated'] };
  for (const id of ids) {
    if (id < from.segment) continue;
    const { records, truncated } = await readSegment(dir, id, id === from.segment ? from.offset : 0);
    if (truncated) {
      report.truncated.push({ segment: id, ...truncated });
      onProblem?.('damaged WAL tail cut off', { segment: id, ...truncated });
    }
    for (let i = 0; i < records.length; ) {
      const group: LoggedBatch[] = [];
      let messages = 0;
      let rows = 0;
      let end = 0;
      while (i < records.length && (group.length === 0 || rows < maxRows)) {
        const r = records[i++]!;
        const b = decodePayload(r.payload);
        group.push(b);
        messages += b.messages;
        rows += rowsOf(b);
        end = r.end;
      }
      for (const slice of slicesOf(group, maxRows)) await applySlice(sinks, slice);
      await position.write({ segment: id, offset: end });
      report.batches += group.length;
      report.messages += messages;
    }
  }
  return report;
}
