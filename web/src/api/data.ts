/**
 * Reads for the views from the history, analytics, alerts and ML contexts, normalised to the
 * shapes the views draw. A route that does not exist on this server (404) yields `missing`, which
 * the views show as "no data yet"; nothing is ever filled in.
 */
import { ApiError, OfflineError, type Api } from './client.js';
import { ROUTES } from './routes.js';
import { seriesParams, type SeriesRequest } from './params.js';

export { seriesParams, type SeriesRequest } from './params.js';
import {
  normaliseAggregate, normaliseAlerts, pdmStartFromModels, normaliseOee, normaliseOeeSeries, normalisePoints, normaliseRecommendations, normaliseRisk, normaliseStatePoints,
  type Alert, type Oee, type Recommendation, type Risk, type Series, type StatePoint,
} from '../lib/normalise.js';

export type { Alert, Oee, Recommendation, Risk, Series, StatePoint } from '../lib/normalise.js';

export type Outcome<T> = { readonly ok: true; readonly value: T; readonly at: number; readonly stale: boolean } | { readonly ok: false; readonly reason: 'missing' | 'offline' | 'error'; readonly message: string };

export async function attempt<T>(fn: () => Promise<{ value: T; at: number; stale: boolean }>): Promise<Outcome<T>> {
  try {
    const r = await fn();
    return { ok: true, value: r.value, at: r.at, stale: r.stale };
  } catch (err) {
    if (err instanceof ApiError && err.missing) return { ok: false, reason: 'missing', message: err.message };
    if (err instanceof OfflineError) return { ok: false, reason: 'offline', message: err.message };
    return { ok: false, reason: 'error', message: err instanceof Error ? err.message : String(err) };
  }
}

export function readSeries(api: Api, r: SeriesRequest): Promise<Outcome<Series[]>> {
  return attempt(async () => {
    if (r.bucket && r.aggregate) {
      const res = await api.read<unknown>(ROUTES.aggregate(seriesParams(r)));
      return { ...res, value: normaliseAggregate(res.value, r.aggregate) };
    }
    const res = await api.read<unknown>(ROUTES.points(seriesParams(r)));
    return { ...res, value: normalisePoints(res.value) };
  });
}

/** Every raw point of the selection as CSV, streamed by the server (src/timeseries/export.ts). */
export async function exportCsv(api: Api, r: SeriesRequest): Promise<Blob> {
  const p = seriesParams({ ...r, bucket: undefined, aggregate: undefined } as SeriesRequest);
  p.set('format', 'csv');
  return api.download(ROUTES.points(p));
}

function oeeParams(twinId: string, from: Date, to: Date): URLSearchParams {
  return new URLSearchParams({ twin: twinId, from: from.toISOString(), to: to.toISOString() });
}

export function readOee(api: Api, twinId: string, from: Date, to: Date): Promise<Outcome<Oee | undefined>> {
  return attempt(async () => {
    const res = await api.read<unknown>(ROUTES.oee(oeeParams(twinId, from, to)));
    return { ...res, value: normaliseOee(res.value) };
  });
}

/** OEE per bucket (hour, day, week, shift or a width), clipped to the window. */
export function readOeeTrend(api: Api, twinId: string, from: Date, to: Date, bucket: string): Promise<Outcome<Oee[]>> {
  const p = oeeParams(twinId, from, to);
  p.set('bucket', bucket);
  p.set('tz', Intl.DateTimeFormat().resolvedOptions().timeZone);
  return attempt(async () => {
    const res = await api.read<unknown>(ROUTES.oee(p));
    return { ...res, value: normaliseOeeSeries(res.value) };
  });
}

/** Open alerts (active or acknowledged), optionally of one twin. */
export function readAlerts(api: Api, filter: { twinId?: string; state?: 'open' | 'active' | 'acknowledged' | 'resolved' } = {}): Promise<Outcome<Alert[]>> {
  const p = new URLSearchParams({ state: filter.state ?? 'open', limit: '1000' });
  if (filter.twinId) p.set('twin', filter.twinId);
  return attempt(async () => {
    const res = await api.read<unknown>(ROUTES.alerts(p));
    return { ...res, value: normaliseAlerts(res.value) };
  });
}

export function readRisk(api: Api, lang: string): Promise<Outcome<Risk[]>> {
  return attempt(async () => {
    const res = await api.read<unknown>(ROUTES.risk(lang));
    return { ...res, value: normaliseRisk(res.value) };
  });
}

export function readRecommendations(api: Api, lang: string): Promise<Outcome<Recommendation[]>> {
  return attempt(async () => {
    const res = await api.read<unknown>(ROUTES.recommendations(lang));
    return { ...res, value: normaliseRecommendations(res.value) };
  });
}

export function readStates(api: Api, twinIds: readonly string[], from: Date, to: Date): Promise<Outcome<Map<string, StatePoint[]>>> {
  return attempt(async () => {
    const res = await api.read<unknown>(ROUTES.points(seriesParams({ twinIds, signals: ['state'], from, to })));
    return { ...res, value: normaliseStatePoints(res.value) };
  });
}

/** When predictive maintenance started: the first model promotion in the ML registry. */
export function readPdmStart(api: Api): Promise<Outcome<number | undefined>> {
  return attempt(async () => {
    const res = await api.read<unknown>(ROUTES.mlModels);
    return { ...res, value: pdmStartFromModels(res.value) };
  });
}
