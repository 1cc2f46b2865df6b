import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DetectorBank } from './bank.js';
import { noveltyDetectorFactory } from './detector.js';
import { AnomalyErrors } from './errors.js';
import type { DetectorFactory } from './types.js';

const T0 = Date.UTC(2024, 0, 1);
const wave = (i: number, k: number) => Math.sin(i / (7 + k)) * 10 + ((i * (31 + k)) % 17) + (i === 900 ? 80 * (k + 1) : 0);

test('interleaved signals are scored exactly as if each had its own detector', () => {
  const bank = new DetectorBank();
  const alone = [0, 1].map((k) => {
    const d = noveltyDetectorFactory().create();
    return Array.from({ length: 1200 }, (_, i) => d.update(T0 + i * 60_000, wave(i, k)));
  });
  const mixed: number[][] = [[], []];
  for (let i = 0; i < 1200; i++) for (const k of [1, 0]) mixed[k]!.push(bank.score(`twin-${k}/temp`, T0 + i * 60_000, wave(i, k)));
  assert.deepEqual(mixed, alone);
  assert.equal(bank.size, 2);
});

test('maxSignals drops the least recently scored signal', () => {
  let created = 0;
  const counting: DetectorFactory = { name: 'c', create: () => (created++, { update: () => 0 }) };
  const bank = new DetectorBank({ factory: counting, maxSignals: 2 });
  bank.score('a', 0, 1);
  bank.score('b', 0, 1);
  bank.score('a', 1, 1); // a is now the most recent
  bank.score('c', 1, 1); // evicts b
  assert.ok(bank.has('a') && bank.has('c') && !bank.has('b'));
  assert.equal(created, 3);
  bank.score('b', 2, 1); // comes back fresh, evicting a
  assert.equal(created, 4);
  assert.ok(!bank.has('a'));
  assert.equal(bank.delete('c'), true);
  assert.equal(bank.size, 1);
});

test('maxSignals below 1 is refused', () => {
  assert.throws(() => new DetectorBank({ maxSignals: 0 }), (e) => AnomalyErrors.is(e, 'bad_config'));
});
