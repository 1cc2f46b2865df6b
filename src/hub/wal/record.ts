/**
 * The write-ahead log's record: one group commit's durable work (numeric points for the store, whole
 * messages for the history port) framed as `[u32 payload length][u32 CRC-32 of the payload][payload]`
 * (little-endian). The length and CRC let the reader tell a complete record from one torn by a crash
 * mid-write, or from garbage after it.
 *
 * Payload: `[u8 version = 2][3 bytes zero][u32 messages][u32 point count][u32 zero]`, then the points'
 * numbers as little-endian f64 triples `(time ms, arrival ms, value)`, 8-byte aligned in the record,
 * then per point its series name `[u16 bytes][UTF-8]`, then `[u32 JSON bytes][JSON array of
 * messages]`. Points are binary, with the numbers written through a Float64Array and the names' UTF-8
 * bytes cached across records (a device's names recur in every record),
 * because there are several per message on the bench's path and JSON, or a UTF-8 write per point,
 * cost more CPU than the rest of the log; messages for the history port carry free-form values and
 * properties, so JSON.
 */
import { endianness } from 'node:os';
import { crc32 } from 'node:zlib';
import type { TelemetryReceived } from '../../bus/index.js';
import type { TimePoint } from '../../storage/index.js';

export const HEADER_BYTES = 8;
/** A record larger than this is treated as corrupt (a batch of 5 000 messages of 256 KB stays below). */
export const MAX_RECORD_BYTES = 2 ** 31;
const VERSION = 3;
/** Payload bytes before the numbers section (version, padding, messages, count, padding): keeps it 8-aligned. */
const NUMBERS_AT = 16;

/** What one logged batch carries to the slow sinks. */
export interface LoggedBatch {
  readonly points: readonly TimePoint[];
  readonly telemetry: readonly TelemetryReceived[];
  /** Messages in the batch (the unit of the applier's lag limit). */
  readonly messages: number;
}

const LITTLE_ENDIAN = endianness() === 'LE';
/** UTF-8 bytes of series names seen before (a device's names recur in every record). */
const seriesBytes = new Map<string, Buffer>();
const MAX_CACHED_SERIES = 200_000;

function bytesOf(series: string): Buffer {
  let b = seriesBytes.get(series);
  if (b === undefined) {
    if (seriesBytes.size >= MAX_CACHED_SERIES) seriesBytes.clear();
    b = Buffer.from(series, 'utf8');
    seriesBytes.set(series, b);
  }
  return b;
}

/** Frames a batch as one record (header + payload) in a single buffer. */
export function encodeRecord(batch: LoggedBatch): Buffer {
  const { points, telemetry } = batch;
  const n = points.length;
  const json = telemetry.length > 0 ? Buffer.from(JSON.stringify(telemetry), 'utf8') : undefined;
  // Each point's series name as cached UTF-8 bytes (no per-record table: most names occur once per
  // record, and a table cost a Map insertion per point).
  const names: Buffer[] = new Array<Buffer>(n);
  let namesBytes = 0;
  for (let i = 0; i < n; i++) {
    const b = bytesOf((points[i] as TimePoint).series);
    names[i] = b;
    namesBytes += 2 + b.length;
  }
  const size = HEADER_BYTES + NUMBERS_AT + n * 24 + namesBytes + 4 + (json?.length ?? 0);
  // Its own ArrayBuffer (byteOffset 0), so the numbers section can be written through a Float64Array.
  const buf = Buffer.allocUnsafeSlow(size);
  buf.fill(0, 0, HEADER_BYTES + NUMBERS_AT);
  buf[HEADER_BYTES] = VERSION;
  buf.writeUInt32LE(batch.messages, HEADER_BYTES + 4);
  buf.writeUInt32LE(n, HEADER_BYTES + 8);
  let o = HEADER_BYTES + NUMBERS_AT;
  if (LITTLE_ENDIAN) {
    const f = new Float64Array(buf.buffer, o, n * 3);
    for (let i = 0, j = 0; i < n; i++, j += 3) {
      const p = points[i] as TimePoint;
      f[j] = p.time.getTime();
      f[j + 1] = p.arrival.getTime();
      f[j + 2] = p.value;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const p = points[i] as TimePoint;
      buf.writeDoubleLE(p.time.getTime(), o + i * 24);
      buf.writeDoubleLE(p.arrival.getTime(), o + i * 24 + 8);
      buf.writeDoubleLE(p.value, o + i * 24 + 16);
    }
  }
  o += n * 24;
  for (let i = 0; i < n; i++) {
    const b = names[i] as Buffer;
    buf.writeUInt16LE(b.length, o);
    buf.set(b, o + 2);
    o += 2 + b.length;
  }
  buf.writeUInt32LE(json?.length ?? 0, o);
  o += 4;
  if (json) o += json.copy(buf, o);
  buf.writeUInt32LE(o - HEADER_BYTES, 0);
  buf.writeUInt32LE(crc32(buf.subarray(HEADER_BYTES, o)), 4);
  return buf;
}

/** Decodes a payload whose CRC has been checked; throws on a malformed one. */
export function decodePayload(payload: Buffer): LoggedBatch {
  if (payload[0] !== VERSION) throw new Error(`unknown WAL record version ${payload[0]}`);
  const messages = payload.readUInt32LE(4);
  const n = payload.readUInt32LE(8);
  let o = NUMBERS_AT + n * 24;
  const points: TimePoint[] = new Array<TimePoint>(n);
  for (let i = 0; i < n; i++) {
    const len = payload.readUInt16LE(o);
    const series = payload.toString('utf8', o + 2, o + 2 + len);
    o += 2 + len;
    const at = NUMBERS_AT + i * 24;
    const t = payload.readDoubleLE(at);
    const a = payload.readDoubleLE(at + 8);
    const time = new Date(t);
    points[i] = { series, time, arrival: a === t ? time : new Date(a), value: payload.readDoubleLE(at + 16) };
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
  if (offset + HEADER_BYTES > data.length) return data.subarray(offset).every((b) => b === 0) ? { kind: 'end' } : { kind: 'torn', reason: 'header cut short' };
  const length = data.readUInt32LE(offset);
  // Segments are zero-filled ahead of the writes (segments.ts): a zero length is the end of the data.
  if (length === 0) return { kind: 'end' };
  if (length > MAX_RECORD_BYTES) return { kind: 'torn', reason: `implausible length ${length}` };
  const end = offset + HEADER_BYTES + length;
  if (end > data.length) return { kind: 'torn', reason: `payload cut short (${data.length - offset - HEADER_BYTES} of ${length} bytes)` };
  const payload = data.subarray(offset + HEADER_BYTES, end);
  if (crc32(payload) !== data.readUInt32LE(offset + 4)) return { kind: 'torn', reason: 'CRC mismatch' };
  return { kind: 'record', payload, end };
}
