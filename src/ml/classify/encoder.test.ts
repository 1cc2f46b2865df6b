import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MlErrors } from '../core/index.js';
import { encode, fitEncoder } from './encoder.js';
import { binaryLabels, dropColumns, type Table } from './table.js';

const rows = Array.from({ length: 20 }, (_, i) => [String(i + 1), `P${1000 + i}`, ['L', 'M', 'H'][i % 3]!, String(300 + (i % 4)), String(i % 5), i % 7 === 0 ? '1' : '0']);
const table: Table = { columns: ['UDI', 'Product ID', 'Type', 'Air', 'Wear', 'Failure'], rows };

test('identifiers are detected: a consecutive integer counter and near-unique text', () => {
  const enc = fitEncoder(dropColumns(table, ['Failure']), { interactions: false });
  const kinds = Object.fromEntries(enc.columns.map((c) => [c.name, c.kind]));
  assert.deepEqual(kinds, { UDI: 'dropped', 'Product ID': 'dropped', Type: 'onehot', Air: 'numeric', Wear: 'numeric' });
  assert.deepEqual(enc.featureNames, ['Type=H', 'Type=L', 'Type=M', 'Air', 'Wear']);
});

test('a row counter is still an identifier when a fold holds only some of its values', () => {
  const every3rdMissing = rows.filter((_, i) => i % 3 !== 2);
  const enc = fitEncoder(dropColumns({ columns: table.columns, rows: every3rdMissing }, ['Failure']), { interactions: false });
  assert.equal(enc.columns[0]!.kind, 'dropped');
  // Distinct integers spread far wider than the row count (e.g. timestamps) are kept as numbers.
  const sparse = fitEncoder({ columns: ['t'], rows: Array.from({ length: 20 }, (_, i) => [String(1000 * i)]) });
  assert.equal(sparse.columns[0]!.kind, 'numeric');
});

test('one-hot encoding, unseen levels as all zeros, and product/difference interactions', () => {
  const train: Table = { columns: ['t', 'a', 'b'], rows: [['x', '2', '5'], ['y', '3', '1'], ['x', '4', '0']] };
  const enc = fitEncoder(train, { levelProducts: false });
  assert.deepEqual(enc.featureNames, ['t=x', 't=y', 'a', 'b', 'a*b', 'a-b']);
  const m = encode(enc, { columns: ['b', 'a', 't'], rows: [['5', '2', 'x'], ['1', '3', 'z'], ['', '7', 'y']] });
  assert.deepEqual(Array.from(m.data.subarray(0, 6)), [1, 0, 2, 5, 10, -3]);
  assert.deepEqual(Array.from(m.data.subarray(6, 12)), [0, 0, 3, 1, 3, 2]);
  const third = Array.from(m.data.subarray(12, 18));
  assert.deepEqual(third.slice(0, 3), [0, 1, 7]);
  assert.ok(third.slice(3).every(Number.isNaN), 'missing b → NaN, and NaN in its interactions');
});

test('per-level products: a·b on rows of that level, missing on the others and for unseen levels', () => {
  const train: Table = { columns: ['t', 'a', 'b'], rows: [['x', '2', '5'], ['y', '3', '1'], ['x', '4', '0']] };
  assert.equal(fitEncoder(train).levelProducts, undefined, 'off by default');
  const enc = fitEncoder(train, { levelProducts: true });
  assert.deepEqual(enc.featureNames, ['t=x', 't=y', 'a', 'b', 'a*b', 'a-b', 'a*b|t=x', 'a*b|t=y']);
  const m = encode(enc, { columns: ['t', 'a', 'b'], rows: [['x', '2', '5'], ['y', '3', '1'], ['z', '4', '4']] });
  // Row 1 (level x): 2·5 = 10 in the x column, missing in the y column; row 2 (y): 3·1 = 3; row 3: unseen level.
  const tail = (r: number) => Array.from(m.data.subarray(r * 8 + 6, r * 8 + 8));
  assert.equal(tail(0)[0], 10);
  assert.ok(Number.isNaN(tail(0)[1]!));
  assert.ok(Number.isNaN(tail(1)[0]!));
  assert.equal(tail(1)[1], 3);
  assert.ok(tail(2).every(Number.isNaN));
  // Off with interactions, and for text columns with more than 4 levels.
  assert.equal(fitEncoder(train, { interactions: false, levelProducts: true }).levelProducts, undefined);
  const five: Table = { columns: ['t', 'a', 'b'], rows: ['p', 'q', 'r', 's', 'u'].map((l, i) => [l, String(i), String(i * i)]) };
  assert.equal(fitEncoder(five, { levelProducts: true }).levelProducts, undefined);
});

test('encoding fails clearly when a model column is missing or a numeric cell is text', () => {
  const enc = fitEncoder({ columns: ['a', 'b'], rows: [['1', '2'], ['2', '3'], ['3', '5']] });
  assert.throws(() => encode(enc, { columns: ['a'], rows: [['1']] }), (e: unknown) => MlErrors.is(e, 'unknown_column'));
  assert.throws(() => encode(enc, { columns: ['a', 'b'], rows: [['1', 'oops']] }), (e: unknown) => MlErrors.is(e, 'bad_data') && /row 1/.test((e as Error).message));
});

test('binary labels: 0/1 maps directly; two text values need no flag (rarer is positive); typos in names fail', () => {
  assert.deepEqual(Array.from(binaryLabels(table, 'Failure').labels), rows.map((r) => (r[5] === '1' ? 1 : 0)));
  const t: Table = { columns: ['y'], rows: [['ok'], ['ok'], ['broken'], ['ok']] };
  const res = binaryLabels(t, 'y');
  assert.equal(res.positive, 'broken');
  assert.deepEqual(Array.from(res.labels), [0, 0, 1, 0]);
  assert.throws(() => binaryLabels({ columns: ['y'], rows: [['a'], ['b'], ['c']] }, 'y'), (e: unknown) => MlErrors.is(e, 'bad_data'));
  assert.throws(() => dropColumns(table, ['Machine Failure']), (e: unknown) => MlErrors.is(e, 'unknown_column'));
});

test('ratios: a/b after a·b and a−b for each pair, missing when b = 0', () => {
  const train: Table = { columns: ['a', 'b'], rows: [['2', '5'], ['3', '1'], ['4', '0']] };
  assert.equal(fitEncoder(train).ratios, undefined, 'off by default');
  const enc = fitEncoder(train, { ratios: true });
  assert.deepEqual(enc.featureNames, ['a', 'b', 'a*b', 'a-b', 'a/b']);
  const m = encode(enc, { columns: ['a', 'b'], rows: [['3', '4'], ['-6', '8'], ['4', '0']] });
  assert.deepEqual(Array.from(m.data.subarray(0, 10)), [3, 4, 12, -1, 0.75, -6, 8, -48, -14, -0.75]);
  assert.ok(Number.isNaN(m.data[14]!), '4/0 is missing, not Infinity');
  assert.equal(fitEncoder(train, { interactions: false, ratios: true }).ratios, undefined, 'no pairs, no ratios');
});
