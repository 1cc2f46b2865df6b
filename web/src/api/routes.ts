/**
 * Every API route the app calls, in one place, as the contexts serve them (each context's api.ts):
 * ADT's data plane (src/adt) at the root with `api-version`; the platform's own routes under /api:
 * twins (src/twins/api) and their commands (src/platform/commands.ts), history (src/timeseries/api.ts),
 * OEE (src/analytics/api.ts), alerts (src/alerts/api.ts), predictive maintenance (src/ml/pdm/api.ts).
 * A route that answers 404 (its context not wired on this server) shows as "no data yet".
 */
export const ADT_API_VERSION = '2023-10-31';
const v = `api-version=${ADT_API_VERSION}`;
const enc = encodeURIComponent;
const qs = (p: URLSearchParams) => p.toString();

/** Twin and relationship changes only: telemetry CloudEvents would be most of the stream and the app has no use for them. */
export const TWIN_CHANGES_FILTER = "STARTS_WITH(type, 'Microsoft.DigitalTwins.')";

export const ROUTES = {
  token: '/api/auth/token',
  me: '/api/auth/me',
  openapi: '/api/openapi.json',
  // ADT data plane (src/adt)
  query: `/query?${v}`,
  models: `/models?includeModelDefinition=true&${v}`,
  twin: (id: string) => `/digitaltwins/${enc(id)}?${v}`,
  // Live twin changes as ADT CloudEvents over SSE, filtered with the event-route syntax (src/twins/api/routes-events.ts).
  twinEvents: (filter: string = TWIN_CHANGES_FILTER) => `/api/events/stream?filter=${enc(filter)}`,
  // A DTDL Command on a twin, run as a direct method on the device linked to it (src/platform/commands.ts):
  // body = the command's request payload; answer {twinId, deviceId, command, status, payload}.
  command: (twinId: string, name: string, timeoutSec = 15) => `/api/twins/${enc(twinId)}/commands/${enc(name)}?timeout=${timeoutSec}`,
  // History: raw points (JSON, or CSV with format=csv) and bucketed aggregates; twin=, signal= repeat.
  points: (p: URLSearchParams) => `/api/timeseries/points?${qs(p)}`,
  aggregate: (p: URLSearchParams) => `/api/timeseries/aggregate?${qs(p)}`,
  // OEE of a machine, line, area or site (twin=), or a roll-up (twins=); bucket= for a series.
  oee: (p: URLSearchParams) => `/api/analytics/oee?${qs(p)}`,
  // Alerts: state=active|acknowledged|resolved|open, twin=; acknowledge/resolve take {note?}.
  alerts: (p: URLSearchParams) => `/api/alerts?${qs(p)}`,
  alertAck: (id: string) => `/api/alerts/${enc(id)}/acknowledge`,
  alertResolve: (id: string) => `/api/alerts/${enc(id)}/resolve`,
  alertEvents: '/api/alerts/stream',
  // Predictive maintenance; texts in the app's language.
  risk: (lang: string) => `/api/ml/risk?lang=${enc(lang)}`,
  recommendations: (lang: string) => `/api/ml/recommendations?lang=${enc(lang)}`,
  // The model registry: the first promotion is when predictive maintenance started.
  mlModels: '/api/ml/models',
} as const;
