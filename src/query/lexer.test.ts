import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QueryErrors } from './errors.js';
import { tokenize, type Token } from './lexer.js';

const kinds = (ts: Token[]) =>
  ts.map((t) => (t.kind === 'word' ? `w:${t.text}` : t.kind === 'punct' ? t.value : t.kind === 'number' ? `n:${t.value}` : t.kind === 'string' ? `s:${t.value}` : 'eof'));

test('words keep their text and get an upper-case form for keyword matching', () => {
  const ts = tokenize('select * From digitalTwins');
  assert.deepEqual(kinds(ts), ['w:select', '*', 'w:From', 'w:digitalTwins', 'eof']);
  const from = ts[2] as Extract<Token, { kind: 'word' }>;
  assert.equal(from.upper, 'FROM');
  assert.equal(from.escaped, false);
});

test('[[word]] is an escaped identifier, even for reserved words', () => {
  const ts = tokenize('WHERE [[Group]] = 1');
  const g = ts[1] as Extract<Token, { kind: 'word' }>;
  assert.equal(g.kind, 'word');
  assert.equal(g.text, 'Group');
  assert.equal(g.escaped, true);
  assert.equal(g.pos.column, 7);
  assert.equal(g.end, 15);
});

test('$-prefixed names are words', () => {
  assert.deepEqual(kinds(tokenize('T.$metadata.$model')), ['w:T', '.', 'w:$metadata', '.', 'w:$model', 'eof']);
});

test('strings in single or double quotes with escapes', () => {
  assert.deepEqual(kinds(tokenize(`'it\\'s' "a\\"b" 'tab\\there' '\\u0041\\\\'`)), ['s:it\'s', 's:a"b', 's:tab\there', 's:A\\', 'eof']);
  assert.deepEqual(kinds(tokenize(`"it's"`)), ["s:it's", 'eof']);
});

test('numbers: integers, decimals, exponents; 1..3 is a range, not 1. and .3', () => {
  assert.deepEqual(kinds(tokenize('1..3 2.5 1e3 7')), ['n:1', '..', 'n:3', 'n:2.5', 'n:1000', 'n:7', 'eof']);
  assert.deepEqual(kinds(tokenize('*..10')), ['*', '..', 'n:10', 'eof']);
});

test('operators, longest first', () => {
  assert.deepEqual(kinds(tokenize('<= >= != -> <- - < > = | : , ( ) [ ]')), [
    '<=', '>=', '!=', '->', '<-', '-', '<', '>', '=', '|', ':', ',', '(', ')', '[', ']', 'eof',
  ]);
  assert.deepEqual(kinds(tokenize('(a)-[:x]->(b)<-[]-(c)')), [
    '(', 'w:a', ')', '-', '[', ':', 'w:x', ']', '->', '(', 'w:b', ')', '<-', '[', ']', '-', '(', 'w:c', ')', 'eof',
  ]);
});

test('positions count lines and columns from 1', () => {
  const ts = tokenize('SELECT *\nFROM DIGITALTWINS\n  WHERE');
  const where = ts[4]!;
  assert.deepEqual(where.pos, { offset: 29, line: 3, column: 3 });
  assert.deepEqual(ts[2]!.pos, { offset: 9, line: 2, column: 1 });
});

test('an unterminated string is an error at the end of the text', () => {
  assert.throws(
    () => tokenize("SELECT 'abc"),
    (e: unknown) => {
      assert.ok(QueryErrors.is(e, 'syntax_error'));
      assert.deepEqual(e.details.position, { offset: 11, line: 1, column: 12 });
      assert.equal(e.details.found, 'end of query');
      return true;
    },
  );
});

test('an unknown character is an error at that character', () => {
  assert.throws(
    () => tokenize('SELECT # FROM'),
    (e: unknown) => QueryErrors.is(e, 'syntax_error') && (e.details.position as { column: number }).column === 8 && e.details.found === "'#'",
  );
});

test('an invalid escape is refused', () => {
  assert.throws(() => tokenize("'a\\qb'"), (e: unknown) => QueryErrors.is(e, 'syntax_error') && (e.details.position as { column: number }).column === 3);
});
