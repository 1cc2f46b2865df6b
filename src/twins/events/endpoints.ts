/**
 * Event-route endpoints: where routed CloudEvents go. ADT's endpoints are Event Grid, Event Hubs and
 * Service Bus resources; the self-hosted equivalents here are
 * - `webhook`: HTTP POST in the CloudEvents HTTP binding's structured mode (CloudEvents HTTP
 *   Protocol Binding §3.2: `Content-Type: application/cloudevents+json`, the event as the body);
 *   any non-2xx answer is a failure and the bus redelivers;
 * - `nats`: the event as JSON on a core NATS subject (CloudEvents NATS binding, structured mode).
 * Endpoints come from configuration (read-only) or from `PUT /api/endpoints/{name}`.
 */
import { connect, type NatsConnection } from 'nats';
import { TwinsErrors } from '../errors.js';
import { isPlainObject } from '../models/values.js';
import type { CloudEvent } from './cloudevents.js';

export type EndpointSpec =
  | { readonly name: string; readonly kind: 'webhook'; readonly url: string; readonly headers?: Readonly<Record<string, string>> }
  | { readonly name: string; readonly kind: 'nats'; readonly url: string; readonly subject: string };

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const SUBJECT = /^[^\s*>]+$/;

/** Checks an endpoint definition as sent to the API (name from the path). */
export function parseEndpoint(name: string, body: unknown): EndpointSpec {
  const bad = (message: string) => TwinsErrors.create('endpoint_invalid', `Endpoint '${name}': ${message}`, { name });
  if (!NAME.test(name)) throw bad('the name must be 1-64 letters, digits, - or _, starting with a letter or digit');
  if (!isPlainObject(body)) throw bad('the body must be a JSON object');
  const { kind, url } = body;
  if (typeof url !== 'string') throw bad("'url' is required");
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw bad(`'${url}' is not a URL`);
  }
  if (kind === 'webhook') {
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw bad('a webhook URL must be http: or https:');
    const headers = body['headers'];
    if (headers !== undefined && (!isPlainObject(headers) || !Object.values(headers).every((v) => typeof v === 'string'))) throw bad("'headers' must map names to strings");
    return { name, kind, url, ...(headers ? { headers: headers as Record<string, string> } : {}) };
  }
  if (kind === 'nats') {
    if (parsed.protocol !== 'nats:' && parsed.protocol !== 'tls:') throw bad('a NATS URL must be nats:// or tls://');
    const subject = body['subject'];
    if (typeof subject !== 'string' || !SUBJECT.test(subject)) throw bad("'subject' must be a NATS subject without wildcards");
    return { name, kind, url, subject };
  }
  throw bad("'kind' must be 'webhook' or 'nats'");
}

export interface Deliverer {
  deliver(endpoint: EndpointSpec, event: CloudEvent): Promise<void>;
  close(): Promise<void>;
}

const TIMEOUT_MS = 10_000;

export function createDeliverer(): Deliverer {
  const connections = new Map<string, Promise<NatsConnection>>();
  return {
    async deliver(endpoint, event) {
      const body = JSON.stringify(event);
      if (endpoint.kind === 'webhook') {
        const res = await fetch(endpoint.url, {
          method: 'POST',
          headers: { ...endpoint.headers, 'content-type': 'application/cloudevents+json; charset=utf-8' },
          body,
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.status < 200 || res.status > 299) throw new Error(`webhook ${endpoint.name} answered ${res.status}`);
        return;
      }
      let nc = connections.get(endpoint.url);
      if (!nc) {
        nc = connect({ servers: endpoint.url, name: 'twinworks-event-routes' });
        connections.set(endpoint.url, nc);
        nc.catch(() => connections.delete(endpoint.url));
      }
      const conn = await nc;
      conn.publish(endpoint.subject, new TextEncoder().encode(body));
      // Flushing makes a lost connection a delivery failure (retried) instead of a silent drop.
      await conn.flush();
    },
    async close() {
      const all = [...connections.values()];
      connections.clear();
      await Promise.all(all.map(async (p) => (await p.catch(() => undefined))?.drain().catch(() => undefined)));
    },
  };
}
