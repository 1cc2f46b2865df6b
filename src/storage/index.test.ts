import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMemoryStorage } from './index.js';

test('factories return unopened adapters', async () => {
  const s = createMemoryStorage();
  await assert.rejects(s.count('twins'), { code: 'storage.unavailable' });
  await s.open();
  assert.equal(await s.count('twins'), 0);
});
