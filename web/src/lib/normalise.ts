/**
 * The shapes the views draw, normalised from the history, analytics, alerts and ML APIs. Pure, so
 * the rules (which fields count, what is dropped) are tested without a browser.
 */
import { normaliseSeverity, type Severity } from './state.js';

export interface SeriesPoint {
  readonly t: number;
  readonly v: number;
}
export interface Series {
  readonly twinId: string;
  readonly signal: string;
  readonly points: SeriesPoint[];
}

/** Points come as `{t|time|timestamp, v|value|avg}`; series as `{series:[…]}` or `{value:[…]}`. */
export function normaliseSeries(body: unknown): Series[] {
  const b = body as { series?: unknown[]; value?: unknown[] } | unknown[];
  const list = Array.isArray(b) ? b : (b.series ?? b.value ?? []);
  return (list as Array<Record<string, unknown>>).map((s) => ({
    twinId: String(s['twinId'] ?? s['twin'] ?? ''),
    signal: String(s['signal'] ?? s['name'] ?? ''),
    points: ((s['points'] ?? s['values'] ?? []) as Array<Record<string, unknown>>)
      .map((p) => ({ t: Date.parse(String(p['t'] ?? p['time'] ?? p['timestamp'] ?? p['bucket'])), v: Number(p['v'] ?? p['value'] ?? p['avg']) }))
      .filter((p) => Number.isFinite(p.t) && Number.isFinite(p.v)),
  }));
}

export interface Oee {
  readonly scope: string;
  readonly availability: number;
  readonly performance: number;
  readonly quality: number;
  readonly oee: number;
  readonly goodCount?: number;
  readonly totalCount?: number;
  readonly downtimeSeconds?: number;
  readonly energyKwh?: number;
  readonly downtimeByReason?: Record<string, number>;
  readonly bottleneck?: string;
  readonly machines?: Oee[];
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function normaliseOee(body: unknown, scope: string): Oee | undefined {
  const b = body as Record<string, unknown>;
  const a = num(b['availability']);
  const p = num(b['performance']);
  const q = num(b['quality']);
  const o = num(b['oee']);
  if (a === undefined || p === undefined || q === undefined || o === undefined) return undefined;
  const out: Record<string, unknown> = { scope: String(b['scope'] ?? b['twinId'] ?? scope), availability: a, performance: p, quality: q, oee: o };
  for (const k of ['goodCount', 'totalCount', 'downtimeSeconds', 'energyKwh']) if (num(b[k]) !== undefined) out[k] = b[k];
  if (b['downtimeByReason'] && typeof b['downtimeByReason'] === 'object') out['downtimeByReason'] = b['downtimeByReason'];
  if (typeof b['bottleneck'] === 'string') out['bottleneck'] = b['bottleneck'];
  if (Array.isArray(b['machines'])) out['machines'] = (b['machines'] as unknown[]).map((m) => normaliseOee(m, '')).filter(Boolean);
  return out as unknown as Oee;
}

export interface Alert {
  readonly id: string;
  readonly twinId?: string;
  readonly severity: Severity;
  readonly state: 'active' | 'acknowledged' | 'resolved';
  readonly message: string;
  readonly raisedAt: number;
}

export function normaliseAlerts(body: unknown): Alert[] {
  const b = body as { value?: unknown[]; alerts?: unknown[] } | unknown[];
  const list = Array.isArray(b) ? b : (b.value ?? b.alerts ?? []);
  const out: Alert[] = [];
  for (const raw of list as Array<Record<string, unknown>>) {
    const severity = normaliseSeverity(raw['severity']);
    const id = raw['alertId'] ?? raw['id'];
    if (!severity || typeof id !== 'string') continue;
    const state = raw['state'] === 'acknowledged' || raw['state'] === 'resolved' ? raw['state'] : 'active';
    out.push({
      id,
      ...(typeof raw['twinId'] === 'string' ? { twinId: raw['twinId'] } : {}),
      severity,
      state,
      message: String(raw['message'] ?? ''),
      raisedAt: Date.parse(String(raw['raisedAt'] ?? raw['time'] ?? '')) || 0,
    });
  }
  return out;
}

export interface Risk {
  readonly twinId: string;
  readonly health?: number;
  readonly failureProbability?: number;
  readonly rulHours?: number;
  readonly mode?: string;
  readonly recommendation?: string;
  readonly explanation?: string[];
}

export function normaliseRisk(body: unknown): Risk[] {
  const b = body as { value?: unknown[] } | unknown[];
  const list = Array.isArray(b) ? b : (b.value ?? []);
  return (list as Array<Record<string, unknown>>)
    .filter((r) => typeof r['twinId'] === 'string')
    .map((r) => {
      const out: Record<string, unknown> = { twinId: r['twinId'] };
      for (const k of ['health', 'failureProbability', 'rulHours']) if (num(r[k]) !== undefined) out[k] = r[k];
      for (const k of ['mode', 'recommendation']) if (typeof r[k] === 'string') out[k] = r[k];
      if (Array.isArray(r['explanation'])) out['explanation'] = (r['explanation'] as unknown[]).map(String);
      return out as unknown as Risk;
    });
}

export interface StatePoint {
  readonly t: number;
  readonly state: string;
}

/** Raw points of a text signal (the machine state) per twin: `{series:[{twinId, points:[{t, v}]}]}`. */
export function normaliseStatePoints(body: unknown): Map<string, StatePoint[]> {
  const b = body as { series?: unknown[]; value?: unknown[] } | unknown[];
  const list = (Array.isArray(b) ? b : (b.series ?? b.value ?? [])) as Array<Record<string, unknown>>;
  const out = new Map<string, StatePoint[]>();
  for (const s of list) {
    const id = String(s['twinId'] ?? s['twin'] ?? '');
    const pts = ((s['points'] ?? s['values'] ?? []) as Array<Record<string, unknown>>)
      .map((p) => ({ t: Date.parse(String(p['t'] ?? p['time'] ?? p['timestamp'])), state: String(p['v'] ?? p['value'] ?? '') }))
      .filter((p) => Number.isFinite(p.t) && p.state !== '')
      .sort((a, c) => a.t - c.t);
    out.set(id, [...(out.get(id) ?? []), ...pts]);
  }
  return out;
}

