/**
 * The alerts context assembled: rules from the store (seeded with the demo defaults), their scopes
 * resolved through the twin graph, samples from the bus into the rule engine, transitions into the
 * lifecycle manager, events to the store, bus, webhooks, browsers and twins.
 *
 * Runs on one platform instance: the engine keeps per-twin state in memory (rolling windows,
 * durations), so splitting one twin's samples across replicas would break it (docs/history.md).
 */
import type { EventBus, Subscription, TelemetryReceived, TwinUpdated } from '../bus/index.js';
import type { StorageAdapter } from '../storage/index.js';
import { modelQuery, type TwinScope, type TwinWriter } from '../timeseries/index.js';
import { RuleEngine, type Transition } from './engine.js';
import { AlertErrors } from './errors.js';
import { parseExternal, type ExternalAlertInput } from './external.js';
import { AlertManager, DEVICE_SUBJECT_PREFIX } from './lifecycle.js';
import type { Alert, AlertQuery, AlertSink, AlertStore } from './model.js';
import { AlertStream, busSink, twinSink, webhookSink, type WebhookConfig } from './notify.js';
import { ANOMALY_SERIES_PREFIX, type AlertRule } from './rules/ast.js';
import { parseRule } from './rules/schema.js';
import { DEFAULT_RULES } from './defaults.js';
import { RuleStore, StorageAlertStore } from './store.js';

export interface AlertServiceOptions {
  readonly store: StorageAdapter;
  readonly bus?: EventBus | undefined;
  readonly scope?: TwinScope | undefined;
  readonly twinWriter?: TwinWriter | undefined;
  readonly webhooks?: readonly WebhookConfig[];
  /** Seed DEFAULT_RULES when no rule is stored; default true. */
  readonly seedDefaults?: boolean;
  /** Default 1000 ms; 0: no timer (tests call tick). */
  readonly tickMs?: number;
  /** How often scopes are resolved again (twins come and go); default 60 s. */
  readonly scopeRefreshMs?: number;
  readonly clock?: () => number;
  readonly onError?: (err: unknown, where: string) => void;
  /** Replaces the storage-backed alert store (tests). */
  readonly alertStore?: AlertStore;
  /**
   * Which telemetry events to read; default both. The hub publishes one `telemetry.batch` per group
   * commit (the platform's default route) and `telemetry.received` only for routes that ask; a
   * message seen through both is evaluated once.
   */
  readonly telemetryEvents?: ReadonlyArray<'telemetry.batch' | 'telemetry.received'>;
}

/** Bound on the duplicate filter's memory (one entry per subject and signal). */
const MAX_TRACKED_SIGNALS = 1_000_000;

