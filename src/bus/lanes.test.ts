import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyedLanes, Slots } from './lanes.js';

const tick = (ms = 1) => new Promise((r) => setTimeout(r, ms));

test('items of one key are worked one at a time in push order; keys run side by side', async () => {
  const done: string[] = [];
  const active = new Map<string, number>();
  let maxPerKey = 0;
  let maxOverall = 0;
  const lanes = new KeyedLanes<string>(async (item) => {
    const key = item[0] as string;
    active.set(key, (active.get(key) ?? 0) + 1);
    maxPerKey = Math.max(maxPerKey, active.get(key) ?? 0);
    maxOverall = Math.max(maxOverall, [...active.values()].reduce((a, b) => a + b, 0));
    await tick(item.endsWith('0') ? 5 : 1);
    active.set(key, (active.get(key) ?? 1) - 1);
    done.push(item);
    return 'done';
  });
  for (let i = 0; i < 4; i++) for (const k of ['a', 'b', 'c']) lanes.push(k, `${k}${i}`);
  assert.equal(lanes.size, 12);
  await tick(0);
  await lanes.idle();
  assert.equal(lanes.size, 0);
  for (const k of ['a', 'b', 'c']) assert.deepEqual(done.filter((d) => d.startsWith(k)), [`${k}0`, `${k}1`, `${k}2`, `${k}3`]);
  assert.equal(maxPerKey, 1);
  assert.equal(maxOverall, 3);
});

test("'keep' parks a lane with its head in place until resume()", async () => {
  let open = false;
  const seen: string[] = [];
  const lanes = new KeyedLanes<string>(async (item) => {
    seen.push(item);
    return open ? 'done' : 'keep';
  });
  lanes.push('k', 'x1');
  lanes.push('k', 'x2');
  await lanes.idle();
  assert.deepEqual(seen, ['x1']);
  assert.equal(lanes.size, 2);
  open = true;
  lanes.resume();
  await lanes.idle();
  assert.deepEqual(seen, ['x1', 'x1', 'x2']);
  assert.equal(lanes.size, 0);
});

test('Slots admits at most n holders and hands slots over in arrival order', async () => {
  const slots = new Slots(2);
  let holders = 0;
  let peak = 0;
  const order: number[] = [];
  await Promise.all(
    Array.from({ length: 6 }, async (_, i) => {
      await slots.acquire();
      order.push(i);
      holders++;
      peak = Math.max(peak, holders);
      await tick(2);
      holders--;
      slots.release();
    }),
  );
  assert.equal(peak, 2);
  assert.deepEqual(order, [0, 1, 2, 3, 4, 5]);
});
