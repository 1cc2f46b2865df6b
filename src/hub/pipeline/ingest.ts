/**
 * The message pipeline every source feeds: decode → rate limit → route → build the durable work
 * (points, bus events) → group commit → acknowledge → derived work (twin updates, webhooks).
 * `ingest` resolves when the message is durable; that is when sources acknowledge it.
 */
import type { PublishItem, TelemetryReceived } from '../../bus/index.js';
import type { TimePoint } from '../../storage/index.js';
import { STORAGE_LIMITS } from '../../storage/index.js';
import { HubErrors } from '../errors.js';
import type { GroupCommitter } from './committer.js';
import type { RateLimiter } from './limits.js';
import { decodeMessage, flattenScalars, type DecodedMessage, type IncomingMessage, type Scalar } from './message.js';
import type { Router, Endpoint } from '../routing/router.js';
import type { RouteContext } from '../routing/evaluate.js';
import type { BindingSet } from '../twins/bindings.js';
import type { TwinSink } from '../twins/sink.js';
import type { Webhook } from '../sinks/webhook.js';
import type { HubMetrics } from '../metrics.js';
import type { DeviceRecord } from '../registry/device.js';
import { twinView } from '../registry/twin.js';

export interface IngestDeps {
  readonly committer: GroupCommitter;
  readonly router: Router;
  readonly bindings: BindingSet;
  readonly twins: TwinSink | undefined;
  readonly webhooks: ReadonlyMap<string, Webhook>;
  readonly limiter: RateLimiter;
  readonly metrics: HubMetrics;
  readonly hubName: string;
  /** Looks a device up when the source did not bring its record (external broker). */
  readonly findDevice: (deviceId: string) => Promise<DeviceRecord | undefined>;
  readonly touch: (deviceId: string, arrivalMs: number) => void;
  /** True when the committer writes whole messages to the history port (`CommitTargets.writeTelemetry`). */
  readonly historyPort?: boolean;
}

/** `devices/{deviceId}/{dotted.path}`: one series per device and numeric field. */
export function seriesName(deviceId: string, path: string): string {
  return `devices/${deviceId}/${path}`;
}

const SERIES_MAX = STORAGE_LIMITS.idBytes;

/** The routing view of one message; the twin view is built only if a query reads it. */
class MessageContext implements RouteContext {
  private twinCache: Record<string, unknown> | undefined;
  constructor(
    readonly body: unknown,
    readonly app: Readonly<Record<string, string>>,
    readonly system: Readonly<Record<string, string>>,
    private readonly device: DeviceRecord | undefined,
  ) {}
  twin(): Record<string, unknown> | undefined {
    if (!this.device) return undefined;
    return (this.twinCache ??= twinView(this.device) as Record<string, unknown>);
  }
}

const NO_EVENTS: readonly PublishItem[] = [];

export class Ingestor {
  private readonly accepted = new Map<string, { inc(): void }>();

  constructor(private readonly deps: IngestDeps) {}

  private countAccepted(source: string): void {
    let c = this.accepted.get(source);
    if (!c) this.accepted.set(source, (c = this.deps.metrics.accepted.labels(source)));
    c.inc();
  }

