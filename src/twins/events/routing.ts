/**
 * Event routes (ADT REST "EventRoutes": id, endpointName, filter) and their delivery. Each route has
 * its own durable bus consumer, so a slow or failing endpoint holds back only its own events and
 * events published while the platform was down are still delivered (with the NATS bus). Deliveries
 * are at least once: a failure is retried by the bus with backoff and finally dead-lettered.
 *
 * Routes and API-defined endpoints are stored in the `settings` collection under `twins.eventroute/`
 * and `twins.endpoint/` (there is no dedicated collection; see docs/twins.md).
 */
import { createHash } from 'node:crypto';
import type { EventBus, Subscription } from '../../bus/index.js';
import type { Logger } from '../../observability/index.js';
import type { StorageAdapter } from '../../storage/index.js';
import { TwinsErrors } from '../errors.js';
import { checkId } from '../graph/ids.js';
import { isPlainObject } from '../models/values.js';
import { toCloudEvent } from './cloudevents.js';
import { createDeliverer, parseEndpoint, type Deliverer, type EndpointSpec } from './endpoints.js';
import type { FilterExpr } from './filter/ast.js';
import { matches } from './filter/evaluate.js';
import { parseFilter } from './filter/parser.js';

export interface EventRoute {
  readonly id: string;
  readonly endpointName: string;
  readonly filter: string;
}

interface StoredRoute extends EventRoute {
  /** Names the durable consumer; new per creation, so a re-created route does not inherit a backlog. */
  readonly consumer: string;
}

interface LiveRoute {
  route: StoredRoute;
  expr: FilterExpr;
  subscription: Subscription | undefined;
}

export interface EventRoutingOptions {
  readonly store: StorageAdapter;
  readonly bus: EventBus;
  readonly logger?: Logger | undefined;
  /** CloudEvents `source`: the instance's host name. */
  readonly source: string;
  /** Endpoints from configuration; they cannot be changed through the API. */
  readonly endpoints?: readonly EndpointSpec[];
  readonly deliverer?: Deliverer;
  /** Bus redelivery settings for route consumers (tests shorten them). */
  readonly backoffMs?: readonly number[];
  readonly maxDeliver?: number;
}

const ROUTE_PREFIX = 'twins.eventroute/';
const ENDPOINT_PREFIX = 'twins.endpoint/';

export class EventRouting {
  private readonly routes = new Map<string, LiveRoute>();
  private readonly endpoints = new Map<string, { spec: EndpointSpec; configured: boolean }>();
  private readonly deliverer: Deliverer;
  private queue: Promise<unknown> = Promise.resolve();
  readonly stats = { delivered: 0, failed: 0 };

  constructor(private readonly options: EventRoutingOptions) {
    this.deliverer = options.deliverer ?? createDeliverer();
    for (const e of options.endpoints ?? []) this.endpoints.set(e.name, { spec: e, configured: true });
  }

  async start(): Promise<void> {
    for (const doc of await this.options.store.list('settings', { prefix: ENDPOINT_PREFIX, limit: 10_000 })) {
      const spec = doc.body as EndpointSpec;
      if (!this.endpoints.get(spec.name)?.configured) this.endpoints.set(spec.name, { spec, configured: false });
    }
    for (const doc of await this.options.store.list('settings', { prefix: ROUTE_PREFIX, limit: 10_000 })) {
      const route = doc.body as StoredRoute;
      const live: LiveRoute = { route, expr: parseFilter(route.filter), subscription: undefined };
      this.routes.set(route.id, live);
      await this.subscribe(live);
    }
  }

  async stop(): Promise<void> {
    await this.queue.catch(() => undefined);
    await Promise.all([...this.routes.values()].map((r) => r.subscription?.close()));
    await this.deliverer.close();
  }

  // ---- routes ------------------------------------------------------------------------------------

