import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCsv, parseCsv, parseNumberTable } from './csv.js';
import { MlErrors } from './errors.js';

test('CSV: strips the BOM, handles quotes, doubled quotes and CRLF', () => {
  const t = parseCsv('\ufeffa,b\r\n1,"x, ""y"""\r\n2,z\r\n');
  assert.deepEqual(t.header, ['a', 'b']);
  assert.deepEqual(t.rows, [['1', 'x, "y"'], ['2', 'z']]);
});

test('CSV: a short row is reported with its line number', () => {
  assert.throws(() => parseCsv('a,b\n1,2\n3\n'), (e: unknown) => MlErrors.is(e, 'bad_data') && /row 3/.test((e as Error).message));
});

test('CSV: format then parse gives the same cells', () => {
  const text = formatCsv(['unit', 'note'], [[1, 'a,b'], [2, 'say "hi"']]);
  assert.deepEqual(parseCsv(text).rows, [['1', 'a,b'], ['2', 'say "hi"']]);
});

test('number table: trailing spaces and blank lines are ignored (C-MAPSS layout)', () => {
  assert.deepEqual(parseNumberTable('1 1 0.5  \n1 2 -0.25  \n\n'), [[1, 1, 0.5], [1, 2, -0.25]]);
  assert.throws(() => parseNumberTable('1 2\n1 x\n'), (e: unknown) => MlErrors.is(e, 'bad_data'));
});
