/**
 * Issue 6: "series by a twin-graph query (all machines of LINE-2, rolled up)" with a real ADT query
 * over a twin graph (not a stub), per local day across a DST change; memory and DuckDB here,
 * PostgreSQL in history.integration.test.ts (testing/scenarios.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createDuckDbStorage, createMemoryStorage, type StorageAdapter } from '../../storage/index.js';
import { lineScopeScenario } from '../testing/scenarios.js';

const dir = mkdtempSync(join(tmpdir(), 'twinworks-scope-'));
after(() => rmSync(dir, { recursive: true, force: true }));

for (const [name, make] of [
  ['memory', () => createMemoryStorage()],
  ['duckdb', () => createDuckDbStorage({ file: join(dir, `scope-${Math.random().toString(36).slice(2)}.duckdb`), settings: { threads: '2' } })],
] as Array<[string, () => StorageAdapter]>) {
  test(`${name}: power of every machine of LINE-2, summed, per local day in Europe/Berlin`, async (t) => {
    const store = make();
    await store.open();
    t.after(() => store.close());
    await lineScopeScenario(store);
  });
}