  listRoutes(): EventRoute[] {
    return [...this.routes.values()].map((r) => publicRoute(r.route)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  getRoute(id: string): EventRoute {
    const r = this.routes.get(id);
    if (!r) throw TwinsErrors.create('event_route_not_found', `There is no event route '${id}'`, { id });
    return publicRoute(r.route);
  }

  /** Creates or replaces a route (ADT: PUT /eventroutes/{id}). */
  async putRoute(id: string, body: unknown): Promise<EventRoute> {
    checkId('event route', id);
    if (!isPlainObject(body)) throw TwinsErrors.create('invalid_argument', 'An event route needs a JSON body with endpointName and filter');
    const { endpointName, filter } = body;
    if (typeof endpointName !== 'string' || !this.endpoints.has(endpointName)) {
      throw TwinsErrors.create('endpoint_not_found', `There is no endpoint '${String(endpointName)}' (endpoints: ${[...this.endpoints.keys()].join(', ') || 'none'})`, { endpointName });
    }
    if (typeof filter !== 'string') throw TwinsErrors.create('event_route_filter_invalid', 'An event route needs a filter (use "true" to route everything)');
    const expr = parseFilter(filter);
    return this.serial(async () => {
      const existing = this.routes.get(id);
      const route: StoredRoute = { id, endpointName, filter, consumer: existing?.route.consumer ?? consumerName(id) };
      await this.options.store.write([{ op: 'put', collection: 'settings', id: ROUTE_PREFIX + id, body: route }]);
      if (existing) {
        existing.route = route;
        existing.expr = expr;
      } else {
        const live: LiveRoute = { route, expr, subscription: undefined };
        this.routes.set(id, live);
        await this.subscribe(live);
      }
      return publicRoute(route);
    });
  }

  deleteRoute(id: string): Promise<void> {
    return this.serial(async () => {
      const live = this.routes.get(id);
      if (!live) throw TwinsErrors.create('event_route_not_found', `There is no event route '${id}'`, { id });
      await this.options.store.write([{ op: 'delete', collection: 'settings', id: ROUTE_PREFIX + id }]);
      this.routes.delete(id);
      await live.subscription?.close();
    });
  }

  // ---- endpoints ---------------------------------------------------------------------------------

  listEndpoints(): Array<EndpointSpec & { configured: boolean }> {
    return [...this.endpoints.values()].map((e) => ({ ...e.spec, configured: e.configured })).sort((a, b) => a.name.localeCompare(b.name));
  }

  async putEndpoint(name: string, body: unknown): Promise<EndpointSpec> {
    const spec = parseEndpoint(name, body);
    if (this.endpoints.get(name)?.configured) throw TwinsErrors.create('endpoint_invalid', `Endpoint '${name}' comes from the configuration and cannot be changed here`, { name });
    return this.serial(async () => {
      await this.options.store.write([{ op: 'put', collection: 'settings', id: ENDPOINT_PREFIX + name, body: spec }]);
      this.endpoints.set(name, { spec, configured: false });
      return spec;
    });
  }

  deleteEndpoint(name: string): Promise<void> {
    return this.serial(async () => {
      const e = this.endpoints.get(name);
      if (!e) throw TwinsErrors.create('endpoint_not_found', `There is no endpoint '${name}'`, { name });
      if (e.configured) throw TwinsErrors.create('endpoint_invalid', `Endpoint '${name}' comes from the configuration and cannot be deleted here`, { name });
      const users = [...this.routes.values()].filter((r) => r.route.endpointName === name).map((r) => r.route.id);
      if (users.length > 0) throw TwinsErrors.create('endpoint_in_use', `Endpoint '${name}' is used by event route(s) ${users.join(', ')}`, { name, routes: users });
      await this.options.store.write([{ op: 'delete', collection: 'settings', id: ENDPOINT_PREFIX + name }]);
      this.endpoints.delete(name);
    });
  }

  // ---- delivery ------------------------------------------------------------------------------------

  private async subscribe(live: LiveRoute): Promise<void> {
    live.subscription = await this.options.bus.subscribe('>', async (event) => {
      const current = this.routes.get(live.route.id);
      if (current !== live) return; // deleted meanwhile
      const cloud = toCloudEvent(event, this.options.source);
      if (!cloud || !matches(live.expr, cloud as unknown as Record<string, unknown>)) return;
      const endpoint = this.endpoints.get(live.route.endpointName)?.spec;
      if (!endpoint) return;
      try {
        await this.deliverer.deliver(endpoint, cloud);
        this.stats.delivered++;
      } catch (err) {
        this.stats.failed++;
        this.options.logger?.warn({ err, route: live.route.id, endpoint: endpoint.name, deliveryCount: event.deliveryCount }, 'event route delivery failed; the bus retries');
        throw err;
      }
    }, {
      durable: live.route.consumer,
      deliver: 'new',
      ...(this.options.backoffMs ? { backoffMs: this.options.backoffMs } : {}),
      ...(this.options.maxDeliver ? { maxDeliver: this.options.maxDeliver } : {}),
    });
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function publicRoute(r: StoredRoute): EventRoute {
  return { id: r.id, endpointName: r.endpointName, filter: r.filter };
}

/** Durable consumer names are [A-Za-z0-9_-]{1,64}: a hash of the id plus the creation time. */
function consumerName(id: string): string {
  return `twins-route-${createHash('sha256').update(id).digest('hex').slice(0, 16)}-${Date.now().toString(36)}`;
}
