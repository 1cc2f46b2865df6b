import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TwinworksError } from '../shared/errors.js';
import { planBatches } from './plan.js';
import { checkOps } from './validate.js';
import type { WriteOp } from './port.js';

const put = (id: string, body: unknown, expectVersion?: number | 'absent'): WriteOp => ({ op: 'put', collection: 'twins', id, body, expectVersion });
const del = (id: string, expectVersion?: number): WriteOp => ({ op: 'delete', collection: 'twins', id, expectVersion });

test('a group plans batches in order; a conflicting batch is dropped alone; changes are net of all accepted', () => {
  // Stored before: x at version 3, y at version 1.
  const stored = new Map([['x', 3], ['y', 1]]);
  const batches = [
    [put('x', 'x4', 3), put('n', 'new', 'absent')], // accepted: x→4, n→1
    [put('y', 'lost'), put('x', 'stale', 3)], // rejected: x is at 4 now; its put of y must vanish
    [del('y', 1), put('n', 'n2', 1)], // accepted: y deleted, n→2
    [put('t', 'temp'), del('t')], // accepted, net nothing
  ].map((b) => checkOps(b));
  const { outcomes, changes } = planBatches(batches, (_c, id) => stored.get(id));
  assert.deepEqual(outcomes[0], [
    { collection: 'twins', id: 'x', version: 4, deleted: false },
    { collection: 'twins', id: 'n', version: 1, deleted: false },
  ]);
  assert.ok(outcomes[1] instanceof TwinworksError);
  assert.deepEqual(outcomes[1].details, { collection: 'twins', id: 'x', expected: 3, actual: 4 });
  assert.deepEqual(outcomes[2], [
    { collection: 'twins', id: 'y', version: 1, deleted: true },
    { collection: 'twins', id: 'n', version: 2, deleted: false },
  ]);
  assert.deepEqual(outcomes[3], [
    { collection: 'twins', id: 't', version: 1, deleted: false },
    { collection: 'twins', id: 't', version: 1, deleted: true },
  ]);
  assert.deepEqual(changes.get('twins'), {
    inserts: [{ id: 'n', version: 2, bodyText: '"n2"' }],
    updates: [{ id: 'x', version: 4, bodyText: '"x4"' }],
    deletes: ['y'],
  });
});

test('delete then re-create of a stored id is an update back to version 1', () => {
  const { outcomes, changes } = planBatches([checkOps([del('x'), put('x', 'again', 'absent')])], () => 7);
  assert.deepEqual(outcomes[0], [
    { collection: 'twins', id: 'x', version: 7, deleted: true },
    { collection: 'twins', id: 'x', version: 1, deleted: false },
  ]);
  assert.deepEqual(changes.get('twins'), { inserts: [], updates: [{ id: 'x', version: 1, bodyText: '"again"' }], deletes: [] });
});
