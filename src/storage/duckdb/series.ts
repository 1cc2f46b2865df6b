/**
 * DuckDB SQL for the time-series methods of port-series.ts. Aggregates run as one GROUP BY over the
 * columnar `points` table (an arithmetic bucket expression, or a range join against the bucket list);
 * archiving uses DuckDB's own Parquet writer (`COPY … TO … (FORMAT PARQUET, COMPRESSION ZSTD)`).
 *
 * Statements with literals spliced in (validated numbers, ISO timestamps, a quoted file path) are not
 * cached as prepared statements: their text varies per query.
 */
import {
  DOUBLE,
  LIST,
  TIMESTAMPTZ,
  VARCHAR,
  listValue,
  type DuckDBConnection,
  type DuckDBListValue,
  type DuckDBTimestampTZValue,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { TimePoint } from '../port.js';
import type { AggregateRow, ArchiveCounts, ArchiveTarget, PointRange, TextPoint } from '../port-series.js';
import type { CheckedAggregate, CheckedEdge } from '../validate-series.js';
import { CHUNK_ROWS, textPointChunk } from './chunks.js';
import { inTransaction, tz } from './writer.js';

const fromTz = (v: DuckDBValue) => new Date(Number((v as DuckDBTimestampTZValue).micros / 1000n));
const num = (v: DuckDBValue) => (typeof v === 'bigint' ? Number(v) : (v as number));
/** A timestamp literal from a validated Date. */
const lit = (d: Date) => `TIMESTAMPTZ '${d.toISOString()}'`;
const quotePath = (p: string) => `'${p.replace(/'/g, "''")}'`;

/** All-or-nothing and committed off the main thread, as writer.ts appendPoints. */
export async function appendTextPoints(conn: DuckDBConnection, points: readonly TextPoint[]): Promise<void> {
  const append = async () => {
    const appender = await conn.createAppender('text_points');
    try {
      for (let start = 0; start < points.length; start += CHUNK_ROWS) {
        appender.appendDataChunk(textPointChunk(points, start, Math.min(CHUNK_ROWS, points.length - start)));
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  };
  await inTransaction(conn, append);
}

export async function readTextPoints(conn: DuckDBConnection, series: string, from: Date, to: Date, limit: number): Promise<TextPoint[]> {
  const sql = 'SELECT time, arrival, text FROM text_points WHERE series = $1 AND time >= $2 AND time < $3 ORDER BY time, arrival LIMIT $4';
  const rows = (await conn.runAndReadAll(sql, [series, tz(from), tz(to), limit], [VARCHAR, TIMESTAMPTZ, TIMESTAMPTZ, DOUBLE])).getRows();
  return rows.map((r) => ({ series, time: fromTz(r[0] as DuckDBValue), arrival: fromTz(r[1] as DuckDBValue), text: r[2] as string }));
}

export function aggregateSql(q: CheckedAggregate): { sql: string; values: DuckDBValue[]; types: Array<ReturnType<typeof LIST> | typeof VARCHAR | typeof TIMESTAMPTZ> } {
  const values: DuckDBValue[] = [listValue(q.series), tz(q.from), tz(q.to)];
  const types = [LIST(VARCHAR), TIMESTAMPTZ, TIMESTAMPTZ];
  const seriesCol = q.pooled ? 'NULL::VARCHAR' : 'p.series';
  const cols = [`${seriesCol} AS s`];
  let from = 'points p';
  if (q.buckets.kind === 'fixed') {
    // Integer division truncates toward zero; with the origin moved to at or before `from` every
    // numerator is non-negative, so it floors. The bucket index is turned into a start in decodeRow.
    cols.push(`(epoch_ms(p.time) - ${gridOrigin(q)}) // ${q.buckets.widthMs} AS b`);
  } else {
    values.push(listValue(q.buckets.starts.map(tz)), listValue(q.buckets.ends.map(tz)));
    types.push(LIST(TIMESTAMPTZ), LIST(TIMESTAMPTZ));
    // DuckDB plans this inequality join as an IEJoin / range join, not a nested loop.
    from = 'points p JOIN (SELECT unnest($4) AS bs, unnest($5) AS be) k ON p.time >= k.bs AND p.time < k.be';
    cols.push('epoch_ms(k.bs) AS b');
  }
  cols.push('count(*) AS n');
  for (const f of q.functions) {
    if (f === 'sum' || f === 'min' || f === 'max' || f === 'avg') cols.push(`${f}(p.value)`);
    if (f === 'stddev') cols.push('stddev_samp(p.value)');
  }
  if (q.first) cols.push('arg_min(p.value, (p.time, p.arrival))', 'arg_max(p.value, (p.time, p.arrival))', 'epoch_ms(min(p.time))', 'epoch_ms(max(p.time))');
  if (q.percentiles.length > 0) cols.push(`quantile_cont(p.value, [${q.percentiles.map((p) => p.toString()).join(', ')}])`);
  const where = q.series.length === 1 ? 'p.series = $1[1]' : 'p.series IN (SELECT unnest($1))';
  const sql = `SELECT ${cols.join(', ')} FROM ${from} WHERE ${where} AND p.time >= $2 AND p.time < $3 GROUP BY 1, 2 ORDER BY 1, 2`;
  return { sql, values, types };
}

/** The grid origin moved back to the last grid line at or before `from`. */
function gridOrigin(q: CheckedAggregate): number {
  if (q.buckets.kind !== 'fixed') return 0;
  const { widthMs: w, originMs: o } = q.buckets;
  return o + Math.floor((q.from.getTime() - o) / w) * w;
}

export async function aggregate(conn: DuckDBConnection, q: CheckedAggregate): Promise<AggregateRow[]> {
  const { sql, values, types } = aggregateSql(q);
  const rows = (await conn.runAndReadAll(sql, values, types)).getRows();
  return rows.map((r) => decodeRow(r, q));
}

/** Column order as built in aggregateSql. Exported for the benchmark, which reads the same rows. */
export function decodeRow(r: readonly DuckDBValue[], q: CheckedAggregate): AggregateRow {
  const b = num(r[1] as DuckDBValue);
  const start = q.buckets.kind === 'fixed' ? gridOrigin(q) + b * q.buckets.widthMs : b;
  const row: Record<string, unknown> = { series: r[0] as string | null, bucketStart: new Date(start), count: num(r[2] as DuckDBValue) };
  let i = 3;
  for (const f of q.functions) {
    if (f === 'count' || f === 'first' || f === 'last') continue;
    const v = r[i++] as DuckDBValue;
    row[f] = v === null ? null : num(v);
  }
  if (q.first) {
    row.first = r[i++] as number;
    row.last = r[i++] as number;
    row.firstTime = new Date(num(r[i++] as DuckDBValue));
    row.lastTime = new Date(num(r[i++] as DuckDBValue));
  }
  if (q.percentiles.length > 0) row.percentiles = (r[i] as DuckDBListValue).items.map((x) => x as number);
  return row as unknown as AggregateRow;
}

export async function edge(conn: DuckDBConnection, table: 'points' | 'text_points', q: CheckedEdge): Promise<DuckDBValue[][]> {
  const col = table === 'points' ? 'value' : 'text';
  const range = q.before ? 'time < $2 AND time >= $3' : 'time >= $2 AND time < $3';
  const order = q.before ? 'time DESC, arrival DESC' : 'time, arrival';
  const sql = `SELECT series, time, arrival, ${col} FROM ${table} WHERE series IN (SELECT unnest($1)) AND ${range} QUALIFY row_number() OVER (PARTITION BY series ORDER BY ${order}) = 1 ORDER BY series`;
  return (await conn.runAndReadAll(sql, [listValue(q.series), tz(q.at), tz(q.bound)], [LIST(VARCHAR), TIMESTAMPTZ, TIMESTAMPTZ])).getRows();
}

export function edgeRows(rows: DuckDBValue[][]): TimePoint[] {
  return rows.map((r) => ({ series: r[0] as string, time: fromTz(r[1] as DuckDBValue), arrival: fromTz(r[2] as DuckDBValue), value: r[3] as number }));
}

export function edgeTextRows(rows: DuckDBValue[][]): TextPoint[] {
  return rows.map((r) => ({ series: r[0] as string, time: fromTz(r[1] as DuckDBValue), arrival: fromTz(r[2] as DuckDBValue), text: r[3] as string }));
}

function rangeWhere(r: PointRange): string {
  return `time >= ${lit(r.from)} AND time < ${lit(r.to)}${r.arrivalAtMost ? ` AND arrival <= ${lit(r.arrivalAtMost)}` : ''}`;
}

export async function deleteRange(conn: DuckDBConnection, r: PointRange): Promise<{ points: number; textPoints: number }> {
  return inTransaction(conn, async () => {
    const points = (await conn.run(`DELETE FROM points WHERE ${rangeWhere(r)}`)).rowsChanged;
    const textPoints = (await conn.run(`DELETE FROM text_points WHERE ${rangeWhere(r)}`)).rowsChanged;
    return { points, textPoints };
  });
}

/**
 * One transaction on its own connection: its snapshot is what gets written and then deleted, so
 * points appended meanwhile (other connection, later commit) are neither archived nor deleted.
 */
export async function archive(conn: DuckDBConnection, range: { from: Date; to: Date }, target: ArchiveTarget): Promise<ArchiveCounts> {
  return inTransaction(conn, async () => {
    const where = rangeWhere(range);
    const stats = async (table: string) => (await conn.runAndReadAll(`SELECT count(*), epoch_ms(max(arrival)) FROM ${table} WHERE ${where}`)).getRows()[0] as DuckDBValue[];
    const [pn, pa] = await stats('points');
    const [tn, ta] = await stats('text_points');
    const arrivals = [pa, ta].filter((x) => x !== null).map((x) => num(x as DuckDBValue));
    const counts: ArchiveCounts = { points: num(pn as DuckDBValue), textPoints: num(tn as DuckDBValue), maxArrival: arrivals.length > 0 ? new Date(Math.max(...arrivals)) : null };
    const copy = (table: string, col: string, file: string) =>
      conn.run(`COPY (SELECT series, time, arrival, ${col} FROM ${table} WHERE ${where} ORDER BY series, time, arrival) TO ${quotePath(file)} (FORMAT PARQUET, COMPRESSION ZSTD)`);
    await copy('points', 'value', target.pointsFile);
    await copy('text_points', 'text', target.textPointsFile);
    await target.finish(counts);
    await conn.run(`DELETE FROM points WHERE ${where}`);
    await conn.run(`DELETE FROM text_points WHERE ${where}`);
    return counts;
  });
}
