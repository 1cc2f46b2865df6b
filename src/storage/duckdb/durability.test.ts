import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runAndKill, verifyAfterCrash } from '../testing/crash-shared.js';
import { DuckDbStorage } from './duckdb.js';

const dir = mkdtempSync(join(tmpdir(), 'twinworks-duckdb-crash-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('every acknowledged write survives SIGKILL of the writing process', async () => {
  const file = join(dir, 'crash.duckdb');
  // A tiny checkpoint threshold makes the child checkpoint the WAL into the file many times while it
  // runs, so the kill can land during a checkpoint as well as during a plain commit.
  const settings = JSON.stringify({ checkpoint_threshold: '64KB', threads: '1' });
  const run = await runAndKill(['duckdb', file, settings], 120);
  const s = new DuckDbStorage({ file });
  await s.open(); // replays the WAL
  try {
    const found = await verifyAfterCrash(s, run);
    assert.ok(found.docs >= 120);
    // Still writable after recovery.
    await s.write([{ op: 'put', collection: 'twins', id: 'after-crash', body: { ok: true }, expectVersion: 'absent' }]);
  } finally {
    await s.close();
  }
  // And recovery plus the write above were themselves durable.
  const again = new DuckDbStorage({ file });
  await again.open();
  try {
    assert.deepEqual((await again.get('twins', 'after-crash'))?.body, { ok: true });
  } finally {
    await again.close();
  }
});
