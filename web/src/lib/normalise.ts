/**
 * The shapes the views draw, read from the history, analytics, alerts and ML answers as those
 * contexts define them (src/timeseries/query/engine.ts, src/analytics/oee/*.ts, src/alerts/model.ts,
 * src/ml/pdm/api.ts). Pure, so the rules (which fields count, what is dropped) are tested without a
 * browser. An incomplete record is dropped or its figure left out, never filled in.
 */
import { normaliseSeverity, type Severity } from './state.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
const time = (v: unknown): number | undefined => {
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isFinite(t) ? t : undefined;
};

export interface SeriesPoint {
  readonly t: number;
  readonly v: number;
}
export interface Series {
  readonly twinId: string;
  readonly signal: string;
  readonly points: SeriesPoint[];
}

/**
 * A twin's telemetry and its property of the same name are separate series (`LINE-1-CNC/state` and
 * `LINE-1-CNC/property:state`, src/timeseries/catalogue.ts); a reading is what the machine sent, so
 * when both exist the telemetry wins.
 */
function preferTelemetry<T extends { series: string; twinId: string; signal: string }>(rows: T[]): T[] {
  const telemetry = new Set(rows.filter((r) => !r.series.includes('/property:')).map((r) => `${r.twinId}\u0000${r.signal}`));
  return rows.filter((r) => !r.series.includes('/property:') || !telemetry.has(`${r.twinId}\u0000${r.signal}`));
}

function seriesHeads(body: unknown, key: 'value' | 'series'): Array<{ series: string; twinId: string; signal: string; raw: Obj }> {
  return preferTelemetry(
    list(obj(body)[key])
      .map((s) => ({ series: str(s['series']) ?? '', twinId: str(s['twinId']) ?? str(s['deviceId']) ?? '', signal: str(s['signal']) ?? '', raw: s }))
      .filter((s) => s.twinId !== '' && s.signal !== ''),
  );
}

/** `GET /api/timeseries/points` → `{value:[{series, twinId, signal, kind, points:[{time, arrival, value}]}]}`; numbers only. */
export function normalisePoints(body: unknown): Series[] {
  return seriesHeads(body, 'value').map((s) => ({
    twinId: s.twinId,
    signal: s.signal,
    points: list(s.raw['points']).flatMap((p) => {
      const t = time(p['time']);
      const v = num(p['value']);
      return t === undefined || v === undefined ? [] : [{ t, v }];
    }),
  }));
}

/** `GET /api/timeseries/aggregate` → `{series:[{…, buckets:[{start, end, count, values:{avg:…}}]}]}`; a bucket with no value is a gap. */
export function normaliseAggregate(body: unknown, fn: string): Series[] {
  return seriesHeads(body, 'series').map((s) => ({
    twinId: s.twinId,
    signal: s.signal,
    points: list(s.raw['buckets']).flatMap((b) => {
      const t = time(b['start']);
      const v = num(obj(b['values'])[fn]);
      return t === undefined || v === undefined ? [] : [{ t, v }];
    }),
  }));
}

export interface StatePoint {
  readonly t: number;
  readonly state: string;
}

/** Raw points of the text `state` signal per twin, from `GET /api/timeseries/points`. */
export function normaliseStatePoints(body: unknown): Map<string, StatePoint[]> {
  const out = new Map<string, StatePoint[]>();
  for (const s of seriesHeads(body, 'value')) {
    const pts = list(s.raw['points'])
      .flatMap((p) => {
        const t = time(p['time']);
        const state = str(p['value']);
        return t === undefined || !state ? [] : [{ t, state }];
      })
      .sort((a, b) => a.t - b.t);
    out.set(s.twinId, [...(out.get(s.twinId) ?? []), ...pts].sort((a, b) => a.t - b.t));
  }
  return out;
}

export interface DowntimeReason {
  readonly state: string;
  readonly reason: string;
  readonly seconds: number;
  readonly occurrences: number;
}

