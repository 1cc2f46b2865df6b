/**
 * The message pipeline every source feeds: decode → rate limit → route → build the durable work
 * (points, bus events) → group commit → acknowledge → derived work (twin updates, webhooks).
 * `ingest` resolves (and `accept` calls back) when the message is durable; that is when sources
 * acknowledge it.
 */
import type { PublishItem, TelemetryReceived } from '../../bus/index.js';
import type { TimePoint } from '../../storage/index.js';
import { STORAGE_LIMITS } from '../../storage/index.js';
import { HubErrors } from '../errors.js';
import type { CommitCallback, CommitEntry, GroupCommitter } from './committer.js';
import type { RateLimiter } from './limits.js';
import { decodeMessage, flattenScalars, type DecodedMessage, type IncomingMessage, type Scalar } from './message.js';
import type { Router, Endpoint } from '../routing/router.js';
import type { RouteContext } from '../routing/evaluate.js';
import type { Binding, BindingSet } from '../twins/bindings.js';
import type { TwinSink } from '../twins/sink.js';
import type { Webhook } from '../sinks/webhook.js';
import { perTurn, type HubMetrics } from '../metrics.js';
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
const MAX_SERIES_PER_DEVICE = 1000;
const MAX_CACHED_DEVICES = 100_000;

/**
 * A template literal makes a rope (cons string); the store turns every series name into UTF-8,
 * which flattens the rope each time. A cached name is flattened once (reading a character does it).
 */
function flat(s: string): string {
  void s.charCodeAt(0);
  return s;
}

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

/** A message on its way through the commit: what the work after the commit needs. */
interface Job {
  readonly m: DecodedMessage;
  readonly endpoints: ReadonlySet<Endpoint>;
  readonly ctx: MessageContext;
  readonly entry: CommitEntry;
  readonly bindingTwin: string | undefined;
  readonly binding: ReturnType<Binding['evaluate']> | undefined;
}

export class Ingestor {
  private readonly accepted = new Map<string, { inc(): void }>();
  /** Series names by device and field path, built once (they are the same for every message of a device). */
  private readonly series = new Map<string, Map<string, string | null>>();

  constructor(private readonly deps: IngestDeps) {}

  private countAccepted(source: string): void {
    let c = this.accepted.get(source);
    if (!c) this.accepted.set(source, (c = perTurn(this.deps.metrics.accepted.labels(source))));
    c.inc();
  }

  /** Resolves when the message is durable; rejects with the refusal (the source counts and logs it). */
  ingest(incoming: IncomingMessage): Promise<void> {
    return new Promise<void>((resolve, reject) => this.accept(incoming, (err) => (err ? reject(err) : resolve())));
  }

  /**
   * The callback form of `ingest`, for the embedded broker's hot path (no promise per message).
   * `done` is called exactly once and never synchronously: without an argument once the message is
   * durable (acknowledge it then), or with the refusal (hub.malformed_message, hub.rate_limited,
   * hub.store_failed, hub.overloaded, …).
   */
  accept(incoming: IncomingMessage, done: CommitCallback): void {
    const { deps } = this;
    let m: DecodedMessage;
    try {
      m = decodeMessage(incoming);
    } catch (err) {
      process.nextTick(done, err as Error);
      return;
    }
    const wait = deps.limiter.take(m.deviceId, m.arrivalMs);
    if (wait < 0) {
      process.nextTick(done, HubErrors.create('rate_limited', `device '${m.deviceId}' exceeds its rate limit`, { deviceId: m.deviceId }));
      return;
    }
    if (wait > 0) {
      deps.metrics.throttled.inc();
      setTimeout(() => this.withDevice(m, done), wait);
      return;
    }
    this.withDevice(m, done);
  }

  private withDevice(m: DecodedMessage, done: CommitCallback): void {
    const deps = this.deps;
    if (m.device || !(deps.router.usesTwin || deps.bindings.size > 0)) return this.submit(m, m.device, done);
    deps.findDevice(m.deviceId).then(
      (device) => this.submit(m, device, done),
      (err: unknown) => done(err as Error),
    );
  }

