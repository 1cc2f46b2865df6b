/**
 * Every API route the app calls, in one place. ADT's data plane (docs/twins.md) is mounted at the
 * root and needs `api-version`; the platform's own routes live under /api. Routes of contexts still
 * being built follow their documented shapes; a view whose route answers 404 shows "no data yet".
 */
export const ADT_API_VERSION = '2023-10-31';
const v = `api-version=${ADT_API_VERSION}`;
const enc = encodeURIComponent;

export const ROUTES = {
  token: '/api/auth/token',
  me: '/api/auth/me',
  openapi: '/api/openapi.json',
  // ADT data plane
  query: `/query?${v}`,
  models: `/models?includeModelDefinition=true&${v}`,
  twin: (id: string) => `/digitaltwins/${enc(id)}?${v}`,
  // Live twin changes as CloudEvents (ADT types) over SSE, filtered with the event-route syntax.
  twinEvents: (filter?: string) => `/api/events/stream${filter ? `?filter=${enc(filter)}` : ''}`,
  // Commands (DTDL Command → device direct method through the hub).
  command: (twinId: string, name: string) => `/api/twins/${enc(twinId)}/commands/${enc(name)}`,
  // History and analytics (docs/history.md)
  timeseries: (params: URLSearchParams) => `/api/timeseries/query?${params.toString()}`,
  timeseriesCsv: (params: URLSearchParams) => `/api/timeseries/export?${params.toString()}`,
  oee: (params: URLSearchParams) => `/api/analytics/oee?${params.toString()}`,
  kpis: (params: URLSearchParams) => `/api/analytics/kpis?${params.toString()}`,
  // Alerts
  alerts: (params: URLSearchParams) => `/api/alerts?${params.toString()}`,
  alertAck: (id: string) => `/api/alerts/${enc(id)}/acknowledge`,
  alertResolve: (id: string) => `/api/alerts/${enc(id)}/resolve`,
  alertEvents: '/api/alerts/stream',
  // Predictive maintenance
  risk: '/api/ml/risk',
  recommendations: '/api/ml/recommendations',
} as const;