export interface Oee {
  readonly id: string;
  readonly kind: string;
  readonly from: number;
  readonly to: number;
  /** Factors are absent when undefined (no planned time, no run time, no parts), never 0 in their place. */
  readonly availability?: number;
  readonly performance?: number;
  readonly quality?: number;
  readonly oee?: number;
  readonly plannedProductionSeconds: number;
  /** Ideal cycle time × good count: the fully productive time (OEE = productive ÷ planned). */
  readonly productiveSeconds?: number;
  readonly runSeconds: number;
  readonly downtimeSeconds: number;
  readonly goodCount: number;
  readonly rejectCount: number;
  readonly totalCount: number;
  readonly failures: number;
  readonly mtbfSeconds?: number;
  readonly mttrSeconds?: number;
  readonly energyKwh?: number;
  readonly energyPerGoodUnitKwh?: number;
  readonly downtimeByReason: DowntimeReason[];
  readonly bottleneck?: string;
}

/** One result of `GET /api/analytics/oee` (a machine's OeeResult or a line/roll-up's RollupResult). */
export function normaliseOee(body: unknown): Oee | undefined {
  const b = obj(body);
  const from = time(b['from']);
  const to = time(b['to']);
  const ppt = num(b['plannedProductionSec']);
  const run = num(b['runSec']);
  const down = num(b['downtimeSec']);
  const good = num(b['goodCount']);
  const total = num(b['totalCount']);
  if (from === undefined || to === undefined || ppt === undefined || run === undefined || down === undefined || good === undefined || total === undefined) return undefined;
  const out: { -readonly [K in keyof Oee]: Oee[K] } = {
    id: str(b['id']) ?? '',
    kind: str(b['kind']) ?? '',
    from,
    to,
    plannedProductionSeconds: ppt,
    runSeconds: run,
    downtimeSeconds: down,
    goodCount: good,
    totalCount: total,
    rejectCount: num(b['rejectCount']) ?? total - good,
    failures: num(b['failures']) ?? 0,
    downtimeByReason: list(b['downtimeByReason']).flatMap((d) => {
      const seconds = num(d['seconds']);
      const state = str(d['state']);
      return seconds === undefined || !state ? [] : [{ state, reason: str(d['reason']) ?? state, seconds, occurrences: num(d['occurrences']) ?? 0 }];
    }),
  };
  for (const [from_, to_] of [
    ['availability', 'availability'],
    ['performance', 'performance'],
    ['quality', 'quality'],
    ['oee', 'oee'],
    ['mtbfSec', 'mtbfSeconds'],
    ['mttrSec', 'mttrSeconds'],
    ['energyKwh', 'energyKwh'],
    ['energyPerGoodUnitKwh', 'energyPerGoodUnitKwh'],
    ['productiveSec', 'productiveSeconds'],
  ] as const) {
    const x = num(b[from_]);
    if (x !== undefined) out[to_] = x;
  }
  const bottleneck = str(b['bottleneck']);
  if (bottleneck) out.bottleneck = bottleneck;
  return out;
}

/** `GET /api/analytics/oee?bucket=…` → `{value:[result per bucket]}`. */
export function normaliseOeeSeries(body: unknown): Oee[] {
  return list(obj(body)['value']).flatMap((r) => normaliseOee(r) ?? []);
}

export interface Alert {
  readonly id: string;
  readonly twinId?: string;
  readonly severity: Severity;
  readonly state: 'active' | 'acknowledged' | 'resolved';
  readonly message: string;
  readonly ruleName?: string;
  readonly raisedAt: number;
  readonly acknowledgedBy?: string;
  readonly occurrences: number;
}

/** `GET /api/alerts` → `{value:[Alert], next?}`. */
export function normaliseAlerts(body: unknown): Alert[] {
  const out: Alert[] = [];
  for (const raw of list(obj(body)['value'])) {
    const severity = normaliseSeverity(raw['severity']);
    const id = str(raw['id']);
    const state = raw['state'];
    if (!severity || !id || (state !== 'active' && state !== 'acknowledged' && state !== 'resolved')) continue;
    const twinId = str(raw['twinId']);
    const ruleName = str(raw['ruleName']);
    const by = str(raw['acknowledgedBy']);
    out.push({
      id,
      ...(twinId ? { twinId } : {}),
      severity,
      state,
      message: str(raw['message']) ?? '',
      ...(ruleName ? { ruleName } : {}),
      raisedAt: time(raw['raisedAt']) ?? 0,
      ...(by ? { acknowledgedBy: by } : {}),
      occurrences: num(raw['occurrences']) ?? 1,
    });
  }
  return out;
}

