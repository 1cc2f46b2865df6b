import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventLog } from './log.js';

const rec = (n: number) => ({ id: `e${n}`, name: 'platform.started' as const, key: undefined, time: '2026-01-01T00:00:00.000Z', payload: { n } });

test('the log numbers events from 1 and keeps only the newest `capacity`', () => {
  const log = new EventLog(3);
  assert.equal(log.firstSeq, 1);
  assert.equal(log.lastSeq, 0);
  assert.equal(log.get(1), undefined);
  for (let n = 1; n <= 5; n++) assert.equal(log.append(rec(n)).seq, n);
  assert.equal(log.firstSeq, 3);
  assert.equal(log.lastSeq, 5);
  assert.equal(log.get(2), undefined);
  assert.equal(log.get(6), undefined);
  assert.deepEqual([3, 4, 5].map((s) => log.get(s)?.id), ['e3', 'e4', 'e5']);
  assert.ok(Object.isFrozen(log.get(4)));
});
