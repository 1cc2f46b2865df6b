import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch, diff, parsePointer, toPointer } from '../../../web/src/lib/json-patch.js';

test('JSON pointers per RFC 6901 §3–4 (~1 is /, ~0 is ~)', () => {
  assert.deepEqual(parsePointer(''), []);
  assert.deepEqual(parsePointer('/a~1b'), ['a/b']);
  assert.deepEqual(parsePointer('/m~0n'), ['m~n']);
  assert.deepEqual(parsePointer('/~01'), ['~1'], '~01 decodes to ~1, not /');
  assert.equal(toPointer(['a/b', 'm~n']), '/a~1b/m~0n');
  assert.throws(() => parsePointer('a'));
});

test('applying a twin-update patch: replace, add into a missing component, remove', () => {
  const twin: Record<string, unknown> = { $dtId: 'M', state: 'Idle', speed: 1, spindle: { maxRpm: 1 } };
  applyPatch(twin, [
    { op: 'replace', path: '/state', value: 'Running' },
    { op: 'add', path: '/gripper/kind', value: 'vacuum' },
    { op: 'remove', path: '/speed' },
    { op: 'replace', path: '/spindle/maxRpm', value: 12000 },
    { op: 'remove', path: '/nothing/here' },
  ]);
  assert.deepEqual(twin, { $dtId: 'M', state: 'Running', spindle: { maxRpm: 12000 }, gripper: { kind: 'vacuum' } });
});

test('array operations by index and "-" (RFC 6902 §4.1)', () => {
  const doc: Record<string, unknown> = { a: [1, 2] };
  applyPatch(doc, [
    { op: 'add', path: '/a/-', value: 3 },
    { op: 'add', path: '/a/0', value: 0 },
    { op: 'remove', path: '/a/1' },
  ]);
  assert.deepEqual(doc, { a: [0, 2, 3] });
});

test('diff gives the patch that turns one document into another, leaving $ fields alone', () => {
  const before = { $dtId: 'X', $metadata: {}, state: 'Idle', speed: 1, spindle: { maxRpm: 1, toolNumber: 2 }, tags: ['a'] } as const;
  const after = { state: 'Running', spindle: { maxRpm: 1, toolNumber: 3, new: true }, tags: ['a', 'b'], 'a/b': 1 };
  const ops = diff(before as never, after as never);
  assert.deepEqual(ops, [
    { op: 'remove', path: '/speed' },
    { op: 'replace', path: '/state', value: 'Running' },
    { op: 'replace', path: '/spindle/toolNumber', value: 3 },
    { op: 'add', path: '/spindle/new', value: true },
    { op: 'replace', path: '/tags', value: ['a', 'b'] },
    { op: 'add', path: '/a~1b', value: 1 },
  ]);
  // and applying it reproduces `after`
  const copy: Record<string, unknown> = structuredClone(before) as never;
  applyPatch(copy, ops);
  const { $dtId, $metadata, ...rest } = copy;
  void $dtId;
  void $metadata;
  assert.deepEqual(rest, after);
});
