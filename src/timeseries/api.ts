/**
 * HTTP: /api/timeseries/… (permission platform.read). Selection by `series`, `twin`, `device`,
 * `model`, `query` (an ADT query whose rows are twins), narrowed by `signal`; each may repeat.
 * Times are RFC 3339 or `now`, `now-15m`. See docs/history.md §API for examples.
 */
import type { FastifyInstance } from 'fastify';
import type { ApiModule } from '../api/index.js';
import type { SeriesCatalogue } from './catalogue.js';
import { TimeSeriesErrors } from './errors.js';
import { csvStream, parquetStream, type ExportSource } from './export.js';
import { SIMPLE_FUNCTIONS } from './math/aggregate.js';
import type { Fill } from './math/gapfill.js';
import type { HistoryQueries, QueryFunction, Rollup } from './query/engine.js';
import type { SeriesSelector } from './query/select.js';
import { CALENDAR_UNITS, type BucketSpec, type CalendarUnit } from './time/buckets.js';
import { parseDuration } from './time/duration.js';
import type { ShiftCalendar } from './time/shifts.js';

export interface TimeSeriesApiOptions extends ExportSource {
  readonly queries: HistoryQueries;
  readonly catalogue: SeriesCatalogue;
  /** For `bucket=shift`. */
  readonly calendar?: ShiftCalendar | undefined;
}

const TAGS = ['history'];
const list = { type: 'array', items: { type: 'string', minLength: 1 } } as const;
const selectorProps = {
  series: { ...list, description: 'Series names as stored, e.g. cnc-1/temperature' },
  twin: { ...list, description: 'Twin ids' },
  device: { ...list, description: 'Device ids' },
  model: { ...list, description: 'DTMI: twins of this model or models extending it' },
  query: { type: 'string', description: "ADT query whose rows are twins, e.g. SELECT M FROM DIGITALTWINS L JOIN M RELATED L.contains WHERE L.$dtId = 'LINE-2'" },
  signal: { ...list, description: 'Telemetry names or property paths' },
} as const;
const windowProps = {
  from: { type: 'string', description: 'RFC 3339, or now / now-1h' },
  to: { type: 'string', description: 'RFC 3339, or now / now-1h; default now' },
} as const;

type Q = Record<string, string | string[] | undefined>;
const arr = (v: string | string[] | undefined) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);

function bad(field: string, reason: string): Error {
  return TimeSeriesErrors.create('invalid_query', `${field}: ${reason}`, { field, reason });
}

export function parseTime(text: string | undefined, field: string, now = Date.now()): number {
  if (text === undefined || text === 'now') return now;
  const rel = /^now-(.+)$/.exec(text);
  if (rel) return now - parseDuration(rel[1] as string, field);
  const t = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(t)) throw bad(field, `'${text}' is not an RFC 3339 time, now or now-<duration>`);
  return t;
}

function selector(q: Q): SeriesSelector {
  const sel: SeriesSelector = {
    ...(arr(q['series']) ? { series: arr(q['series']) } : {}),
    ...(arr(q['twin']) ? { twins: arr(q['twin']) } : {}),
    ...(arr(q['device']) ? { devices: arr(q['device']) } : {}),
    ...(arr(q['model']) ? { models: arr(q['model']) } : {}),
    ...(typeof q['query'] === 'string' ? { query: q['query'] } : {}),
    ...(arr(q['signal']) ? { signals: arr(q['signal']) } : {}),
  };
  if (!sel.series && !sel.twins && !sel.devices && !sel.models && sel.query === undefined) throw bad('series', 'select series with series, twin, device, model or query');
  return sel;
}

function window(q: Q): { from: number; to: number } {
  const now = Date.now();
  const to = parseTime(q['to'] as string | undefined, 'to', now);
  const from = q['from'] === undefined ? to - 3_600_000 : parseTime(q['from'] as string, 'from', now);
  if (!(to > from)) throw bad('from', 'must be before to');
  return { from, to };
}

export function parseBucket(text: string, zone: string, calendar: ShiftCalendar | undefined): BucketSpec {
  if ((CALENDAR_UNITS as readonly string[]).includes(text)) return { kind: 'calendar', unit: text as CalendarUnit, zone };
  if (text === 'shift') {
    if (!calendar) throw bad('bucket', 'no shift calendar is configured');
    return { kind: 'shift', calendar };
  }
  return { kind: 'fixed', widthMs: parseDuration(text, 'bucket') };
}

export function parseFunctions(text: string): { functions: QueryFunction[]; percentiles: number[] } {
  const functions: QueryFunction[] = [];
  const percentiles: number[] = [];
  for (const f of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const p = /^p(\d{1,2}(?:\.\d+)?|100)$/.exec(f);
    // toPrecision: 99.9 / 100 is 0.9990000000000001 in binary floating point.
    if (p) percentiles.push(Number((Number(p[1]) / 100).toPrecision(12)));
    else if (f === 'twa' || (SIMPLE_FUNCTIONS as readonly string[]).includes(f)) functions.push(f as QueryFunction);
    else throw bad('fn', `unknown function '${f}' (use ${[...SIMPLE_FUNCTIONS, 'twa'].join(', ')}, p50, p95, p99.9)`);
  }
  if (functions.length === 0 && percentiles.length === 0) throw bad('fn', 'give at least one function');
  return { functions, percentiles };
}

