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
}

/** `devices/{deviceId}/{dotted.path}`: one series per device and numeric field. */
export function seriesName(deviceId: string, path: string): string {
  return `devices/${deviceId}/${path}`;
}

const SERIES_MAX = STORAGE_LIMITS.idBytes;

export class Ingestor {
  constructor(private readonly deps: IngestDeps) {}

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

    const device = m.device ?? (deps.router.usesTwin || deps.bindings.size > 0 ? await deps.findDevice(m.deviceId) : undefined);
    const arrivalIso = new Date(m.arrivalMs).toISOString();
    // The full system property set is built only when a route, enrichment or webhook can read it.
    const system: Readonly<Record<string, string>> =
      deps.router.usesSystem || deps.webhooks.size > 0 ? { ...m.system, 'iothub-connection-device-id': m.deviceId, 'iothub-enqueuedtime': arrivalIso, 'iothub-message-source': 'Telemetry', iothubname: deps.hubName } : m.system;
    let twinCache: Record<string, unknown> | undefined;
    const ctx: RouteContext = {
      body: m.json,
      app: m.app,
      system,
      twin: () => (device ? (twinCache ??= twinView(device) as Record<string, unknown>) : undefined),
    };
    const decision = deps.router.route(ctx);
    const endpoints = decision.endpoints;
    if (endpoints.size === 0) {
      // IoT Hub drops messages that match no route when the fallback is off; nothing to make durable.
      deps.metrics.accepted.inc({ source: m.source });
      return;
    }

    const sourceIso = m.sourceMs === m.arrivalMs ? arrivalIso : new Date(m.sourceMs).toISOString();
    const leaves = m.json === undefined ? [] : flattenScalars(m.json);
    const points: TimePoint[] = [];
    if (endpoints.has('store')) {
      const time = new Date(m.sourceMs);
      const arrival = new Date(m.arrivalMs);
      for (const [path, v] of leaves) {
        if (typeof v === 'string') continue;
        const series = seriesName(m.deviceId, path);
        if (Buffer.byteLength(series) > SERIES_MAX) continue;
        points.push({ series, time, arrival, value: typeof v === 'boolean' ? (v ? 1 : 0) : v });
      }
    }
    const twinId = device?.twinId;
    const telemetry = (endpoint: Endpoint): TelemetryReceived => ({
      deviceId: m.deviceId,
      ...(twinId ? { twinId } : {}),
      sourceTime: sourceIso,
      arrivalTime: arrivalIso,
      values: valuesOf(leaves),
      properties: deps.router.hasEnrichments ? { ...m.app, ...deps.router.enrich(ctx, endpoint) } : m.app,
    });
    const events: PublishItem[] = endpoints.has('bus') ? [{ name: 'telemetry.received', payload: telemetry('bus'), key: m.deviceId }] : [];
    const summary = endpoints.has('events') ? telemetry('events') : undefined;

    // Computed before the commit (cheap, and it reads the message), applied after it.
    let binding: { twinId: string; patch: ReturnType<NonNullable<ReturnType<BindingSet['for']>>['evaluate']> } | undefined;
    if (endpoints.has('twins') && deps.twins) {
      const b = deps.bindings.for(m.deviceId, device?.modelId);
      if (b) binding = { twinId: b.twinId(m.deviceId, twinId), patch: b.evaluate(ctx) };
    }

    await deps.committer.submit({ points, events, ...(summary ? { summary } : {}) });
    deps.metrics.accepted.inc({ source: m.source });
    deps.touch(m.deviceId, m.arrivalMs);

    if (binding) {
      deps.twins!.enqueue(binding.twinId, binding.patch.patch, m.sourceMs);
      if (binding.patch.telemetry) deps.twins!.telemetry(binding.twinId, binding.patch.telemetry, m.sourceMs);
    }
    for (const e of endpoints) {
      if (!e.startsWith('webhook:')) continue;
      deps.webhooks.get(e.slice(8))?.enqueue({
        deviceId: m.deviceId,
        sourceTime: sourceIso,
        enqueuedTime: arrivalIso,
        systemProperties: m.system,
        properties: deps.router.hasEnrichments ? { ...m.app, ...deps.router.enrich(ctx, e) } : m.app,
        body: (m.json === undefined ? m.body.toString('base64') : m.json) as never,
        ...(m.json === undefined ? { bodyEncoding: 'base64' } : {}),
      });
    }
  }
}

function valuesOf(leaves: ReadonlyArray<[string, Scalar]>): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const [k, v] of leaves) out[k] = v;
  return out;
}
