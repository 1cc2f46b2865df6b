import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyPgError, redactUrl } from './pg-errors.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

test('connection problems are unavailable; deadlocks and serialization failures are retried', () => {
  assert.equal(classifyPgError(withCode('ECONNREFUSED')), 'unavailable');
  assert.equal(classifyPgError(withCode('57P01')), 'unavailable'); // admin_shutdown
  assert.equal(classifyPgError(withCode('08006')), 'unavailable'); // connection_failure
  assert.equal(classifyPgError(withCode('28P01')), 'unavailable'); // invalid_password
  assert.equal(classifyPgError(withCode('3D000')), 'unavailable'); // invalid_catalog_name
  assert.equal(classifyPgError(new Error('Connection terminated unexpectedly')), 'unavailable');
  assert.equal(classifyPgError(withCode('40P01')), 'retry');
  assert.equal(classifyPgError(withCode('40001')), 'retry');
  assert.equal(classifyPgError(withCode('42P01')), 'other'); // undefined_table is a bug here
  assert.equal(classifyPgError(withCode('23505')), 'other');
  assert.equal(classifyPgError('weird'), 'other');
});

test('URLs lose their password in messages', () => {
  assert.equal(redactUrl('postgres://app:s3cret@db:5432/tw'), 'postgres://app:***@db:5432/tw');
  assert.equal(redactUrl('postgres://postgres@127.0.0.1:5432/test'), 'postgres://postgres@127.0.0.1:5432/test');
  assert.equal(redactUrl('::not a url::'), '(unparseable database URL)');
});
