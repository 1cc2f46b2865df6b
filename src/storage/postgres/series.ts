/**
 * PostgreSQL SQL for the time-series methods of port-series.ts. Aggregates: one GROUP BY with an
 * arithmetic bucket (like `date_bin`, but in integer milliseconds so any origin and width work the
 * same as in DuckDB) or a join against `unnest` of the bucket list. PostgreSQL has no Parquet
 * writer, so archiving streams the rows through a cursor to the target, which writes the files.
 */
import type pg from 'pg';
import type { TimePoint } from '../port.js';
import type { AggregateRow, ArchiveCounts, ArchivePage, ArchiveTarget, PointRange, TextPoint } from '../port-series.js';
import type { CheckedAggregate, CheckedEdge } from '../validate-series.js';

type Db = pg.Pool | pg.PoolClient;
const FETCH_ROWS = 20_000;
const POINTS_PER_STATEMENT = 20_000;

export async function appendTextPoints(client: pg.PoolClient, q: string, points: readonly TextPoint[]): Promise<void> {
  for (let start = 0; start < points.length; start += POINTS_PER_STATEMENT) {
    const chunk = points.slice(start, start + POINTS_PER_STATEMENT);
    await client.query(
      `INSERT INTO ${q}.text_points (series, "time", arrival, text) SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::text[])`,
      [chunk.map((p) => p.series), chunk.map((p) => p.time.toISOString()), chunk.map((p) => p.arrival.toISOString()), chunk.map((p) => p.text)],
    );
  }
}

export async function readTextPoints(db: Db, q: string, series: string, from: Date, to: Date, limit: number): Promise<TextPoint[]> {
  const res = await db.query<{ time: Date; arrival: Date; text: string }>(
    `SELECT "time", arrival, text FROM ${q}.text_points WHERE series = $1 AND "time" >= $2 AND "time" < $3 ORDER BY "time", arrival LIMIT $4`,
    [series, from.toISOString(), to.toISOString(), limit],
  );
  return res.rows.map((r) => ({ series, time: r.time, arrival: r.arrival, text: r.text }));
}

export async function aggregate(db: Db, q: string, a: CheckedAggregate): Promise<AggregateRow[]> {
  const values: unknown[] = [a.series, a.from.toISOString(), a.to.toISOString()];
  const cols = [a.pooled ? 'NULL::text AS s' : 'p.series AS s'];
  let from = `${q}.points p`;
  const epochMs = (col: string) => `(extract(epoch from ${col}) * 1000)::bigint`;
  if (a.buckets.kind === 'fixed') {
    const { widthMs: w, originMs: o } = a.buckets;
    cols.push(`${o}::bigint + floor((${epochMs('p."time"')} - ${o})::float8 / ${w})::bigint * ${w} AS b`);
  } else {
    values.push(a.buckets.starts.map((d) => d.toISOString()), a.buckets.ends.map((d) => d.toISOString()));
    from = `${q}.points p JOIN unnest($4::timestamptz[], $5::timestamptz[]) AS k(bs, be) ON p."time" >= k.bs AND p."time" < k.be`;
    cols.push(`${epochMs('k.bs')} AS b`);
  }
  cols.push('count(*) AS n');
  for (const f of a.functions) {
    if (f === 'sum' || f === 'min' || f === 'max' || f === 'avg') cols.push(`${f}(p.value) AS ${f}`);
    if (f === 'stddev') cols.push('stddev_samp(p.value) AS stddev');
  }
  if (a.first) {
    cols.push('(array_agg(p.value ORDER BY p."time", p.arrival))[1] AS first', '(array_agg(p.value ORDER BY p."time" DESC, p.arrival DESC))[1] AS last', 'min(p."time") AS first_time', 'max(p."time") AS last_time');
  }
  if (a.percentiles.length > 0) {
    values.push(a.percentiles);
    cols.push(`percentile_cont($${values.length}::float8[]) WITHIN GROUP (ORDER BY p.value) AS pct`);
  }
  const sql = `SELECT ${cols.join(', ')} FROM ${from} WHERE p.series = ANY($1::text[]) AND p."time" >= $2 AND p."time" < $3 GROUP BY 1, 2 ORDER BY 1, 2`;
  const res = await db.query<Record<string, unknown>>(sql, values);
  return res.rows.map((r) => {
    const row: Record<string, unknown> = { series: r['s'] as string | null, bucketStart: new Date(Number(r['b'])), count: Number(r['n']) };
    for (const f of a.functions) if (f !== 'count' && f !== 'first' && f !== 'last') row[f] = r[f] === null ? null : Number(r[f]);
    if (a.first) Object.assign(row, { first: r['first'], last: r['last'], firstTime: r['first_time'], lastTime: r['last_time'] });
    if (a.percentiles.length > 0) row.percentiles = (r['pct'] as number[]).map(Number);
    return row as unknown as AggregateRow;
  });
}

