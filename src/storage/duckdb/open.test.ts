import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { once } from 'node:events';
import { rejectsWith } from '../testing/helpers.js';
import { DuckDbStorage } from './duckdb.js';

const dir = mkdtempSync(join(tmpdir(), 'twinworks-duckdb-open-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a second open of the same file in this process is storage.unavailable naming the file', async () => {
  const file = join(dir, 'same-process.duckdb');
  const first = new DuckDbStorage({ file });
  await first.open();
  // Another spelling of the same path must be recognised too.
  const err = await rejectsWith(new DuckDbStorage({ file: join(dir, '.', 'same-process.duckdb') }).open(), 'storage.unavailable');
  assert.equal(err.details.target, file);
  assert.match(err.message, /same-process\.duckdb/);
  assert.equal(err.details.reason, 'already open in this process');
  await first.write([{ op: 'put', collection: 'twins', id: 'a', body: 1 }]);
  await first.close();
  const second = new DuckDbStorage({ file });
  await second.open();
  assert.equal((await second.get('twins', 'a'))?.body, 1);
  await second.close();
});

test('a file held by another process is storage.unavailable naming the file, not a crash', async () => {
  const file = join(dir, 'other-process.duckdb');
  // The holder imports DuckDB directly: no TypeScript needed, so it starts fast.
  const holder = spawn(
    process.execPath,
    ['--input-type=module', '-e', `import { DuckDBInstance } from '@duckdb/node-api'; await DuckDBInstance.create(${JSON.stringify(file)}); console.log('ready'); setInterval(() => {}, 1000);`],
    { stdio: ['ignore', 'pipe', 'inherit'], cwd: process.cwd() },
  );
  try {
    const [chunk] = (await once(holder.stdout, 'data')) as [Buffer];
    assert.equal(chunk.toString().trim(), 'ready');
    const err = await rejectsWith(new DuckDbStorage({ file }).open(), 'storage.unavailable');
    assert.equal(err.details.target, file);
    assert.match(String(err.details.reason), /locked by another process/);
    assert.match(err.message, /other-process\.duckdb/);
  } finally {
    holder.kill('SIGKILL');
    await once(holder, 'exit');
  }
  // Once the holder is gone the lock is released and the file opens (and migrates) normally.
  const s = new DuckDbStorage({ file });
  await s.open();
  assert.deepEqual(await s.appliedMigrations(), [1, 2, 3, 4, 5]);
  await s.close();
});

test('close waits for queued writes, then later calls fail', async () => {
  const s = new DuckDbStorage({ file: join(dir, 'drain.duckdb') });
  await s.open();
  const pending = Array.from({ length: 5 }, (_, i) => s.write([{ op: 'put', collection: 'devices', id: `d${i}`, body: i }]));
  await s.close();
  const results = await Promise.all(pending);
  assert.deepEqual(results.map((r) => r[0]?.version), [1, 1, 1, 1, 1]);
  await rejectsWith(s.count('devices'), 'storage.unavailable');
  await s.open();
  assert.equal(await s.count('devices'), 5);
  await s.close();
});

test('a file that is not a DuckDB database, or an unusable directory, is storage.unavailable', async () => {
  const garbage = join(dir, 'garbage.duckdb');
  writeFileSync(garbage, 'this is not a database file, just text that is long enough to have a header '.repeat(100));
  const err = await rejectsWith(new DuckDbStorage({ file: garbage }).open(), 'storage.unavailable');
  assert.equal(err.details.target, garbage);
  // A regular file where the directory should be.
  const blocker = join(dir, 'not-a-dir');
  writeFileSync(blocker, 'x');
  await rejectsWith(new DuckDbStorage({ file: join(blocker, 'db.duckdb') }).open(), 'storage.unavailable');
});
