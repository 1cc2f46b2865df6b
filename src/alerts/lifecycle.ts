/**
 * The alert manager: turns the rule engine's transitions into alerts and moves them through their
 * lifecycle.
 *
 * - Deduplication: one open alert per (rule, subject); the condition firing again while it is open
 *   adds to its `occurrences` instead of raising another.
 * - Auto-resolve: the condition clearing resolves the alert (unless the rule says autoResolve: false).
 * - Flapping: the `maxRaises`-th raise within the rule's flapping window marks the alert flapping;
 *   it then stays open across clears and re-fires and resolves only after the condition stayed clear
 *   for a whole window, so a signal hovering at the threshold produces one alert, not dozens.
 * - Escalation: an alert still `active` (nobody acknowledged) `afterSec` after it was raised gets the
 *   escalation severity (default: one level up), once.
 *
 * - External alerts (external.ts): raised and cleared by another context, deduplicated on
 *   (source, key); no flapping or escalation rules apply to them (the source decides).
 *
 * All changes run one at a time (a promise chain), so an acknowledgement cannot race an auto-resolve.
 */
import { randomBytes } from 'node:crypto';
import type { Transition } from './engine.js';
import { AlertErrors } from './errors.js';
import { EXTERNAL_RULE_PREFIX, type ExternalAlertInput } from './external.js';
import type { Alert, AlertChange, AlertEvent, AlertHistoryEntry, AlertSink, AlertStore } from './model.js';
import { SEVERITIES, type AlertRule, type Severity } from './rules/ast.js';

export interface AlertManagerOptions {
  readonly store: AlertStore;
  readonly rule: (id: string) => AlertRule | undefined;
  readonly sinks?: readonly AlertSink[];
  readonly onSinkError?: (sink: string, err: unknown) => void;
  readonly clock?: () => number;
}

const iso = (ms: number) => new Date(ms).toISOString();
const keyOf = (ruleId: string, subject: string) => `${ruleId}\u0000${subject}`;
/** Rule alerts are keyed by (rule, subject), external ones by (source, key); the prefix keeps them apart. */
const externalKey = (source: string, key: string) => `${EXTERNAL_RULE_PREFIX}${source}\u0000\u0001${key}`;
const alertKey = (a: Alert) => (a.external ? externalKey(a.external.source, a.external.key) : keyOf(a.ruleId, a.subject));
export const DEVICE_SUBJECT_PREFIX = 'device:';

export class AlertManager {
  private readonly open = new Map<string, Alert>();
  private readonly raises = new Map<string, number[]>();
  private chain: Promise<unknown> = Promise.resolve();
  private readonly clock: () => number;

  constructor(private readonly options: AlertManagerOptions) {
    this.clock = options.clock ?? Date.now;
  }

  /** Loads open alerts so deduplication survives a restart. */
  async load(): Promise<void> {
    for (const a of await this.options.store.listOpen()) this.open.set(alertKey(a), a);
  }

  openAlerts(): Alert[] {
    return [...this.open.values()];
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.chain.then(task, task);
    this.chain = run.catch(() => undefined);
    return run;
  }

  apply(transitions: readonly Transition[]): Promise<void> {
    if (transitions.length === 0) return Promise.resolve();
    return this.serial(async () => {
      for (const tr of transitions) await (tr.firing ? this.fired(tr) : this.cleared(tr));
    });
  }

  private async fired(tr: Transition): Promise<void> {
    const rule = this.options.rule(tr.ruleId);
    if (rule === undefined) return;
    const key = keyOf(tr.ruleId, tr.subject);
    const window = rule.flapping.windowSec * 1000;
    const times = (this.raises.get(key) ?? []).filter((t) => t > tr.t - window);
    times.push(tr.t);
    this.raises.set(key, times);
    const flapping = times.length >= rule.flapping.maxRaises;
    const current = this.open.get(key);
    if (current !== undefined) {
      const { clearSince: _, ...rest } = current;
      let next: Alert = { ...rest, occurrences: current.occurrences + 1, lastFiredAt: iso(tr.t), ...(tr.value !== undefined ? { value: tr.value } : {}) };
      if (flapping && !current.flapping) {
        next = withEntry({ ...next, flapping: true }, { change: 'flapping', at: iso(tr.t) });
        await this.save(next, { kind: 'changed', alert: next, change: 'flapping' });
      } else await this.save(next);
      return;
    }
    const alert: Alert = {
      id: newAlertId(tr.t),
      ruleId: rule.id,
      ruleName: rule.name,
      subject: tr.subject,
      ...(tr.subject.startsWith(DEVICE_SUBJECT_PREFIX) ? {} : { twinId: tr.subject }),
      severity: rule.severity,
      state: 'active',
      message: renderMessage(rule, tr),
      ...(tr.signal !== undefined ? { signal: tr.signal } : {}),
      ...(tr.value !== undefined ? { value: tr.value } : {}),
      raisedAt: iso(tr.t),
      occurrences: 1,
      lastFiredAt: iso(tr.t),
      escalationLevel: 0,
      flapping,
      history: [{ change: 'raised', at: iso(tr.t), severity: rule.severity }],
    };
    await this.save(alert, { kind: 'raised', alert });
  }