function parseFill(text: string | undefined): Fill {
  if (text === undefined) return 'null';
  if (text === 'none' || text === 'null' || text === 'previous' || text === 'linear') return text;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw bad('fill', "must be none, null, previous, linear or a number");
  return { value: n };
}

export function timeSeriesApi(o: TimeSeriesApiOptions): ApiModule {
  return {
    name: 'timeseries',
    register(app: FastifyInstance) {
      const read = { permission: 'platform.read' as const };
      app.get('/api/timeseries/series', {
        config: read,
        schema: { summary: 'Stored series (the history catalogue), optionally narrowed', tags: TAGS, querystring: { type: 'object', properties: { twin: list, device: list, signal: list } } },
      }, async (req) => {
        const q = req.query as Q;
        return { value: o.catalogue.find({ ...(arr(q['twin']) ? { twins: arr(q['twin']) } : {}), ...(arr(q['device']) ? { devices: arr(q['device']) } : {}), ...(arr(q['signal']) ? { signals: arr(q['signal']) } : {}) }) };
      });

      app.get('/api/timeseries/points', {
        config: read,
        schema: {
          summary: 'Raw points (numbers and text) as JSON, CSV or Parquet',
          description: 'format=csv and format=parquet stream every point of the window; JSON returns at most `limit` per series.',
          tags: TAGS,
          querystring: { type: 'object', properties: { ...selectorProps, ...windowProps, limit: { type: 'integer', minimum: 1, maximum: 1_000_000, default: 100_000 }, format: { type: 'string', enum: ['json', 'csv', 'parquet'], default: 'json' } } },
        },
      }, async (req, reply) => {
        const q = req.query as Q & { limit: number; format: string };
        const { from, to } = window(q);
        const sel = selector(q);
        if (q.format !== 'json') {
          const series = await o.queries.resolve(sel);
          const name = `history-${new Date(from).toISOString().slice(0, 10)}`;
          if (q.format === 'csv') return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(csvStream(o, series, from, to));
          return reply.type('application/vnd.apache.parquet').header('content-disposition', `attachment; filename="${name}.parquet"`).send(await parquetStream(o, series, from, to));
        }
        const result = await o.queries.raw(sel, from, to, q.limit);
        return {
          from: new Date(from).toISOString(),
          to: new Date(to).toISOString(),
          value: result.map((s) => ({ ...s, points: s.points.map((p) => ({ time: p.time.toISOString(), arrival: p.arrival.toISOString(), value: 'value' in p ? p.value : p.text })) })),
        };
      });

      app.get('/api/timeseries/aggregate', {
        config: read,
        schema: {
          summary: 'Aggregates per time bucket: count, sum, min, max, avg, stddev, first, last, pNN, twa',
          tags: TAGS,
          querystring: {
            type: 'object',
            required: ['bucket', 'fn'],
            properties: {
              ...selectorProps,
              ...windowProps,
              bucket: { type: 'string', description: 'A width (15s, 1m, 1h, PT5M) or hour, day, week, month, shift' },
              tz: { type: 'string', default: 'UTC', description: 'IANA zone or offset for calendar buckets' },
              fn: { type: 'string', description: 'Comma-separated: avg,min,max,p95,twa …' },
              fill: { type: 'string', description: 'none, null (default), previous, linear, or a number' },
              interpolation: { type: 'string', enum: ['step', 'linear'], default: 'step', description: 'For twa' },
              maxGap: { type: 'string', description: 'A value is valid at most this long (twa)' },
              rollup: { type: 'string', enum: ['pooled', 'sum', 'avg', 'min', 'max'] },
            },
          },
        },
      }, async (req) => {
        const q = req.query as Q & { tz: string; interpolation: 'step' | 'linear' };
        const { from, to } = window(q);
        const { functions, percentiles } = parseFunctions(q['fn'] as string);
        return o.queries.aggregate({
          selector: selector(q),
          from,
          to,
          bucket: parseBucket(q['bucket'] as string, q.tz, o.calendar),
          functions,
          percentiles,
          fill: parseFill(q['fill'] as string | undefined),
          interpolation: q.interpolation,
          ...(typeof q['maxGap'] === 'string' ? { maxGapMs: parseDuration(q['maxGap'], 'maxGap') } : {}),
          ...(typeof q['rollup'] === 'string' ? { rollup: q['rollup'] as Rollup } : {}),
        });
      });

      app.get('/api/timeseries/interpolate', {
        config: read,
        schema: {
          summary: 'Values resampled at a fixed step (linear or step/LOCF)',
          tags: TAGS,
          querystring: { type: 'object', required: ['step'], properties: { ...selectorProps, ...windowProps, step: { type: 'string' }, method: { type: 'string', enum: ['linear', 'step'], default: 'linear' }, maxGap: { type: 'string' } } },
        },
      }, async (req) => {
        const q = req.query as Q & { method: 'linear' | 'step' };
        const { from, to } = window(q);
        return o.queries.interpolate({ selector: selector(q), from, to, stepMs: parseDuration(q['step'] as string, 'step'), method: q.method, ...(typeof q['maxGap'] === 'string' ? { maxGapMs: parseDuration(q['maxGap'], 'maxGap') } : {}) });
      });
    },
  };
}
