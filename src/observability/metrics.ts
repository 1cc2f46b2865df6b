import { Registry, collectDefaultMetrics, Counter, Histogram, Gauge } from 'prom-client';

/**
 * One Prometheus registry per platform instance (not the prom-client global) so several
 * instances in one test process do not share counters.
 */
export interface Metrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  readonly authFailures: Counter<'reason'>;
  readonly mqttConnections: Gauge;
  readonly mqttRejected: Counter<'reason'>;
  text(): Promise<string>;
  readonly contentType: string;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'twinworks' });
  collectDefaultMetrics({ register: registry, prefix: 'twinworks_' });
  const httpRequests = new Counter({
    name: 'twinworks_http_requests_total',
    help: 'HTTP requests by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'twinworks_http_request_duration_seconds',
    help: 'HTTP request duration by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [registry],
  });
  const authFailures = new Counter({
    name: 'twinworks_auth_failures_total',
    help: 'Refused authentications by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const mqttConnections = new Gauge({ name: 'twinworks_mqtt_connections', help: 'Open MQTT client connections', registers: [registry] });
  const mqttRejected = new Counter({
    name: 'twinworks_mqtt_rejected_total',
    help: 'Refused MQTT connections and packets by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  return {
    registry,
    httpRequests,
    httpDuration,
    authFailures,
    mqttConnections,
    mqttRejected,
    text: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