export interface Risk {
  readonly twinId: string;
  /** 0..1, 1 = as new. */
  readonly health?: number;
  /** Within the model's 7-day horizon. */
  readonly failureProbability?: number;
  readonly rulHours?: number;
  /** The RUL is a lower bound (no failure in sight within what the model saw). */
  readonly rulCensored?: boolean;
  readonly mode?: string;
  readonly recommendation?: string;
  readonly explanation?: string[];
  /** A warning is standing since this time. */
  readonly warningSince?: number;
}

/** `GET /api/ml/risk` → `{value:[machine row], model}`; nulls mean "not predicted", so they are left out. */
export function normaliseRisk(body: unknown): Risk[] {
  return list(obj(body)['value'])
    .filter((r) => typeof r['twinId'] === 'string')
    .map((r) => {
      const out: Record<string, unknown> = { twinId: r['twinId'] };
      for (const k of ['health', 'failureProbability', 'rulHours']) if (num(r[k]) !== undefined) out[k] = r[k];
      if (typeof r['rulCensored'] === 'boolean') out['rulCensored'] = r['rulCensored'];
      for (const k of ['mode', 'recommendation']) if (typeof r[k] === 'string') out[k] = r[k];
      if (Array.isArray(r['explanation'])) out['explanation'] = (r['explanation'] as unknown[]).filter((e): e is string => typeof e === 'string');
      const since = time(obj(r['warning'])['since']);
      if (since !== undefined) out['warningSince'] = since;
      return out as unknown as Risk;
    });
}

export interface Recommendation {
  readonly twinId: string;
  readonly mode: string;
  readonly severity: Severity;
  readonly text: string;
  readonly explanation: string[];
  readonly dueBy: number;
  /** Probability that this mode fails within the horizon. */
  readonly confidence?: number;
}

/** `GET /api/ml/recommendations` → `{value:[{twinId, mode, severity, text, explanationText[], dueBy, confidence}]}`. */
export function normaliseRecommendations(body: unknown): Recommendation[] {
  return list(obj(body)['value']).flatMap((r) => {
    const twinId = str(r['twinId']);
    const text = str(r['text']);
    const dueBy = time(r['dueBy']);
    const severity = normaliseSeverity(r['severity']);
    if (!twinId || !text || dueBy === undefined || !severity) return [];
    const confidence = num(r['confidence']);
    return [{ twinId, mode: str(r['mode']) ?? '', severity, text, explanation: Array.isArray(r['explanationText']) ? (r['explanationText'] as unknown[]).filter((e): e is string => typeof e === 'string') : [], dueBy, ...(confidence !== undefined ? { confidence } : {}) }];
  });
}

/**
 * The prediction the scorer writes onto the machine's twin (models/Machine.json: healthIndex 0..100,
 * failureProbability7d, rulHours, predictedFailureMode, maintenanceRecommendation, predictionExplanation),
 * live through the twin-change stream; undefined when the twin carries none.
 */
export function riskFromTwin(twin: Readonly<Record<string, unknown>> | undefined): Risk | undefined {
  if (!twin || typeof twin['$dtId'] !== 'string') return undefined;
  const out: Record<string, unknown> = { twinId: twin['$dtId'] };
  const health = num(twin['healthIndex']);
  if (health !== undefined) out['health'] = health / 100;
  const p = num(twin['failureProbability7d']);
  if (p !== undefined) out['failureProbability'] = p;
  const rul = num(twin['rulHours']);
  if (rul !== undefined) out['rulHours'] = rul;
  const mode = str(twin['predictedFailureMode']);
  if (mode) out['mode'] = mode;
  const rec = str(twin['maintenanceRecommendation']);
  if (rec) out['recommendation'] = rec;
  const why = str(twin['predictionExplanation']);
  if (why) out['explanation'] = [why];
  return Object.keys(out).length > 1 ? (out as unknown as Risk) : undefined;
}

/** `GET /api/ml/models` → `{value:[ModelSummary]}`: the earliest promotion, when predictive maintenance went live. */
export function pdmStartFromModels(body: unknown): number | undefined {
  let first: number | undefined;
  for (const m of list(obj(body)['value'])) {
    const t = m['promoted'] === true || m['promotedAt'] !== undefined ? time(m['promotedAt']) : undefined;
    if (t !== undefined && (first === undefined || t < first)) first = t;
  }
  return first;
}
