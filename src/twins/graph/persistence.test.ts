import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { createDuckDbStorage, createMemoryStorage, type StorageAdapter } from '../../storage/index.js';
import { runPersistenceContract } from '../testing/persistence-contract.js';

runPersistenceContract('memory storage', {
  async open() {
    const s = createMemoryStorage();
    await s.open();
    return s;
  },
  async reopen(store) {
    // The memory adapter keeps its documents across close/open: the nearest thing to a restart.
    await store.close();
    await store.open();
    return store;
  },
});

const dirs: string[] = [];
const files = new WeakMap<StorageAdapter, string>();
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

runPersistenceContract('duckdb storage', {
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'tw-twins-'));
    dirs.push(dir);
    const file = join(dir, 'graph.duckdb');
    const s = createDuckDbStorage({ file });
    await s.open();
    files.set(s, file);
    return s;
  },
  async reopen(store: StorageAdapter) {
    await store.close();
    const file = files.get(store) as string;
    const s = createDuckDbStorage({ file });
    await s.open();
    files.set(s, file);
    return s;
  },
});