export class AlertService {
  readonly engine = new RuleEngine();
  readonly manager: AlertManager;
  readonly stream = new AlertStream();
  readonly rules = new Map<string, AlertRule>();
  readonly ruleStore: RuleStore;
  readonly alertStore: AlertStore;
  private readonly subs: Subscription[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly clock: () => number;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly lastSample = new Map<string, { t: number; value: number }>();

  constructor(private readonly o: AlertServiceOptions) {
    this.clock = o.clock ?? Date.now;
    this.ruleStore = new RuleStore(o.store);
    this.alertStore = o.alertStore ?? new StorageAlertStore(o.store);
    const sinks: AlertSink[] = [this.stream];
    if (o.bus) sinks.push(busSink(o.bus));
    if (o.webhooks && o.webhooks.length > 0) sinks.push(webhookSink(o.webhooks, { onFailure: (url, err) => o.onError?.(err, `webhook ${url}`) }));
    if (o.twinWriter) sinks.push(twinSink(o.twinWriter, () => this.manager.openAlerts(), (err) => o.onError?.(err, 'activeAlerts')));
    this.manager = new AlertManager({ store: this.alertStore, rule: (id) => this.rules.get(id), sinks, clock: this.clock, onSinkError: (sink, err) => o.onError?.(err, `sink ${sink}`) });
  }

  async start(): Promise<void> {
    if ((this.o.seedDefaults ?? true) && (await this.ruleStore.count()) === 0) {
      for (const doc of DEFAULT_RULES) await this.ruleStore.save(parseRule(doc), 'upsert');
    }
    await this.manager.load();
    for (const rule of await this.ruleStore.list()) await this.activate(rule);
    if (this.o.bus) {
      const common = { concurrency: 64, ackWaitMs: 60_000 };
      const events = this.o.telemetryEvents ?? ['telemetry.batch', 'telemetry.received'];
      if (events.includes('telemetry.batch')) this.subs.push(await this.o.bus.subscribe('telemetry.batch', (e) => this.telemetryBatch(e.payload.messages), { ...common, durable: 'alerts-telemetry-batch' }));
      if (events.includes('telemetry.received')) this.subs.push(await this.o.bus.subscribe('telemetry.received', (e) => this.telemetry(e.payload), { ...common, durable: 'alerts-telemetry' }));
      this.subs.push(await this.o.bus.subscribe('twin.updated', (e) => this.twinUpdated(e.payload), { ...common, durable: 'alerts-twins' }));
    }
    const tickMs = this.o.tickMs ?? 1000;
    if (tickMs > 0) this.timers.push(setInterval(() => void this.tick().catch((e: unknown) => this.o.onError?.(e, 'tick')), tickMs));
    const refresh = this.o.scopeRefreshMs ?? 60_000;
    if (refresh > 0) this.timers.push(setInterval(() => void this.refreshScopes().catch((e: unknown) => this.o.onError?.(e, 'scopes')), refresh));
    for (const t of this.timers) t.unref();
  }

  async stop(): Promise<void> {
    for (const t of this.timers.splice(0)) clearInterval(t);
    await Promise.all(this.subs.splice(0).map((s) => s.close()));
    await this.chain;
  }

  /** Engine calls and their lifecycle effects run one at a time, in arrival order. */
  private serial(task: () => Transition[]): Promise<void> {
    const run = this.chain.then(() => this.manager.apply(task()));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** One numeric sample (boolean as 1/0). Strings are not evaluated. */
  ingest(subject: string, signal: string, t: number, value: number): Promise<void> {
    return this.serial(() => this.engine.sample(subject, signal, t, value));
  }

  telemetry(p: TelemetryReceived): Promise<void> {
    return this.serial(() => this.samplesOf(p));
  }

  /** The hub's group commit: every message in arrival order, one engine step. */
  telemetryBatch(messages: readonly TelemetryReceived[]): Promise<void> {
    return this.serial(() => messages.flatMap((m) => this.samplesOf(m)));
  }

  private samplesOf(p: TelemetryReceived): Transition[] {
    const subject = p.twinId ?? `${DEVICE_SUBJECT_PREFIX}${p.deviceId}`;
    const t = Date.parse(p.arrivalTime);
    if (Number.isNaN(t)) return [];
    return Object.entries(p.values).flatMap(([signal, v]) => {
      if (typeof v !== 'number' && typeof v !== 'boolean') return [];
      const value = Number(v);
      // A message seen through both telemetry.batch and telemetry.received comes again with its arrival
      // time, which is then not after the last one seen for this signal (arrival times are the
      // platform's and only move forward); a different value at the same instant is a new reading.
      const key = `${subject}\u0000${signal}`;
      const last = this.lastSample.get(key);
      if (last !== undefined && (t < last.t || (t === last.t && value === last.value))) return [];
      if (last === undefined && this.lastSample.size >= MAX_TRACKED_SIGNALS) this.lastSample.clear();
      this.lastSample.set(key, { t, value });
      return this.engine.sample(subject, signal, t, value);
    });
  }

  twinUpdated(u: TwinUpdated): Promise<void> {
    const t = Date.parse(u.time);
    return this.serial(() =>
      u.patch.flatMap((op) => {
        if ((op.op !== 'add' && op.op !== 'replace') || (typeof op.value !== 'number' && typeof op.value !== 'boolean')) return [];
        const signal = op.path.slice(1).replace(/~1/g, '/').replace(/~0/g, '~');
        // Our own activeAlerts counter is not a signal: a rule on it would feed itself.
        return signal === 'activeAlerts' ? [] : this.engine.sample(u.twinId, signal, t, Number(op.value));
      }),
    );
  }

  /**
   * Points another context writes straight to the history (not through the bus): the ML live
   * scorer's anomaly series `<twinId>/anomaly:<signal>` become samples of signal `anomaly:<signal>`
   * of that twin, read by `anomalous` rules. Other series are ignored. Like telemetry, they are
   * timed by arrival (now), so their durations share the clock with the ticks.
   */
  observePoints(points: ReadonlyArray<{ readonly series: string; readonly time: number; readonly value: number }>): Promise<void> {
    const t = this.clock();
    return this.serial(() =>
      points.flatMap((p) => {
        const at = p.series.lastIndexOf(`/${ANOMALY_SERIES_PREFIX}`);
        if (at <= 0 || !Number.isFinite(p.value)) return [];
        return this.engine.sample(p.series.slice(0, at), p.series.slice(at + 1), t, p.value);
      }),
    );
  }

  /** An alert raised by another context (docs/history.md §External alerts); throws alerts.invalid_external_alert. */
  async raiseExternal(input: ExternalAlertInput): Promise<Alert> {
    return this.manager.raiseExternal(parseExternal(input));
  }

  /** Resolves the open external alert of (source, key), if any, at `time` (ms; default now). */
  clearExternal(source: string, key: string, time?: number): Promise<Alert | undefined> {
    return this.manager.clearExternal(source, key, time ?? this.clock());
  }

  async tick(now = this.clock()): Promise<void> {
    await this.serial(() => this.engine.tick(now));
    await this.manager.tick(now);
  }

  private async subjects(rule: AlertRule): Promise<string[] | undefined> {
    if (rule.scope.all) return undefined;
    const ids = new Set(rule.scope.twins ?? []);
    const queries = [...(rule.scope.models ?? []).map(modelQuery), ...(rule.scope.query !== undefined ? [rule.scope.query] : [])];
    if (queries.length > 0 && this.o.scope === undefined) this.o.onError?.(new Error(`rule ${rule.id}: scope needs the twin graph`), 'scopes');
    for (const q of queries) if (this.o.scope) for (const id of await this.o.scope.resolve(q)) ids.add(id);
    return [...ids];
  }

  private async activate(rule: AlertRule): Promise<void> {
    this.rules.set(rule.id, rule);
    const subjects = await this.subjects(rule);
    await this.serial(() => this.engine.setRule(rule, subjects, this.clock()));
  }

  async refreshScopes(): Promise<void> {
    for (const rule of this.rules.values()) {
      if (!rule.enabled || rule.scope.all) continue;
      const subjects = (await this.subjects(rule)) ?? [];
      await this.serial(() => this.engine.setSubjects(rule.id, subjects, this.clock()));
    }
  }

  listRules(): AlertRule[] {
    return [...this.rules.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  getRule(id: string): AlertRule {
    const r = this.rules.get(id);
    if (!r) throw AlertErrors.create('rule_not_found', `no alert rule '${id}'`, { ruleId: id });
    return r;
  }

  async saveRule(doc: unknown, mode: 'create' | 'replace'): Promise<AlertRule> {
    const rule = parseRule(doc);
    await this.ruleStore.save(rule, mode);
    await this.activate(rule);
    return rule;
  }

  async deleteRule(id: string): Promise<void> {
    await this.ruleStore.remove(id);
    // Forgotten first, so the clearing transitions resolve its open alerts whatever its autoResolve said.
    this.rules.delete(id);
    await this.serial(() => this.engine.removeRule(id, this.clock()));
  }

  acknowledge(id: string, by: string, note?: string): Promise<Alert> {
    return this.manager.acknowledge(id, by, note);
  }

  resolve(id: string, by: string, note?: string): Promise<Alert> {
    return this.manager.resolve(id, by, note);
  }

  async get(id: string): Promise<Alert> {
    const a = await this.alertStore.get(id);
    if (!a) throw AlertErrors.create('alert_not_found', `no alert '${id}'`, { alertId: id });
    return a;
  }

  query(q: AlertQuery): Promise<Alert[]> {
    return this.alertStore.query(q);
  }
}