  private async cleared(tr: Transition): Promise<void> {
    const current = this.open.get(keyOf(tr.ruleId, tr.subject));
    if (current === undefined) return;
    const rule = this.options.rule(tr.ruleId);
    // A rule that was deleted or edited resolves what it raised; otherwise its autoResolve decides.
    if (rule !== undefined && !rule.autoResolve) return;
    if (rule !== undefined && current.flapping) {
      await this.save({ ...current, clearSince: iso(tr.t) });
      return;
    }
    await this.transition(current, 'resolved', tr.t);
  }

  acknowledge(alertId: string, by: string, note?: string): Promise<Alert> {
    return this.serial(async () => {
      const a = await this.require(alertId);
      if (a.state !== 'active') throw invalid(a, 'acknowledge');
      return this.transition(a, 'acknowledged', this.clock(), by, note);
    });
  }

  resolve(alertId: string, by: string, note?: string): Promise<Alert> {
    return this.serial(async () => {
      const a = await this.require(alertId);
      if (a.state === 'resolved') throw invalid(a, 'resolve');
      return this.transition(a, 'resolved', this.clock(), by, note);
    });
  }

  /**
   * An alert raised by another context (input validated by parseExternal). While one with the same
   * (source, key) is open it is updated instead: occurrences + 1, the new text and details, and the
   * new severity (a higher one is recorded as an escalation and notified).
   */
  raiseExternal(input: ExternalAlertInput): Promise<Alert> {
    return this.serial(async () => {
      const t = input.time ?? this.clock();
      const current = this.open.get(externalKey(input.source, input.key));
      const text = {
        title: input.title,
        ruleName: input.title,
        message: input.message ?? input.title,
        ...(input.messageKey !== undefined ? { messageKey: input.messageKey } : {}),
        ...(input.messageParams !== undefined ? { messageParams: input.messageParams } : {}),
        ...(input.details !== undefined ? { details: input.details } : {}),
      };
      if (current !== undefined) {
        const { messageKey: _k, messageParams: _p, details: _d, ...rest } = current;
        const next: Alert = { ...rest, ...text, severity: input.severity, occurrences: current.occurrences + 1, lastFiredAt: iso(t) };
        if (SEVERITIES.indexOf(input.severity) > SEVERITIES.indexOf(current.severity)) {
          const escalated = withEntry({ ...next, escalationLevel: current.escalationLevel + 1 }, { change: 'escalated', at: iso(t), severity: input.severity });
          await this.save(escalated, { kind: 'changed', alert: escalated, change: 'escalated' });
          return escalated;
        }
        await this.save(next);
        return next;
      }
      const subject = input.twinId ?? `${DEVICE_SUBJECT_PREFIX}${input.deviceId ?? ''}`;
      const alert: Alert = {
        id: newAlertId(t),
        ruleId: `${EXTERNAL_RULE_PREFIX}${input.source}`,
        external: { source: input.source, key: input.key },
        ...text,
        subject,
        ...(input.twinId !== undefined ? { twinId: input.twinId } : {}),
        severity: input.severity,
        state: 'active',
        raisedAt: iso(t),
        occurrences: 1,
        lastFiredAt: iso(t),
        escalationLevel: 0,
        flapping: false,
        history: [{ change: 'raised', at: iso(t), severity: input.severity }],
      };
      await this.save(alert, { kind: 'raised', alert });
      return alert;
    });
  }

