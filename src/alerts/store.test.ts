/**
 * Alert history persisted through the storage port (DuckDB here): filters by state, twin, rule,
 * source and raise time, keyset paging past the store's page size, and rules surviving a reopen.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createDuckDbStorage } from '../storage/index.js';
import { newAlertId } from './lifecycle.js';
import type { Alert } from './model.js';
import { parseRule } from './rules/schema.js';
import { RuleStore, StorageAlertStore } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'twinworks-alert-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const T0 = Date.parse('2026-03-04T00:00:00Z');
const M = 60_000;

function alert(minute: number, over: Partial<Alert> = {}): Alert {
  const at = new Date(T0 + minute * M).toISOString();
  return { id: newAlertId(T0 + minute * M), ruleId: 'hot', ruleName: 'Hot', subject: 'cnc-1', twinId: 'cnc-1', severity: 'warning', state: 'active', message: 'm', raisedAt: at, occurrences: 1, lastFiredAt: at, escalationLevel: 0, flapping: false, history: [{ change: 'raised', at }], ...over };
}

test('history queries: time range, state, twin, source, and paging through 1 500 alerts', async () => {
  const file = join(dir, 'alerts.duckdb');
  const store = createDuckDbStorage({ file, settings: { threads: '2' } });
  await store.open();
  const alerts = new StorageAlertStore(store);
  // One alert a minute for 1 500 minutes; every 100th is resolved, every 7th on cnc-2, minute 42 from pdm.
  const all = Array.from({ length: 1500 }, (_, m) => alert(m, {
    ...(m % 100 === 0 ? { state: 'resolved', resolvedAt: new Date(T0 + m * M + 1).toISOString() } : {}),
    ...(m % 7 === 0 ? { subject: 'cnc-2', twinId: 'cnc-2' } : {}),
    ...(m === 42 ? { ruleId: 'external:pdm', external: { source: 'pdm', key: 'dev-1' } } : {}),
  }));
  // Seeded in one batch (1 500 single puts would be 1 500 transactions); put itself is checked last.
  await store.write(all.slice(1).map((a) => ({ op: 'put' as const, collection: 'alerts' as const, id: a.id, body: a })));
  await alerts.put(all[0] as Alert);
  assert.equal((await alerts.listOpen()).length, 1500 - 15);
  // [10:00, 12:00) raised: minutes 600..719.
  const range = await alerts.query({ from: T0 + 600 * M, to: T0 + 720 * M, limit: 1000 });
  assert.deepEqual([range.length, range[0]?.raisedAt, range.at(-1)?.raisedAt], [120, '2026-03-04T10:00:00.000Z', '2026-03-04T11:59:00.000Z']);
  assert.deepEqual((await alerts.query({ state: 'resolved', limit: 1000 })).map((a) => Date.parse(a.raisedAt)), Array.from({ length: 15 }, (_, k) => T0 + k * 100 * M));
  assert.equal((await alerts.query({ twinId: 'cnc-2', limit: 1000 })).length, Math.ceil(1500 / 7));
  assert.deepEqual((await alerts.query({ source: 'pdm' })).map((a) => a.raisedAt), ['2026-03-04T00:42:00.000Z']);
  // Keyset paging: pages of 400 by `after`, past the store's own 1 000-row pages, see each alert once.
  const seen: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await alerts.query({ limit: 400, ...(after !== undefined ? { after } : {}) });
    seen.push(...page.map((a) => a.id));
    if (page.length < 400) break;
    after = page.at(-1)?.id;
  }
  assert.equal(seen.length, 1500);
  assert.equal(new Set(seen).size, 1500);
  assert.deepEqual(seen, [...seen].sort());
  await assert.rejects(alerts.query({ limit: 5000 }), (e: { code?: string }) => e.code === 'alerts.invalid_query');

  const rules = new RuleStore(store);
  await rules.save(parseRule({ id: 'hot', name: 'Hot', severity: 'critical', scope: { all: true }, condition: { kind: 'anomalous', for: '5m' } }), 'create');
  await store.close();
  const reopened = createDuckDbStorage({ file, settings: { threads: '2' } });
  await reopened.open();
  assert.deepEqual((await new RuleStore(reopened).list()).map((r) => r.condition), [{ kind: 'for', seconds: 300, condition: { kind: 'anomalous', signal: undefined, threshold: 0.9, hysteresis: 0 } }]);
  assert.equal((await new StorageAlertStore(reopened).get(range[0]?.id ?? ''))?.raisedAt, '2026-03-04T10:00:00.000Z');
  await reopened.close();
});
