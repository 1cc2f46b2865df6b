import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMemoryStorage, createStorageFromTarget } from './index.js';

test('a --database value picks the adapter by its scheme', () => {
  assert.equal(createStorageFromTarget('postgres://u@h/db').kind, 'postgres');
  assert.equal(createStorageFromTarget('postgresql://u@h/db').kind, 'postgres');
  assert.equal(createStorageFromTarget('/var/lib/twinworks/twinworks.duckdb').kind, 'duckdb');
  assert.equal(createStorageFromTarget('data/twinworks.duckdb').kind, 'duckdb');
});

test('factories return unopened adapters', async () => {
  const s = createMemoryStorage();
  await assert.rejects(s.count('twins'), { code: 'storage.unavailable' });
  await s.open();
  assert.equal(await s.count('twins'), 0);
});