  async ingest(incoming: IncomingMessage): Promise<void> {
    const { deps } = this;
    // Refusals are thrown; the source counts and logs them (it knows the connection and the QoS).
    const m: DecodedMessage = decodeMessage(incoming);
    const wait = deps.limiter.take(m.deviceId, m.arrivalMs);
    if (wait < 0) {
      throw HubErrors.create('rate_limited', `device '${m.deviceId}' exceeds its rate limit`, { deviceId: m.deviceId });
    }
    if (wait > 0) {
      deps.metrics.throttled.inc();
      await new Promise((r) => setTimeout(r, wait));
    }

    const router = deps.router;
    const device = m.device ?? (router.usesTwin || deps.bindings.size > 0 ? await deps.findDevice(m.deviceId) : undefined);
    // The full system property set is built only when a route, enrichment or webhook can read it.
    const system: Readonly<Record<string, string>> =
      router.usesSystem || deps.webhooks.size > 0
        ? { ...m.system, 'iothub-connection-device-id': m.deviceId, 'iothub-enqueuedtime': new Date(m.arrivalMs).toISOString(), 'iothub-message-source': 'Telemetry', iothubname: deps.hubName }
        : m.system;
    const ctx = new MessageContext(m.json, m.app, system, device);
    const endpoints = router.route(ctx).endpoints;
    if (endpoints.size === 0) {
      // IoT Hub drops messages that match no route when the fallback is off; nothing to make durable.
      this.countAccepted(m.source);
      return;
    }

    const leaves = m.json === undefined ? [] : flattenScalars(m.json);
    const points: TimePoint[] = [];
    // With the platform's history port, the store endpoint hands over the whole message (text values
    // such as the machine state included) and history names the series; else numeric points here.
    const stored = endpoints.has('store') && deps.historyPort ? this.telemetry(m, device?.twinId, leaves, ctx, 'store') : undefined;
    if (endpoints.has('store') && !stored) {
      const time = new Date(m.sourceMs);
      const arrival = m.sourceMs === m.arrivalMs ? time : new Date(m.arrivalMs);
      for (let i = 0; i < leaves.length; i++) {
        const [path, v] = leaves[i]!;
        if (typeof v === 'string') continue;
        const series = seriesName(m.deviceId, path);
        // UTF-16 length × 3 bounds the UTF-8 size; count bytes only for names that might be too long.
        if (series.length * 3 > SERIES_MAX && Buffer.byteLength(series) > SERIES_MAX) continue;
        points.push({ series, time, arrival, value: typeof v === 'boolean' ? (v ? 1 : 0) : v });
      }
    }
    const twinId = device?.twinId;
    const events: readonly PublishItem[] = endpoints.has('bus') ? [{ name: 'telemetry.received', payload: this.telemetry(m, twinId, leaves, ctx, 'bus'), key: m.deviceId }] : NO_EVENTS;
    const summary = endpoints.has('events') ? this.telemetry(m, twinId, leaves, ctx, 'events') : undefined;

    // Computed before the commit (cheap, and it reads the message), applied after it.
    let bindingTwin: string | undefined;
    let binding: ReturnType<NonNullable<ReturnType<BindingSet['for']>>['evaluate']> | undefined;
    if (deps.twins && endpoints.has('twins')) {
      const b = deps.bindings.for(m.deviceId, device?.modelId);
      if (b) {
        bindingTwin = b.twinId(m.deviceId, twinId);
        binding = b.evaluate(ctx);
      }
    }

    const entry = stored ? { points, events, telemetry: stored } : { points, events };
    await deps.committer.submit(summary ? { ...entry, summary } : entry);
    this.countAccepted(m.source);
    deps.touch(m.deviceId, m.arrivalMs);

    if (binding) {
      deps.twins!.enqueue(bindingTwin!, binding.patch, m.sourceMs);
      if (binding.telemetry) deps.twins!.telemetry(bindingTwin!, binding.telemetry, m.sourceMs);
    }
    if (deps.webhooks.size > 0) {
      for (const e of endpoints) {
        if (!e.startsWith('webhook:')) continue;
        deps.webhooks.get(e.slice(8))?.enqueue({
          deviceId: m.deviceId,
          sourceTime: new Date(m.sourceMs).toISOString(),
          enqueuedTime: new Date(m.arrivalMs).toISOString(),
          systemProperties: m.system,
          properties: router.hasEnrichments ? { ...m.app, ...router.enrich(ctx, e) } : m.app,
          body: (m.json === undefined ? m.body.toString('base64') : m.json) as never,
          ...(m.json === undefined ? { bodyEncoding: 'base64' } : {}),
        });
      }
    }
  }

  private telemetry(m: DecodedMessage, twinId: string | undefined, leaves: ReadonlyArray<[string, Scalar]>, ctx: RouteContext, endpoint: Endpoint): TelemetryReceived {
    const router = this.deps.router;
    return {
      deviceId: m.deviceId,
      ...(twinId ? { twinId } : {}),
      sourceTime: new Date(m.sourceMs).toISOString(),
      arrivalTime: new Date(m.arrivalMs).toISOString(),
      values: valuesOf(leaves),
      properties: router.hasEnrichments ? { ...m.app, ...router.enrich(ctx, endpoint) } : m.app,
    };
  }
}

function valuesOf(leaves: ReadonlyArray<[string, Scalar]>): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const [k, v] of leaves) out[k] = v;
  return out;
}