  private submit(m: DecodedMessage, device: DeviceRecord | undefined, done: CommitCallback): void {
    let job: Job | undefined;
    try {
      job = this.prepare(m, device);
    } catch (err) {
      process.nextTick(done, err as Error);
      return;
    }
    if (!job) {
      // IoT Hub drops messages that match no route when the fallback is off; nothing to make durable.
      this.countAccepted(m.source);
      process.nextTick(done);
      return;
    }
    const j = job;
    this.deps.committer.enqueue(j.entry, (err) => {
      if (err) return done(err);
      try {
        this.committed(j);
      } finally {
        done(); // durable: acknowledged even if the derived work failed to start
      }
    });
  }

  /** Routing and the durable work of one message; undefined when no endpoint takes it. */
  private prepare(m: DecodedMessage, device: DeviceRecord | undefined): Job | undefined {
    const { deps } = this;
    const router = deps.router;
    // The full system property set is built only when a route, enrichment or webhook can read it.
    const system: Readonly<Record<string, string>> =
      router.usesSystem || deps.webhooks.size > 0
        ? { ...m.system, 'iothub-connection-device-id': m.deviceId, 'iothub-enqueuedtime': new Date(m.arrivalMs).toISOString(), 'iothub-message-source': 'Telemetry', iothubname: deps.hubName }
        : m.system;
    const ctx = new MessageContext(m.json, m.app, system, device);
    const endpoints = router.route(ctx).endpoints;
    if (endpoints.size === 0) return undefined;

    const leaves = m.json === undefined ? [] : flattenScalars(m.json);
    const points: TimePoint[] = [];
    // With the platform's history port, the store endpoint hands over the whole message (text values
    // such as the machine state included) and history names the series; else numeric points here.
    const stored = endpoints.has('store') && deps.historyPort ? this.telemetry(m, device?.twinId, leaves, ctx, 'store') : undefined;
    if (endpoints.has('store') && !stored) {
      const time = new Date(m.sourceMs);
      const arrival = m.sourceMs === m.arrivalMs ? time : new Date(m.arrivalMs);
      const names = this.seriesOf(m.deviceId);
      for (let i = 0; i < leaves.length; i++) {
        const [path, v] = leaves[i]!;
        if (typeof v === 'string') continue;
        let series = names.get(path);
        if (series === undefined) {
          // UTF-16 length × 3 bounds the UTF-8 size; count bytes only for names that might be too long.
          const name = seriesName(m.deviceId, path);
          series = name.length * 3 > SERIES_MAX && Buffer.byteLength(name) > SERIES_MAX ? null : flat(name);
          if (names.size < MAX_SERIES_PER_DEVICE) names.set(path, series);
        }
        if (series === null) continue;
        points.push({ series, time, arrival, value: typeof v === 'boolean' ? (v ? 1 : 0) : v });
      }
    }
    const twinId = device?.twinId;
    // transfer: the payload is built for this event alone (its `properties` may be the message's own
    // application properties, which nothing changes after decoding), so the in-process bus freezes it
    // in place instead of copying it.
    const events: readonly PublishItem[] = endpoints.has('bus') ? [{ name: 'telemetry.received', payload: this.telemetry(m, twinId, leaves, ctx, 'bus'), key: m.deviceId, transfer: true }] : NO_EVENTS;
    const summary = endpoints.has('events') ? this.telemetry(m, twinId, leaves, ctx, 'events') : undefined;

    // Computed before the commit (cheap, and it reads the message), applied after it.
    let bindingTwin: string | undefined;
    let binding: ReturnType<Binding['evaluate']> | undefined;
    if (deps.twins && endpoints.has('twins')) {
      const b = deps.bindings.for(m.deviceId, device?.modelId);
      if (b) {
        bindingTwin = b.twinId(m.deviceId, twinId);
        binding = b.evaluate(ctx);
      }
    }
    const entry: CommitEntry = stored ? (summary ? { points, events, telemetry: stored, summary } : { points, events, telemetry: stored }) : summary ? { points, events, summary } : { points, events };
    return { m, endpoints, ctx, entry, bindingTwin, binding };
  }

  private seriesOf(deviceId: string): Map<string, string | null> {
    let names = this.series.get(deviceId);
    if (!names) {
      if (this.series.size >= MAX_CACHED_DEVICES) this.series.clear();
      this.series.set(deviceId, (names = new Map()));
    }
    return names;
  }

  /** The work derived from a durable message: counters, twin updates, webhooks. */
  private committed({ m, endpoints, ctx, bindingTwin, binding }: Job): void {
    const { deps } = this;
    const router = deps.router;
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
