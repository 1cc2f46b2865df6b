/**
 * The write-ahead log's record: one group commit's durable work (numeric points for the store, whole
 * messages for the history port) framed as `[u32 payload length][u32 CRC-32 of the payload][payload]`
 * (little-endian). The length and CRC let the reader tell a complete record from one torn by a crash
 * mid-write, or from garbage after it.
 *
 * Payload: `[u8 version = 1][u32 messages][u32 point count]`, per point `[u16 series bytes][series UTF-8]
 * [f64 time ms][f64 arrival ms][f64 value]`, then `[u32 JSON bytes][JSON array of messages]`.
 * Points are binary because there are several per message on the bench's path and JSON for them cost
 * more CPU than the rest of the log; messages for the history port carry free-form values and
 * properties, so JSON.
 */
import { crc32 } from 'node:zlib';
import type { TelemetryReceived } from '../../bus/index.js';
import type { TimePoint } from '../../storage/index.js';

export const HEADER_BYTES = 8;
/** A record larger than this is treated as corrupt (a batch of 5 000 messages of 256 KB stays below). */
export const MAX_RECORD_BYTES = 2 ** 31;
const VERSION = 1;
const POINT_FIXED = 2 + 8 * 3;

/** What one logged batch carries to the slow sinks. */
export interface LoggedBatch {
  readonly points: readonly TimePoint[];
  readonly telemetry: readonly TelemetryReceived[];
  /** Messages in the batch (the unit of the applier's lag limit). */
  readonly messages: number;
}

/** Frames a batch as one record (header + payload) in a single buffer. */
export function encodeRecord(batch: LoggedBatch): Buffer {
  const { points, telemetry } = batch;
  const json = telemetry.length > 0 ? Buffer.from(JSON.stringify(telemetry), 'utf8') : undefined;
  // Upper bound: a UTF-16 code unit is at most 3 UTF-8 bytes; trimmed to the written size below.
  let bound = HEADER_BYTES + 1 + 4 + 4 + 4 + (json?.length ?? 0);
  for (let i = 0; i < points.length; i++) bound += POINT_FIXED + (points[i] as TimePoint).series.length * 3;
  const buf = Buffer.allocUnsafe(bound);
  let o = HEADER_BYTES;
  buf[o++] = VERSION;
  buf.writeUInt32LE(batch.messages, o);
  o += 4;
  buf.writeUInt32LE(points.length, o);
  o += 4;
  for (let i = 0; i < points.length; i++) {
    const p = points[i] as TimePoint;
    const n = buf.write(p.series, o + 2, 'utf8');
    buf.writeUInt16LE(n, o);
    o += 2 + n;
    buf.writeDoubleLE(p.time.getTime(), o);
    buf.writeDoubleLE(p.arrival.getTime(), o + 8);
    buf.writeDoubleLE(p.value, o + 16);
    o += 24;
  }
  buf.writeUInt32LE(json?.length ?? 0, o);
  o += 4;
  if (json) o += json.copy(buf, o);
  const payloadBytes = o - HEADER_BYTES;
  buf.writeUInt32LE(payloadBytes, 0);
  buf.writeUInt32LE(crc32(buf.subarray(HEADER_BYTES, o)), 4);
  return buf.subarray(0, o);
}

/** Decodes a payload whose CRC has been checked; throws on a malformed one. */
export function decodePayload(payload: Buffer): LoggedBatch {
  let o = 0;
  if (payload[o++] !== VERSION) throw new Error(`unknown WAL record version ${payload[0]}`);
  const messages = payload.readUInt32LE(o);
  o += 4;
  const count = payload.readUInt32LE(o);
  o += 4;
  const points: TimePoint[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const n = payload.readUInt16LE(o);
    const series = payload.toString('utf8', o + 2, o + 2 + n);
    o += 2 + n;
    const t = payload.readDoubleLE(o);
    const a = payload.readDoubleLE(o + 8);
    const time = new Date(t);
    points[i] = { series, time, arrival: a === t ? time : new Date(a), value: payload.readDoubleLE(o + 16) };
    o += 24;
  }
  const jsonBytes = payload.readUInt32LE(o);
  o += 4;
  if (o + jsonBytes !== payload.length) throw new Error(`WAL record payload has ${payload.length - o - jsonBytes} stray bytes`);
  const telemetry = jsonBytes > 0 ? (JSON.parse(payload.toString('utf8', o, o + jsonBytes)) as TelemetryReceived[]) : [];
  return { points, telemetry, messages };
}

export type ScanResult =
  | { readonly kind: 'record'; readonly payload: Buffer; readonly end: number }
  | { readonly kind: 'end' }
  | { readonly kind: 'torn'; readonly reason: string };

/** Reads the record starting at `offset` of `data` (a whole segment file). */
export function scanRecord(data: Buffer, offset: number): ScanResult {
  if (offset === data.length) return { kind: 'end' };
  if (offset + HEADER_BYTES > data.length) return { kind: 'torn', reason: 'header cut short' };
  const length = data.readUInt32LE(offset);
  if (length === 0 || length > MAX_RECORD_BYTES) return { kind: 'torn', reason: `implausible length ${length}` };
  const end = offset + HEADER_BYTES + length;
  if (end > data.length) return { kind: 'torn', reason: `payload cut short (${data.length - offset - HEADER_BYTES} of ${length} bytes)` };
  const payload = data.subarray(offset + HEADER_BYTES, end);
  if (crc32(payload) !== data.readUInt32LE(offset + 4)) return { kind: 'torn', reason: 'CRC mismatch' };
  return { kind: 'record', payload, end };
}