export async function edge(db: Db, q: string, table: 'points' | 'text_points', e: CheckedEdge): Promise<Array<Record<string, unknown>>> {
  const col = table === 'points' ? 'value' : 'text';
  const range = e.before ? '"time" < $2 AND "time" >= $3' : '"time" >= $2 AND "time" < $3';
  const order = e.before ? '"time" DESC, arrival DESC' : '"time", arrival';
  const res = await db.query(
    `SELECT DISTINCT ON (series) series, "time", arrival, ${col} FROM ${q}.${table} WHERE series = ANY($1::text[]) AND ${range} ORDER BY series, ${order}`,
    [e.series, e.at.toISOString(), e.bound.toISOString()],
  );
  return res.rows as Array<Record<string, unknown>>;
}

export const toPoint = (r: Record<string, unknown>): TimePoint => ({ series: r['series'] as string, time: r['time'] as Date, arrival: r['arrival'] as Date, value: r['value'] as number });
export const toTextPoint = (r: Record<string, unknown>): TextPoint => ({ series: r['series'] as string, time: r['time'] as Date, arrival: r['arrival'] as Date, text: r['text'] as string });

function rangeWhere(r: PointRange, first: number): { sql: string; values: unknown[] } {
  const values: unknown[] = [r.from.toISOString(), r.to.toISOString()];
  let sql = `"time" >= $${first} AND "time" < $${first + 1}`;
  if (r.arrivalAtMost) {
    values.push(r.arrivalAtMost.toISOString());
    sql += ` AND arrival <= $${first + 2}`;
  }
  return { sql, values };
}

export async function deleteRange(client: pg.PoolClient, q: string, r: PointRange): Promise<{ points: number; textPoints: number }> {
  const w = rangeWhere(r, 1);
  const points = (await client.query(`DELETE FROM ${q}.points WHERE ${w.sql}`, w.values)).rowCount ?? 0;
  const textPoints = (await client.query(`DELETE FROM ${q}.text_points WHERE ${w.sql}`, w.values)).rowCount ?? 0;
  return { points, textPoints };
}

/** Runs inside a REPEATABLE READ transaction: the cursor, the counts and the DELETE see one snapshot. */
export async function archive(client: pg.PoolClient, q: string, range: { from: Date; to: Date }, target: ArchiveTarget): Promise<ArchiveCounts> {
  const w = rangeWhere(range, 1);
  const stats = async (table: string) => (await client.query<{ n: string; a: Date | null }>(`SELECT count(*) AS n, max(arrival) AS a FROM ${q}.${table} WHERE ${w.sql}`, w.values)).rows[0];
  const ps = await stats('points');
  const ts = await stats('text_points');
  const arrivals = [ps?.a, ts?.a].filter((x): x is Date => x instanceof Date).map((d) => d.getTime());
  const counts: ArchiveCounts = { points: Number(ps?.n ?? 0), textPoints: Number(ts?.n ?? 0), maxArrival: arrivals.length > 0 ? new Date(Math.max(...arrivals)) : null };
  async function* pages(): AsyncGenerator<ArchivePage> {
    for (const [table, col] of [['points', 'value'], ['text_points', 'text']] as const) {
      const cursor = `tw_archive_${table}`;
      await client.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT series, "time", arrival, ${col} FROM ${q}.${table} WHERE ${w.sql} ORDER BY series, "time", arrival`, w.values);
      for (;;) {
        const res = await client.query<Record<string, unknown>>(`FETCH ${FETCH_ROWS} FROM ${cursor}`);
        if (res.rows.length === 0) break;
        yield table === 'points' ? { points: res.rows.map(toPoint), textPoints: [] } : { points: [], textPoints: res.rows.map(toTextPoint) };
      }
      await client.query(`CLOSE ${cursor}`);
    }
  }
  await target.writePages(pages());
  await target.finish(counts);
  await client.query(`DELETE FROM ${q}.points WHERE ${w.sql}`, w.values);
  await client.query(`DELETE FROM ${q}.text_points WHERE ${w.sql}`, w.values);
  return counts;
}
