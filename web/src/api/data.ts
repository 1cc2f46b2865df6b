/**
 * Reads for the views from the history, analytics, alerts and ML contexts, normalised to the
 * shapes the views draw. A route that does not exist yet (404 route_not_found) yields `missing`,
 * which the views show as "no data yet"; nothing is ever filled in.
 */
import { ApiError, OfflineError, type Api } from './client.js';
import { ROUTES } from './routes.js';
import { normaliseAlerts, normaliseOee, normaliseRisk, normaliseSeries, normaliseStatePoints, type Alert, type Oee, type Risk, type Series, type StatePoint } from '../lib/normalise.js';

export type { Alert, Oee, Risk, Series, StatePoint } from '../lib/normalise.js';

export type Outcome<T> = { readonly ok: true; readonly value: T; readonly at: number; readonly stale: boolean } | { readonly ok: false; readonly reason: 'missing' | 'offline' | 'error'; readonly message: string };

export async function attempt<T>(fn: () => Promise<{ value: T; at: number; stale: boolean }>): Promise<Outcome<T>> {
  try {
    const r = await fn();
    return { ok: true, value: r.value, at: r.at, stale: r.stale };
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return { ok: false, reason: 'missing', message: err.message };
    if (err instanceof OfflineError) return { ok: false, reason: 'offline', message: err.message };
    return { ok: false, reason: 'error', message: err instanceof Error ? err.message : String(err) };
  }
}

export interface SeriesRequest {
  readonly twinIds: readonly string[];
  readonly signals: readonly string[];
  readonly from: Date;
  readonly to: Date;
  /** ISO 8601 duration or a calendar bucket (1m, 1h, shift, day); absent = raw points. */
  readonly bucket?: string;
  readonly aggregate?: string;
}

export function seriesParams(r: SeriesRequest): URLSearchParams {
  const p = new URLSearchParams();
  for (const id of r.twinIds) p.append('twinId', id);
  for (const s of r.signals) p.append('signal', s);
  p.set('from', r.from.toISOString());
  p.set('to', r.to.toISOString());
  if (r.bucket) p.set('bucket', r.bucket);
  if (r.aggregate) p.set('agg', r.aggregate);
  return p;
}

export function readSeries(api: Api, r: SeriesRequest): Promise<Outcome<Series[]>> {
  return attempt(async () => {
    const res = await api.read<unknown>(ROUTES.timeseries(seriesParams(r)));
    return { ...res, value: normaliseSeries(res.value) };
  });
}

export function readOee(api: Api, scope: string, from: Date, to: Date): Promise<Outcome<Oee | undefined>> {
  const p = new URLSearchParams({ scope, from: from.toISOString(), to: to.toISOString() });
  return attempt(async () => {
    const res = await api.read<unknown>(ROUTES.oee(p));
    return { ...res, value: normaliseOee(res.value, scope) };
  });
}

export function readAlerts(api: Api, filter: { twinId?: string; state?: string } = {}): Promise<Outcome<Alert[]>> {
  const p = new URLSearchParams();
  if (filter.twinId) p.set('twinId', filter.twinId);
  p.set('state', filter.state ?? 'active,acknowledged');
  return attempt(async () => {
    const res = await api.read<unknown>(ROUTES.alerts(p));
    return { ...res, value: normaliseAlerts(res.value) };
  });
}

export function readRisk(api: Api): Promise<Outcome<Risk[]>> {
  return attempt(async () => {
    const res = await api.read<unknown>(ROUTES.risk);
    return { ...res, value: normaliseRisk(res.value) };
  });
}

export function readStates(api: Api, twinIds: readonly string[], from: Date, to: Date): Promise<Outcome<Map<string, StatePoint[]>>> {
  return attempt(async () => {
    const res = await api.read<unknown>(ROUTES.timeseries(seriesParams({ twinIds, signals: ['state'], from, to })));
    return { ...res, value: normaliseStatePoints(res.value) };
  });
}
