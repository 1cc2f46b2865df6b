import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJson, MAX_JSON_DEPTH } from './parser.js';
import { JsonSyntaxError } from './lexer.js';
import { toPlain } from './ast.js';

test('parses values with lines and JSON paths', () => {
  const node = parseJson('{\n  "a": [1, {"b c": true}],\n  "d": null\n}');
  assert.equal(node.kind, 'object');
  if (node.kind !== 'object') return;
  assert.equal(node.line, 1);
  assert.equal(node.endLine, 4);
  const a = node.members[0]!;
  assert.equal(a.key, 'a');
  assert.equal(a.keyLine, 2);
  assert.equal(a.value.path, '$.a');
  if (a.value.kind !== 'array') return assert.fail('array expected');
  const inner = a.value.items[1]!;
  if (inner.kind !== 'object') return assert.fail('object expected');
  assert.equal(inner.members[0]!.value.path, '$.a[1]["b c"]');
  assert.equal(node.members[1]!.value.line, 3);
});

test('keeps duplicate keys in order (toPlain keeps the last, like JSON.parse)', () => {
  const node = parseJson('{"@id": "x", "@id": "y"}');
  if (node.kind !== 'object') return assert.fail('object expected');
  assert.deepEqual(
    node.members.map((m) => m.key),
    ['@id', '@id'],
  );
  assert.deepEqual(toPlain(node), { '@id': 'y' });
});

test('keeps the written form of numbers', () => {
  const node = parseJson('[1, 1.0, -2e3]');
  if (node.kind !== 'array') return assert.fail('array expected');
  assert.deepEqual(
    node.items.map((n) => (n.kind === 'number' ? [n.raw, n.value] : null)),
    [
      ['1', 1],
      ['1.0', 1],
      ['-2e3', -2000],
    ],
  );
});

test('decodes escapes and strips a byte-order mark', () => {
  assert.deepEqual(toPlain(parseJson('\uFEFF"a\\n\\u00e9\\"b"')), 'a\né"b');
});

test('rejects malformed JSON with a line number', () => {
  for (const bad of ['', '{', '{"a" 1}', '[1,]', '{"a":1} x', 'tru', '"\u0001"', '01']) {
    assert.throws(() => parseJson(bad), JsonSyntaxError, bad);
  }
  try {
    parseJson('{\n"a": 1,\n"b": }');
  } catch (e) {
    assert.ok(e instanceof JsonSyntaxError);
    assert.equal(e.line, 3);
  }
});

test('bounds nesting depth instead of overflowing the stack', () => {
  const deep = '['.repeat(MAX_JSON_DEPTH + 2) + ']'.repeat(MAX_JSON_DEPTH + 2);
  assert.throws(() => parseJson(deep), /nesting deeper/);
  const ok = '['.repeat(100) + ']'.repeat(100);
  assert.equal(parseJson(ok).kind, 'array');
});
