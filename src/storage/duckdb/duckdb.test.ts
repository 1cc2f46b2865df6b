import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStorageContract } from '../testing/contract.js';
import { DuckDbStorage } from './duckdb.js';

const dir = mkdtempSync(join(tmpdir(), 'twinworks-duckdb-contract-'));
let n = 0;

runStorageContract('duckdb', {
  migrations: [1, 2, 3, 4, 5],
  async create() {
    const file = join(dir, `store-${n++}.duckdb`);
    // Two threads: the test machine has two cores shared with other suites.
    const settings = { threads: '2' };
    const storage = new DuckDbStorage({ file, settings });
    await storage.open();
    return {
      storage,
      reopen: async () => {
        const again = new DuckDbStorage({ file, settings });
        await again.open();
        return again;
      },
    };
  },
  async teardown() {
    rmSync(dir, { recursive: true, force: true });
  },
});
