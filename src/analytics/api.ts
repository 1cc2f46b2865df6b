/**
 * HTTP: GET /api/analytics/oee (permission platform.read). One of `twin` (a machine, line, area,
 * site), `twins` or `query` (an ADT query whose rows are twins); a window (`from`/`to`, or
 * `window=shift|hour|day|week` for the current one so far: the running shift, or the calendar
 * hour, day or ISO week in `tz` — "OEE today" starts at local midnight, not 24 h ago);
 * optionally `bucket` for a series.
 */
import type { FastifyInstance } from 'fastify';
import type { ApiModule } from '../api/index.js';
import { bucketAt, parseBucket, parseTime, planBuckets, type ShiftCalendar } from '../timeseries/index.js';
import { AnalyticsErrors } from './errors.js';
import type { OeeService, OeeTarget } from './service.js';

export interface AnalyticsApiOptions {
  readonly service: OeeService;
  readonly calendar?: ShiftCalendar | undefined;
  readonly clock?: () => number;
}

type Q = Record<string, string | string[] | undefined>;

function bad(field: string, reason: string): Error {
  return AnalyticsErrors.create('invalid_request', `${field}: ${reason}`, { field, reason });
}

export function analyticsApi(o: AnalyticsApiOptions): ApiModule {
  const now = () => (o.clock ?? Date.now)();
  function target(q: Q): OeeTarget {
    const twins = q['twins'] === undefined ? undefined : Array.isArray(q['twins']) ? q['twins'] : [q['twins']];
    if (typeof q['twin'] === 'string') return { twin: q['twin'] };
    if (twins) return { twins };
    if (typeof q['query'] === 'string') return { query: q['query'] };
    throw bad('twin', 'give twin, twins or query');
  }
  function window(q: Q): { from: number; to: number } {
    const t = now();
    const w = q['window'];
    if (w === 'shift') {
      const s = o.calendar?.instances(t - 1, t + 1).find((x) => x.start <= t && t < x.end);
      if (!s) throw bad('window', o.calendar ? 'no shift is running now' : 'no shift calendar is configured');
      return { from: s.start, to: t };
    }
    if (w === 'hour' || w === 'day' || w === 'week') {
      const zone = typeof q['tz'] === 'string' ? q['tz'] : 'UTC';
      return { from: bucketAt(planBuckets({ kind: 'calendar', unit: w, zone }, t, t + 1), 0).start, to: t };
    }
    const to = parseTime(q['to'] as string | undefined, 'to', t);
    const from = q['from'] === undefined ? to - 8 * 3_600_000 : parseTime(q['from'] as string, 'from', t);
    return { from, to };
  }
  return {
    name: 'analytics',
    register(app: FastifyInstance) {
      app.get('/api/analytics/oee', {
        config: { permission: 'platform.read' },
        schema: {
          summary: 'OEE, its factors, the six losses, downtime by reason, MTBF/MTTR and energy per good unit',
          description: 'Machines by the standard definition; lines by the bottleneck rule; areas, sites and queries as time-weighted roll-ups (docs/history.md §OEE).',
          tags: ['analytics'],
          querystring: {
            type: 'object',
            properties: {
              twin: { type: 'string' },
              twins: { type: 'array', items: { type: 'string' } },
              query: { type: 'string' },
              from: { type: 'string' },
              to: { type: 'string' },
              window: { type: 'string', enum: ['shift', 'hour', 'day', 'week'], description: 'The current shift, or calendar hour, day or ISO week in tz, up to now' },
              bucket: { type: 'string', description: 'hour, shift, day, week, month or a width (15m): returns one result per bucket' },
              tz: { type: 'string', default: 'UTC' },
            },
          },
        },
      }, async (req) => {
        const q = req.query as Q & { tz: string };
        const t = target(q);
        const { from, to } = window(q);
        if (typeof q['bucket'] === 'string') return { value: await o.service.series(t, from, to, parseBucket(q['bucket'], q.tz, o.calendar)) };
        return o.service.compute(t, from, to);
      });
    },
  };
}
