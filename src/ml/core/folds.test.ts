import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupFolds, splitFold, stratifiedFolds } from './folds.js';

test('stratified folds: 10 positives over 5 folds gives exactly 2 per fold, and every row in one fold', () => {
  const labels = Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? 1 : 0));
  const fold = stratifiedFolds(labels, 5, 1);
  for (let f = 0; f < 5; f++) {
    const { train, test: held } = splitFold(fold, f);
    assert.equal(train.length + held.length, 100);
    assert.equal(held.length, 20);
    assert.equal(Array.from(held).filter((i) => labels[i] === 1).length, 2);
  }
});

test('group folds never split a group', () => {
  const groups = Array.from({ length: 60 }, (_, i) => Math.floor(i / 6));
  const fold = groupFolds(groups, 3, 2);
  for (let g = 0; g < 10; g++) assert.equal(new Set(Array.from(fold).filter((_, i) => groups[i] === g)).size, 1);
  assert.equal(new Set(fold).size, 3);
});
