/**
 * The hub's Prometheus metrics, registered in the platform's registry (served at /metrics).
 * Refusals are counted by kind (connect, publish, subscribe, http) and reason, so an operator can
 * tell forged tokens from oversized messages from throttled devices.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface HubMetrics {
  readonly accepted: Counter<'source'>;
  readonly refused: Counter<'kind' | 'reason'>;
  readonly throttled: Counter;
  readonly commitSeconds: Histogram;
  readonly commitBatch: Histogram;
  readonly walApplySeconds: Histogram;
  readonly walWriteSeconds: Histogram;
  readonly twinUpdates: Counter<'outcome'>;
  readonly c2d: Counter<'outcome'>;
  readonly methods: Counter<'outcome'>;
  refuse(kind: 'connect' | 'publish' | 'subscribe' | 'http', reason: string): void;
}

export interface HubGauges {
  pending(): number;
  twinBacklog(): number;
  connectedDevices(): number;
  webhookDepth(): Record<string, number>;
  /** Messages in the write-ahead log not yet applied to the store (0 without the log). */
  walLag?(): number;
}

export function createHubMetrics(registry: Registry, gauges: HubGauges): HubMetrics {
  const accepted = new Counter({ name: 'twinworks_hub_messages_total', help: 'Device-to-cloud messages accepted (durably handed off) by source', labelNames: ['source'] as const, registers: [registry] });
  const refused = new Counter({
    name: 'twinworks_hub_refused_total',
    help: 'Refused device traffic by kind (connect, publish, subscribe, http) and reason',
    labelNames: ['kind', 'reason'] as const,
    registers: [registry],
  });
  const throttled = new Counter({ name: 'twinworks_hub_throttled_total', help: 'Messages delayed by a per-device rate limit', registers: [registry] });
  const commitSeconds = new Histogram({
    name: 'twinworks_hub_commit_seconds',
    help: 'Duration of one group commit (store append + bus publish)',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [registry],
  });
  const commitBatch = new Histogram({ name: 'twinworks_hub_commit_batch_messages', help: 'Messages per group commit', buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000], registers: [registry] });
  const twinUpdates = new Counter({ name: 'twinworks_hub_twin_updates_total', help: 'Twin updates from bindings by outcome', labelNames: ['outcome'] as const, registers: [registry] });
  const c2d = new Counter({ name: 'twinworks_hub_c2d_messages_total', help: 'Cloud-to-device messages by outcome', labelNames: ['outcome'] as const, registers: [registry] });
  const methods = new Counter({ name: 'twinworks_hub_direct_methods_total', help: 'Direct method invocations by outcome', labelNames: ['outcome'] as const, registers: [registry] });
  new Gauge({
    name: 'twinworks_hub_pending_messages',
    help: 'Messages accepted from devices and waiting for the durable hand-off',
    registers: [registry],
    collect() {
      this.set(gauges.pending());
    },
  });
  new Gauge({
    name: 'twinworks_hub_twin_backlog',
    help: 'Twins with a binding update waiting',
    registers: [registry],
    collect() {
      this.set(gauges.twinBacklog());
    },
  });
  new Gauge({
    name: 'twinworks_hub_connected_devices',
    help: 'Devices with a live MQTT connection',
    registers: [registry],
    collect() {
      this.set(gauges.connectedDevices());
    },
  });
  new Gauge({
    name: 'twinworks_hub_webhook_queue',
    help: 'Messages waiting per webhook',
    labelNames: ['webhook'] as const,
    registers: [registry],
    collect() {
      for (const [name, depth] of Object.entries(gauges.webhookDepth())) this.set({ webhook: name }, depth);
    },
  });
  new Gauge({
    name: 'twinworks_hub_wal_lag_messages',
    help: 'Messages acknowledged from the write-ahead log and not yet applied to the store',
    registers: [registry],
    collect() {
      this.set(gauges.walLag?.() ?? 0);
    },
  });
  const walApplySeconds = new Histogram({
    name: 'twinworks_hub_wal_apply_seconds',
    help: 'Duration of one apply of logged batches to the store',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [registry],
  });
  const walWriteSeconds = new Histogram({
    name: 'twinworks_hub_wal_write_seconds',
    help: 'Duration of one write-ahead log write round (writev + fdatasync)',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  return {
    accepted,
    walApplySeconds,
    walWriteSeconds,
    refused,
    throttled,
    commitSeconds,
    commitBatch,
    twinUpdates,
    c2d,
    methods,
    refuse: (kind, reason) => refused.inc({ kind, reason }),
  };
}

/**
 * A counter child for events that happen per message: counts in a plain number and adds it to the
 * Prometheus counter once per event-loop turn (prom-client hashes the labels on every `inc`).
 */
export function perTurn(child: { inc(n?: number): void }): { inc(): void } {
  let n = 0;
  const flush = () => {
    child.inc(n);
    n = 0;
  };
  return {
    inc() {
      if (n++ === 0) setImmediate(flush);
    },
  };
}