  /** The source says the condition is over: its open alert (if any) resolves at `at` (not before it was raised). */
  clearExternal(source: string, key: string, at = this.clock()): Promise<Alert | undefined> {
    return this.serial(async () => {
      const current = this.open.get(externalKey(source, key));
      if (current === undefined) return undefined;
      return this.transition(current, 'resolved', Math.max(at, Date.parse(current.raisedAt)));
    });
  }

  /** Escalations and the end of quiet flapping periods due at `now`. */
  tick(now = this.clock()): Promise<void> {
    return this.serial(async () => {
      for (const a of [...this.open.values()]) {
        const rule = this.options.rule(a.ruleId);
        if (rule === undefined) continue;
        if (a.flapping && a.clearSince !== undefined && now - Date.parse(a.clearSince) >= rule.flapping.windowSec * 1000) {
          await this.transition(a, 'resolved', Date.parse(a.clearSince) + rule.flapping.windowSec * 1000);
          continue;
        }
        const esc = rule.escalation;
        if (esc && a.state === 'active' && a.escalationLevel === 0 && now - Date.parse(a.raisedAt) >= esc.afterSec * 1000) {
          const at = Date.parse(a.raisedAt) + esc.afterSec * 1000;
          const severity = esc.severity ?? SEVERITIES[Math.min(SEVERITIES.indexOf(a.severity) + 1, SEVERITIES.length - 1)] as Severity;
          const next = withEntry({ ...a, severity, escalationLevel: 1 }, { change: 'escalated', at: iso(at), severity });
          await this.save(next, { kind: 'changed', alert: next, change: 'escalated' });
        }
      }
    });
  }

  private async transition(a: Alert, to: 'acknowledged' | 'resolved', at: number, by?: string, note?: string): Promise<Alert> {
    const entry: AlertHistoryEntry = { change: to, at: iso(at), ...(by !== undefined ? { by } : {}), ...(note !== undefined ? { note } : {}) };
    const { clearSince: _, ...rest } = a;
    const next: Alert =
      to === 'acknowledged'
        ? withEntry({ ...rest, state: to, acknowledgedAt: iso(at), ...(by !== undefined ? { acknowledgedBy: by } : {}) }, entry)
        : withEntry({ ...rest, state: to, resolvedAt: iso(at), ...(by !== undefined ? { resolvedBy: by } : {}) }, entry);
    await this.save(next, { kind: 'changed', alert: next, change: to, ...(by !== undefined ? { by } : {}), ...(note !== undefined ? { note } : {}) });
    return next;
  }

  private async require(id: string): Promise<Alert> {
    const a = [...this.open.values()].find((x) => x.id === id) ?? (await this.options.store.get(id));
    if (a === undefined) throw AlertErrors.create('alert_not_found', `no alert '${id}'`, { alertId: id });
    return a;
  }

  private async save(alert: Alert, event?: AlertEvent): Promise<void> {
    await this.options.store.put(alert);
    const key = alertKey(alert);
    if (alert.state === 'resolved') {
      if (this.open.get(key)?.id === alert.id) this.open.delete(key);
    } else this.open.set(key, alert);
    if (event === undefined) return;
    for (const sink of this.options.sinks ?? []) {
      try {
        await sink.deliver(event);
      } catch (err) {
        this.options.onSinkError?.(sink.name, err);
      }
    }
  }
}

function withEntry(a: Alert, entry: AlertHistoryEntry): Alert {
  return { ...a, history: [...a.history, entry] };
}

function invalid(a: Alert, wanted: string): Error {
  return AlertErrors.create('invalid_transition', `alert ${a.id} is ${a.state}; cannot ${wanted} it`, { alertId: a.id, state: a.state, wanted });
}

export function newAlertId(t: number): string {
  const stamp = new Date(t).toISOString().replace(/[-:.]/g, '');
  return `${stamp}-${randomBytes(5).toString('hex')}`;
}

function renderMessage(rule: AlertRule, tr: Transition): string {
  const template = rule.message ?? (tr.value !== undefined ? '{rule} on {subject}: {signal} = {value}' : '{rule} on {subject}');
  const fields: Record<string, string> = {
    rule: rule.name,
    subject: tr.subject,
    twinId: tr.subject,
    signal: tr.signal ?? '',
    value: tr.value === undefined ? '' : String(Math.round(tr.value * 1000) / 1000),
    severity: rule.severity,
  };
  return template.replace(/\{(\w+)\}/g, (m, k: string) => fields[k] ?? m);
}

export type { AlertChange };
