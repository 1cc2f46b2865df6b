/**
 * Alerts and rules persisted through the storage port: collection `alerts` (ids sortable by raise
 * time, so a time range is an id range) and `alert_rules` (the JSON rule documents).
 */
import type { StorageAdapter } from '../storage/index.js';
import { AlertErrors } from './errors.js';
import { matches, type Alert, type AlertQuery, type AlertStore } from './model.js';
import { parseRule, ruleToDocument } from './rules/schema.js';
import type { AlertRule } from './rules/ast.js';

const PAGE = 1000;
const MAX_LIMIT = 1000;
/** The id prefix of an alert raised at `ms` (ids start with the compact ISO time). */
const idAt = (ms: number) => new Date(ms).toISOString().replace(/[-:.]/g, '');

export class StorageAlertStore implements AlertStore {
  constructor(private readonly store: StorageAdapter) {}

  async put(alert: Alert): Promise<void> {
    await this.store.write([{ op: 'put', collection: 'alerts', id: alert.id, body: alert }]);
  }

  async get(id: string): Promise<Alert | undefined> {
    return (await this.store.get('alerts', id))?.body as Alert | undefined;
  }

  async listOpen(): Promise<Alert[]> {
    const out: Alert[] = [];
    for await (const d of this.store.scan('alerts', PAGE)) if ((d.body as Alert).state !== 'resolved') out.push(d.body as Alert);
    return out;
  }

  /** Walks ids from the start of the time range; stops at its end or when `limit` matched. */
  async query(q: AlertQuery): Promise<Alert[]> {
    const limit = q.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw AlertErrors.create('invalid_query', `limit must be 1..${MAX_LIMIT}`, { field: 'limit', reason: 'out of range' });
    const out: Alert[] = [];
    let after = q.after ?? (q.from !== undefined ? idAt(q.from - 1) : undefined);
    const end = q.to !== undefined ? idAt(q.to) : undefined;
    for (let guard = 0; guard < 100_000; guard++) {
      const page = await this.store.list('alerts', { ...(after !== undefined ? { after } : {}), limit: PAGE });
      for (const d of page) {
        if (end !== undefined && d.id >= end) return out;
        const a = d.body as Alert;
        if (matches(a, q)) out.push(a);
        if (out.length >= limit) return out;
      }
      if (page.length < PAGE) return out;
      after = (page[page.length - 1] as { id: string }).id;
    }
    return out;
  }
}

export class RuleStore {
  constructor(private readonly store: StorageAdapter) {}

  async list(): Promise<AlertRule[]> {
    const out: AlertRule[] = [];
    for await (const d of this.store.scan('alert_rules')) out.push(parseRule(d.body));
    return out;
  }

  async count(): Promise<number> {
    return this.store.count('alert_rules');
  }

  /** 'create' fails with alerts.rule_exists when the id is taken; 'replace' with rule_not_found when it is not. */
  async save(rule: AlertRule, mode: 'create' | 'replace' | 'upsert'): Promise<void> {
    const expectVersion = mode === 'create' ? ('absent' as const) : mode === 'replace' ? (await this.store.get('alert_rules', rule.id))?.version ?? 0 : undefined;
    if (expectVersion === 0) throw AlertErrors.create('rule_not_found', `no alert rule '${rule.id}'`, { ruleId: rule.id });
    try {
      await this.store.write([{ op: 'put', collection: 'alert_rules', id: rule.id, body: ruleToDocument(rule), ...(expectVersion !== undefined ? { expectVersion } : {}) }]);
    } catch (err) {
      if ((err as { code?: string }).code === 'storage.version_conflict' && mode === 'create') throw AlertErrors.create('rule_exists', `alert rule '${rule.id}' exists`, { ruleId: rule.id });
      throw err;
    }
  }

  async remove(id: string): Promise<void> {
    const [r] = await this.store.write([{ op: 'delete', collection: 'alert_rules', id }]);
    if (!r?.deleted) throw AlertErrors.create('rule_not_found', `no alert rule '${id}'`, { ruleId: id });
  }
}
