import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decidePointsLayout, parsePreloadLibraries } from './layout.js';

const base = { wanted: 'auto', available: true, installedVersion: null, preloadLibraries: 'timescaledb' } as const;

test('hypertable when timescaledb is available and preloaded; create the extension only if not installed', () => {
  assert.deepEqual(decidePointsLayout(base), { kind: 'hypertable', createExtension: true });
  assert.deepEqual(decidePointsLayout({ ...base, installedVersion: '2.14.2' }), { kind: 'hypertable', createExtension: false });
});

test('plain table when the extension is missing, not preloaded, or switched off', () => {
  assert.equal(decidePointsLayout({ ...base, available: false }).kind, 'plain');
  assert.deepEqual(decidePointsLayout({ ...base, preloadLibraries: '' }), { kind: 'plain', reason: 'timescaledb is not in shared_preload_libraries' });
  assert.deepEqual(decidePointsLayout({ ...base, preloadLibraries: 'pg_stat_statements' }).kind, 'plain');
  assert.deepEqual(decidePointsLayout({ ...base, installedVersion: '2.14.2', preloadLibraries: '' }).kind, 'plain');
  assert.deepEqual(decidePointsLayout({ ...base, wanted: 'off' }), { kind: 'plain', reason: 'disabled by the timescale option' });
  // This machine: PostgreSQL 15 without TimescaleDB.
  assert.deepEqual(decidePointsLayout({ wanted: 'auto', available: false, installedVersion: null, preloadLibraries: '' }), {
    kind: 'plain',
    reason: 'the timescaledb extension is not installed on the server',
  });
});

test('shared_preload_libraries parsing handles quotes, $libdir paths, versions and look-alikes', () => {
  assert.deepEqual(parsePreloadLibraries(`pg_stat_statements, "timescaledb" ,'auto_explain'`), ['pg_stat_statements', 'timescaledb', 'auto_explain']);
  assert.deepEqual(parsePreloadLibraries('$libdir/timescaledb.so'), ['timescaledb']);
  assert.deepEqual(parsePreloadLibraries(''), []);
  assert.equal(decidePointsLayout({ ...base, preloadLibraries: 'pg_stat_statements,timescaledb-2.14.2' }).kind, 'hypertable');
  assert.equal(decidePointsLayout({ ...base, preloadLibraries: 'not_timescaledb' }).kind, 'plain');
});
