/**
 * Builds the appender's data chunks for `points` and `text_points` in one pass over the rows, writing
 * each column straight into its vector.
 *
 * Why not `chunk.setColumnValues(i, rows.map(…))`: that allocates four arrays per chunk, and each
 * timestamp becomes two BigInts plus a DuckDBTimestampTZValue before it lands in an int64 slot. Here
 * a timestamp (epoch microseconds, DuckDB's TIMESTAMPTZ layout) is written as two 32-bit halves
 * computed in exact double arithmetic, so no BigInt is made per point.
 */
import { endianness } from 'node:os';
import { DOUBLE, DuckDBDataChunk, DuckDBDoubleVector, DuckDBTimestampTZValue, DuckDBTimestampTZVector, TIMESTAMPTZ, VARCHAR, type DuckDBVector } from '@duckdb/node-api';
import type { TimePoint } from '../port.js';
import type { TextPoint } from '../port-series.js';

/** DuckDB's vector size: the most rows one data chunk holds. */
export const CHUNK_ROWS = 2048;
const POINT_TYPES = [VARCHAR, TIMESTAMPTZ, TIMESTAMPTZ, DOUBLE];
const TEXT_TYPES = [VARCHAR, TIMESTAMPTZ, TIMESTAMPTZ, VARCHAR];
const TWO_32 = 4294967296;

/** A Date as a DuckDB TIMESTAMPTZ value (epoch microseconds). */
export const tz = (d: Date) => new DuckDBTimestampTZValue(BigInt(d.getTime()) * 1000n);

/**
 * Writes `ms * 1000` as a little-endian int64 into `words[2i]` (low half) and `words[2i + 1]` (high).
 * Exact for every validated time (years 1..9999, |ms| < 2^48): `lo * 1000` < 2^42 and the high half
 * stays far inside int32, so no step rounds. Negative times work because `hi` is floored, which keeps
 * `lo` in [0, 2^32) and makes (hi, lo) the two's-complement split.
 */
export function writeMicros(words: Int32Array, i: number, ms: number): void {
  const hi = Math.floor(ms / TWO_32);
  const lo = (ms - hi * TWO_32) * 1000;
  const carry = Math.floor(lo / TWO_32);
  words[2 * i] = (lo - carry * TWO_32) | 0;
  words[2 * i + 1] = hi * 1000 + carry;
}

/**
 * The int64 slots behind a TIMESTAMPTZ vector, seen as 32-bit words, or undefined when this build of
 * @duckdb/node-api keeps them elsewhere (or the host is big-endian); callers then take the public,
 * slower `setItem` path. `items` is a private field of the vector class, hence the structural read.
 */
function micros64Words(vector: DuckDBVector): Int32Array | undefined {
  if (!(vector instanceof DuckDBTimestampTZVector) || endianness() !== 'LE') return undefined;
  const items = (vector as unknown as { items?: unknown }).items;
  if (!(items instanceof BigInt64Array) || items.length !== vector.itemCount) return undefined;
  return new Int32Array(items.buffer, items.byteOffset, items.length * 2);
}

/** The float64 slots behind a DOUBLE vector, or undefined when this build keeps them elsewhere (as micros64Words). */
function doubleItems(vector: DuckDBVector): Float64Array | undefined {
  if (!(vector instanceof DuckDBDoubleVector)) return undefined;
  const items = (vector as unknown as { items?: unknown }).items;
  return items instanceof Float64Array && items.length === vector.itemCount ? items : undefined;
}

type Row = TimePoint | TextPoint;

function fillTimes(vector: DuckDBVector, rows: readonly Row[], start: number, n: number, field: 'time' | 'arrival'): void {
  const words = micros64Words(vector);
  if (words === undefined) {
    for (let i = 0; i < n; i++) vector.setItem(i, tz((rows[start + i] as Row)[field]));
  } else {
    for (let i = 0; i < n; i++) writeMicros(words, i, (rows[start + i] as Row)[field].getTime());
  }
  vector.flush();
}

function fillStrings(vector: DuckDBVector, n: number, get: (i: number) => string): void {
  for (let i = 0; i < n; i++) vector.setItem(i, get(i));
  vector.flush();
}

/** Rows [start, start + n) of `points` as one chunk (n ≤ CHUNK_ROWS). */
export function pointChunk(points: readonly TimePoint[], start: number, n: number): DuckDBDataChunk {
  const chunk = DuckDBDataChunk.create(POINT_TYPES, n);
  fillStrings(chunk.getColumnVector(0), n, (i) => (points[start + i] as TimePoint).series);
  fillTimes(chunk.getColumnVector(1), points, start, n, 'time');
  fillTimes(chunk.getColumnVector(2), points, start, n, 'arrival');
  const values = chunk.getColumnVector(3);
  const doubles = doubleItems(values);
  if (doubles === undefined) {
    for (let i = 0; i < n; i++) values.setItem(i, (points[start + i] as TimePoint).value);
  } else {
    // Straight into the vector's slots: setItem also marks each row valid, which a fresh chunk's
    // rows already are, and the values are never null.
    for (let i = 0; i < n; i++) doubles[i] = (points[start + i] as TimePoint).value;
  }
  values.flush();
  return chunk;
}

export function textPointChunk(points: readonly TextPoint[], start: number, n: number): DuckDBDataChunk {
  const chunk = DuckDBDataChunk.create(TEXT_TYPES, n);
  fillStrings(chunk.getColumnVector(0), n, (i) => (points[start + i] as TextPoint).series);
  fillTimes(chunk.getColumnVector(1), points, start, n, 'time');
  fillTimes(chunk.getColumnVector(2), points, start, n, 'arrival');
  fillStrings(chunk.getColumnVector(3), n, (i) => (points[start + i] as TextPoint).text);
  return chunk;
}
