/**
 * Where alert events go besides the store: the bus (`alert.raised`, `alert.changed`), webhooks,
 * browsers (server-sent events), and the twin (`activeAlerts`).
 */
import { createHmac } from 'node:crypto';
import type { EventBus } from '../bus/index.js';
import type { TwinWriter } from '../timeseries/index.js';
import type { Alert, AlertEvent, AlertSink } from './model.js';
import { SEVERITIES, type Severity } from './rules/ast.js';

export function busSink(bus: EventBus): AlertSink {
  return {
    name: 'bus',
    async deliver(e) {
      const a = e.alert;
      const common = { alertId: a.id, ruleId: a.ruleId, subject: a.subject, ...(a.twinId !== undefined ? { twinId: a.twinId } : {}), severity: a.severity };
      if (e.kind === 'raised') {
        await bus.publish('alert.raised', { ...common, message: a.message, ...(a.signal !== undefined ? { signal: a.signal } : {}), ...(a.value !== undefined ? { value: a.value } : {}), time: a.raisedAt }, { key: a.subject });
      } else {
        const time = a.history.at(-1)?.at ?? new Date().toISOString();
        await bus.publish('alert.changed', { ...common, state: a.state, change: e.change, ...(e.by !== undefined ? { by: e.by } : {}), ...(e.note !== undefined ? { note: e.note } : {}), time }, { key: a.subject });
      }
    },
  };
}

export interface WebhookConfig {
  readonly url: string;
  /** HMAC-SHA256 of the body with this secret goes in `X-Twinworks-Signature: sha256=<hex>`. */
  readonly secret?: string;
  /** Only alerts at or above this severity; default info (all). */
  readonly minSeverity?: Severity;
}

export interface WebhookOptions {
  readonly attempts?: number;
  readonly timeoutMs?: number;
  readonly backoffMs?: number;
  readonly onFailure?: (url: string, err: unknown) => void;
}

/**
 * POSTs `{ "event": "alert.raised" | "alert.changed", "change"?, "alert": {…} }` to each hook, with
 * retries and a timeout. Delivery runs in the background (a slow receiver never holds up the alert
 * pipeline); at most 1000 deliveries wait, older ones beyond that are dropped and reported.
 */
export function webhookSink(hooks: readonly WebhookConfig[], options: WebhookOptions = {}): AlertSink & { idle(): Promise<void> } {
  const attempts = options.attempts ?? 3;
  const timeoutMs = options.timeoutMs ?? 5000;
  const backoffMs = options.backoffMs ?? 1000;
  const inFlight = new Set<Promise<void>>();
  async function send(hook: WebhookConfig, body: string): Promise<void> {
    let last: unknown;
    for (let i = 1; i <= attempts; i++) {
      try {
        const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'twinworks-alerts' };
        if (hook.secret) headers['x-twinworks-signature'] = `sha256=${createHmac('sha256', hook.secret).update(body).digest('hex')}`;
        const res = await fetch(hook.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return;
        last = new Error(`HTTP ${res.status}`);
        if (res.status >= 400 && res.status < 500 && res.status !== 429) break; // the receiver refuses: retrying will not help
      } catch (err) {
        last = err;
      }
      if (i < attempts) await new Promise((r) => setTimeout(r, backoffMs * 2 ** (i - 1)));
    }
    options.onFailure?.(hook.url, last);
  }
  return {
    name: 'webhooks',
    deliver(e: AlertEvent) {
      const body = JSON.stringify({ event: e.kind === 'raised' ? 'alert.raised' : 'alert.changed', ...(e.kind === 'changed' ? { change: e.change } : {}), alert: e.alert });
      for (const hook of hooks) {
        if (SEVERITIES.indexOf(e.alert.severity) < SEVERITIES.indexOf(hook.minSeverity ?? 'info')) continue;
        if (inFlight.size >= 1000) {
          options.onFailure?.(hook.url, new Error('webhook queue full; delivery dropped'));
          continue;
        }
        const p = send(hook, body).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

/** Keeps `activeAlerts` (the number of open alerts) up to date on each twin. */
export function twinSink(writer: TwinWriter, openAlerts: () => readonly Alert[], onError?: (err: unknown) => void): AlertSink {
  return {
    name: 'twin',
    async deliver(e) {
      const twinId = e.alert.twinId;
      if (twinId === undefined) return;
      const n = openAlerts().filter((a) => a.twinId === twinId).length;
      try {
        await writer.patch(twinId, [{ op: 'add', path: '/activeAlerts', value: n }]);
      } catch (err) {
        onError?.(err);
      }
    },
  };
}

/** Fan-out to connected browsers (GET /api/alerts/stream); each listener gets every event. */
export class AlertStream implements AlertSink {
  readonly name = 'stream';
  private readonly listeners = new Set<(e: AlertEvent) => void>();

  subscribe(listener: (e: AlertEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }

  deliver(e: AlertEvent): void {
    for (const l of this.listeners) l(e);
  }
}
