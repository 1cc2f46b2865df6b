import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { ApiModule } from '../api/index.js';
import type { EventBus, TelemetryReceived } from '../bus/index.js';
import type { PlatformConfig } from '../config/index.js';
import type { Logger } from '../observability/index.js';
import type { StorageAdapter } from '../storage/index.js';
import type { TwinGraph } from '../twins/index.js';
import { createHistory, twinScopeFromReader, type History, type ShiftCalendarConfig, type TwinWriter } from '../timeseries/index.js';
import { analyticsApi, LiveOee, OeeService, plantModelFromReader } from '../analytics/index.js';
import { AlertService, alertsApi } from '../alerts/index.js';
import { DEFAULT_CALENDAR } from '../sim/index.js';
import { ConfigErrors } from '../config/index.js';

/** Platform-internal writes to twins (live OEE, alert counts, predictions) bypass writability checks. */
export function internalTwinWriter(graph: TwinGraph): TwinWriter {
  return { patch: (id, ops) => graph.patchTwin(id, ops, {}, { trusted: true }).then(() => undefined) };
}

/**
 * The shift calendar OEE uses: the `--shifts` file, else (with the demo plant) the calendar the
 * demo simulator runs on, so planned stops agree with the machines' own; else none (the whole
 * window counts as shift time, docs/history.md).
 */
export function shiftCalendarFor(config: PlatformConfig): ShiftCalendarConfig | undefined {
  if (config.shifts) {
    let text: string;
    try {
      text = readFileSync(config.shifts, 'utf8');
    } catch (err) {
      throw ConfigErrors.create('invalid_value', `cannot read the shift calendar ${config.shifts}: ${(err as Error).message}`, { key: 'shifts', value: config.shifts });
    }
    try {
      return (config.shifts.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as ShiftCalendarConfig;
    } catch (err) {
      throw ConfigErrors.create('invalid_value', `the shift calendar ${config.shifts} does not parse: ${(err as Error).message}`, { key: 'shifts', value: config.shifts });
    }
  }
  return config.demo ? DEFAULT_CALENDAR : undefined;
}

export interface HistoryParts {
  readonly history: History;
  readonly oee: OeeService;
  readonly alerts: AlertService;
  readonly modules: ApiModule[];
  /** The hub's history port: durable, resolves once the messages' points are committed. */
  readonly telemetryStore: { write(messages: readonly TelemetryReceived[]): Promise<void> };
  stop(): Promise<void>;
}

/** History, OEE (with live values on the twins) and alerts, in that order; stopped in reverse. */
export async function startHistory(d: { config: PlatformConfig; store: StorageAdapter; bus: EventBus; graph: TwinGraph; logger: Logger }): Promise<HistoryParts> {
  const log = d.logger.child({ context: 'history' });
  const scope = twinScopeFromReader(d.graph.index);
  const writer = internalTwinWriter(d.graph);
  const calendar = shiftCalendarFor(d.config);
  const history = createHistory({
    store: d.store,
    dataDir: d.config.data,
    scope,
    warmDays: d.config.historyWarmDays,
    // The hub hands telemetry to the writer inside its group commit (telemetryStore below); reading
    // `telemetry.received` too would store a message routed to the bus twice.
    telemetryFromBus: false,
    ...(calendar ? { calendar } : {}),
    onError: (err, where) => log.error({ err, where }, 'history error'),
  });
  await history.start(d.bus);
  const plant = plantModelFromReader(d.graph.index);
  const oee = new OeeService({ store: d.store, archive: history.archive, plant, scope, calendar: history.calendar });
  let oeeErrors = 0;
  const live = new LiveOee({
    service: oee,
    plant,
    writer,
    calendar: history.calendar,
    // A machine without data yet is normal at first start; log a sample, not every pass.
    onError: (twinId, err) => void (oeeErrors++ % 50 === 0 && log.debug({ twinId, err: (err as Error).message, failures: oeeErrors }, 'live OEE skipped a unit')),
  });
  live.start();
  const alerts = new AlertService({ store: d.store, bus: d.bus, scope, twinWriter: writer, onError: (err, where) => log.warn({ err, where }, 'alerts error') });
  await alerts.start();
  return {
    history,
    oee,
    alerts,
    modules: [history.api, analyticsApi({ service: oee, calendar: history.calendar }), alertsApi(alerts)],
    telemetryStore: { write: (messages) => history.writer.telemetryBatch(messages) },
    async stop() {
      await alerts.stop();
      await live.stop();
      await history.stop();
    },
  };
}
