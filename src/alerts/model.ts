/**
 * Alert instances and their history, and the store port they persist through.
 *
 * Lifecycle: active (raised) → acknowledged (who, note) → resolved; active → resolved directly
 * when the condition clears or someone resolves it. Escalation raises the severity of an alert
 * nobody acknowledged in time. Every change is appended to `history`.
 */
import type { Severity } from './rules/ast.js';

export type AlertState = 'active' | 'acknowledged' | 'resolved';
export const ALERT_STATES: readonly AlertState[] = ['active', 'acknowledged', 'resolved'];

export type AlertChange = 'raised' | 'acknowledged' | 'resolved' | 'escalated' | 'flapping';

export interface AlertHistoryEntry {
  readonly change: AlertChange;
  /** RFC 3339. */
  readonly at: string;
  /** User who did it; absent for automatic changes. */
  readonly by?: string;
  readonly note?: string;
  readonly severity?: Severity;
}

/** Who raised an external alert and its deduplication key within that source (docs/history.md §External alerts). */
export interface ExternalOrigin {
  /** The raising context, e.g. `pdm`. */
  readonly source: string;
  /** One open alert per (source, key), e.g. the device id of a failure warning. */
  readonly key: string;
}

export interface Alert {
  /** Sortable by raise time: `20240304T060000123Z-<random>`. */
  readonly id: string;
  /** The rule's id; `external:<source>` for external alerts (rule ids cannot contain ':'). */
  readonly ruleId: string;
  /** The rule's name; an external alert's title. */
  readonly ruleName: string;
  /** Set on alerts raised by another context (AlertService.raiseExternal), absent on rule alerts. */
  readonly external?: ExternalOrigin;
  /** An external alert's short title. */
  readonly title?: string;
  /** For clients that render the message themselves (i18n): a message key and its parameters. */
  readonly messageKey?: string;
  readonly messageParams?: Readonly<Record<string, string | number>>;
  /** Whatever the raising context attaches (e.g. the maintenance recommendation); JSON. */
  readonly details?: unknown;
  /** The twin id, or `device:<id>` for a device bound to no twin. */
  readonly subject: string;
  readonly twinId?: string;
  readonly severity: Severity;
  readonly state: AlertState;
  readonly message: string;
  readonly signal?: string;
  readonly value?: number;
  readonly raisedAt: string;
  readonly acknowledgedAt?: string;
  readonly acknowledgedBy?: string;
  readonly resolvedAt?: string;
  readonly resolvedBy?: string;
  /** The condition fired again while this alert was open (deduplicated into it). */
  readonly occurrences: number;
  readonly lastFiredAt: string;
  readonly escalationLevel: number;
  /** The condition flapped: the alert stays open until it has been clear for the flapping window. */
  readonly flapping: boolean;
  /** Flapping alerts: when the condition last cleared (RFC 3339), while it stays clear. */
  readonly clearSince?: string;
  readonly history: readonly AlertHistoryEntry[];
}

export interface AlertQuery {
  /** One state, `open` (not resolved), or any of several states. */
  readonly state?: AlertState | 'open' | readonly AlertState[];
  /** Only external alerts of this source. */
  readonly source?: string;
  readonly twinId?: string;
  readonly ruleId?: string;
  readonly severity?: Severity;
  /** Raised at or after (ms). */
  readonly from?: number;
  /** Raised before (ms). */
  readonly to?: number;
  /** Only ids after this (keyset paging, ascending). */
  readonly after?: string;
  /** Default 100, max 1000. */
  readonly limit?: number;
}

export interface AlertStore {
  put(alert: Alert): Promise<void>;
  get(id: string): Promise<Alert | undefined>;
  /** Alerts not resolved. */
  listOpen(): Promise<Alert[]>;
  /** Matching alerts in id (= raise time) order. */
  query(q: AlertQuery): Promise<Alert[]>;
}

export type AlertEvent =
  | { readonly kind: 'raised'; readonly alert: Alert }
  | { readonly kind: 'changed'; readonly alert: Alert; readonly change: Exclude<AlertChange, 'raised'>; readonly by?: string; readonly note?: string };

/** Where alert events go: the bus, webhooks, browsers, the twin. Failures are logged, never thrown back. */
export interface AlertSink {
  readonly name: string;
  deliver(event: AlertEvent): Promise<void> | void;
}

export function matches(a: Alert, q: AlertQuery): boolean {
  if (q.state === 'open' ? a.state === 'resolved' : Array.isArray(q.state) ? !q.state.includes(a.state) : q.state !== undefined && a.state !== q.state) return false;
  if (q.source !== undefined && a.external?.source !== q.source) return false;
  if (q.twinId !== undefined && a.twinId !== q.twinId) return false;
  if (q.ruleId !== undefined && a.ruleId !== q.ruleId) return false;
  if (q.severity !== undefined && a.severity !== q.severity) return false;
  const raised = Date.parse(a.raisedAt);
  if (q.from !== undefined && raised < q.from) return false;
  if (q.to !== undefined && raised >= q.to) return false;
  if (q.after !== undefined && a.id <= q.after) return false;
  return true;
}

/** In-memory store, for tests and as the reference of the port's semantics. */
export class MemoryAlertStore implements AlertStore {
  private readonly alerts = new Map<string, Alert>();
  async put(alert: Alert): Promise<void> {
    this.alerts.set(alert.id, structuredClone(alert));
  }
  async get(id: string): Promise<Alert | undefined> {
    const a = this.alerts.get(id);
    return a === undefined ? undefined : structuredClone(a);
  }
  async listOpen(): Promise<Alert[]> {
    return this.query({ state: 'open', limit: 1_000_000 });
  }
  async query(q: AlertQuery): Promise<Alert[]> {
    return [...this.alerts.values()].filter((a) => matches(a, q)).sort((a, b) => (a.id < b.id ? -1 : 1)).slice(0, q.limit ?? 100).map((a) => structuredClone(a));
  }
}
