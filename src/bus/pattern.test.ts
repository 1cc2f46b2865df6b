import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BusErrors } from './errors.js';
import { matchName, parsePattern, patternSubject } from './pattern.js';

test('parsePattern builds literal / any / rest segments', () => {
  assert.deepEqual(parsePattern('twin.*').segments, [{ kind: 'literal', value: 'twin' }, { kind: 'any' }]);
  assert.deepEqual(parsePattern('>').segments, [{ kind: 'rest' }]);
  assert.deepEqual(parsePattern('bus.dead_letter').segments, [{ kind: 'literal', value: 'bus' }, { kind: 'literal', value: 'dead_letter' }]);
});

test('matchName follows NATS wildcard rules (* = one token, > = one or more)', () => {
  const cases: Array<[string, string, boolean]> = [
    ['twin.*', 'twin.created', true],
    ['twin.*', 'relationship.created', false],
    ['twin.*', 'twin', false],
    ['twin.*', 'twin.a.b', false],
    ['twin.>', 'twin.a.b', true],
    ['twin.>', 'twin.created', true],
    ['twin.>', 'twin', false],
    ['>', 'platform.started', true],
    ['*', 'platform.started', false],
    ['*.created', 'model.created', true],
    ['*.created', 'model.deleted', false],
    ['*.*', 'a.b', true],
    ['twin.created', 'twin.created', true],
    ['twin.created', 'twin.created.x', false],
    ['twin.created', 'twin.create', false],
  ];
  for (const [pattern, name, expected] of cases) assert.equal(matchName(parsePattern(pattern), name), expected, `${pattern} vs ${name}`);
});

test('patternSubject renders the NATS filter text', () => {
  for (const p of ['twin.*', '>', 'a.*.>', 'bus.dead_letter']) assert.equal(patternSubject(parsePattern(p)), p);
});

test('malformed patterns are bus.invalid_subject', () => {
  for (const bad of ['', '.', 'twin.', '.twin', 'twin..x', 'tw*n', 'twin.*x', '>.twin', 'twin.>.x', 'a b', 'twin.créé', 'a/b']) {
    assert.throws(() => parsePattern(bad), (e: unknown) => BusErrors.is(e, 'invalid_subject'), JSON.stringify(bad));
  }
});
