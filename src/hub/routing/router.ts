/**
 * Message routing as IoT Hub does it ("Use IoT Hub message routing"): a message goes to the
 * endpoints of every enabled route whose query matches, each endpoint once; a message that
 * matches no route goes to the fallback route's endpoints (when enabled), otherwise nowhere.
 * Enrichments add application properties for the endpoints they name (all endpoints by default);
 * their values are static strings or expressions such as `$twin.tags.plant` / `$iothubname`.
 *
 * Endpoints: `store` (telemetry points), `twins` (bindings → twin updates), `events` (the batched
 * `telemetry.batch` bus event), `bus` (one `telemetry.received` event per message),
 * `webhook:<name>`.
 */
import { HubErrors } from '../errors.js';
import type { HubConfig } from '../config.js';
import { compile, type Compiled, type RouteContext } from './evaluate.js';
import { parseRouteQuery } from './parser.js';

export type Endpoint = 'store' | 'twins' | 'events' | 'bus' | `webhook:${string}`;

interface CompiledRoute {
  readonly name: string;
  readonly query: Compiled;
  readonly always: boolean;
  readonly endpoints: readonly Endpoint[];
}

interface CompiledEnrichment {
  readonly key: string;
  readonly value: Compiled | string;
  readonly endpoints?: ReadonlySet<Endpoint>;
}

export interface RoutingDecision {
  readonly endpoints: ReadonlySet<Endpoint>;
  /** Names of the routes that matched ('$fallback' for the fallback route). */
  readonly routes: readonly string[];
}

function checkEndpoint(e: string, webhooks: ReadonlySet<string>, where: string): Endpoint {
  if (e === 'store' || e === 'twins' || e === 'events' || e === 'bus') return e;
  if (e.startsWith('webhook:') && webhooks.has(e.slice(8))) return e as Endpoint;
  throw HubErrors.create('invalid_config', `${where}: unknown endpoint '${e}'`, { endpoint: e, allowed: ['store', 'twins', 'events', 'bus', ...[...webhooks].map((w) => `webhook:${w}`)] });
}

function compileQuery(text: string, where: string): Compiled {
  try {
    return compile(parseRouteQuery(text));
  } catch (err) {
    if (HubErrors.is(err, 'invalid_route_query')) throw HubErrors.create('invalid_route_query', `${where}: ${err.message}`, { ...err.details, where });
    throw err;
  }
}

export class Router {
  private readonly routes: CompiledRoute[];
  private readonly fallback: readonly Endpoint[];
  private readonly enrichments: CompiledEnrichment[];
  readonly hasEnrichments: boolean;
  /** True when no route reads the twin (so the hot path never builds twin views). */
  readonly usesTwin: boolean;
  /** True when a route or enrichment reads a system property (`$contentType`, `$connectionDeviceId`…). */
  readonly usesSystem: boolean;
  private readonly fallbackDecision: RoutingDecision;

  constructor(config: Pick<HubConfig, 'routes' | 'fallback' | 'enrichments' | 'webhooks'>) {
    const webhooks = new Set(Object.keys(config.webhooks));
    const names = new Set<string>();
    this.routes = config.routes
      .filter((r) => r.enabled)
      .map((r) => {
        if (names.has(r.name)) throw HubErrors.create('invalid_config', `two routes are named '${r.name}'`, { route: r.name });
        names.add(r.name);
        const always = r.condition.trim().toLowerCase() === 'true';
        return { name: r.name, query: compileQuery(r.condition, `route '${r.name}'`), always, endpoints: r.endpoints.map((e) => checkEndpoint(e, webhooks, `route '${r.name}'`)) };
      });
    this.fallback = config.fallback.enabled ? config.fallback.endpoints.map((e) => checkEndpoint(e, webhooks, 'fallback route')) : [];
    this.enrichments = config.enrichments.map((e) => ({
      key: e.key,
      value: e.value.startsWith('$') ? compileQuery(e.value, `enrichment '${e.key}'`) : e.value,
      ...(e.endpoints ? { endpoints: new Set(e.endpoints.map((x) => checkEndpoint(x, webhooks, `enrichment '${e.key}'`))) } : {}),
    }));
    this.hasEnrichments = this.enrichments.length > 0;
    const texts = [...config.routes.map((r) => r.condition), ...config.enrichments.map((e) => e.value)];
    this.usesTwin = texts.some((t) => t.includes('$twin'));
    this.usesSystem = texts.some((t) => /\$(?!body\b|twin\b)[A-Za-z]/i.test(t));
    this.fallbackDecision = { endpoints: new Set(this.fallback), routes: this.fallback.length > 0 ? ['$fallback'] : [] };
  }

  route(ctx: RouteContext): RoutingDecision {
    let endpoints: Set<Endpoint> | undefined;
    const matched: string[] = [];
    for (const r of this.routes) {
      if (r.always || r.query(ctx) === true) {
        matched.push(r.name);
        endpoints ??= new Set();
        for (const e of r.endpoints) endpoints.add(e);
      }
    }
    if (endpoints) return { endpoints, routes: matched };
    return this.fallbackDecision; // shared and never mutated
  }

  /** The enrichment properties for one endpoint (values that evaluate to nothing are left out). */
  enrich(ctx: RouteContext, endpoint: Endpoint): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.enrichments) {
      if (e.endpoints && !e.endpoints.has(endpoint)) continue;
      const v = typeof e.value === 'string' ? e.value : e.value(ctx);
      if (v === undefined || v === null) continue;
      out[e.key] = typeof v === 'object' ? JSON.stringify(v) : String(v);
    }
    return out;
  }
}
