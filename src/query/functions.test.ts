/**
 * Operators and functions on the hand-built factory (testing/factory.ts has the table the expected
 * ids below were read from).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { executeQuery } from './index.js';
import { M, buildFactory } from './testing/factory.js';

const graph = buildFactory();

function ids(where: string): string[] {
  const page = executeQuery(`SELECT T.$dtId FROM DIGITALTWINS T WHERE ${where}`, graph, { pageSize: 1000 });
  return page.value.map((v) => (v as { $dtId: string }).$dtId).sort();
}

test('comparison operators on numbers', () => {
  assert.deepEqual(ids('T.oee > 0.8'), ['m-1-3', 'm-2-3', 'm-3-1']);
  assert.deepEqual(ids('T.oee >= 0.8'), ['m-1-1', 'm-1-3', 'm-2-3', 'm-3-1']);
  assert.deepEqual(ids('T.oee < 0.55'), ['m-2-1', 'm-2-4']);
  assert.deepEqual(ids('T.oee <= 0.55'), ['m-2-1', 'm-2-4', 'm-3-3']);
  assert.deepEqual(ids('T.oee = 0.7'), ['m-1-2', 'm-3-2']);
  assert.deepEqual(ids('0.7 = T.oee'), ['m-1-2', 'm-3-2']);
});

test('!= skips twins where the property is missing (11 machines have oee, 2 of them 0.7)', () => {
  assert.deepEqual(ids('T.oee != 0.7'), ['m-1-1', 'm-1-3', 'm-1-4', 'm-2-1', 'm-2-2', 'm-2-3', 'm-2-4', 'm-3-1', 'm-3-3']);
});

test('strings compare by code unit; different types never compare', () => {
  assert.deepEqual(ids("T.serial < 'S-2'"), ['m-1-1', 'm-1-2', 'm-1-3', 'm-1-4']);
  assert.deepEqual(ids("T.oee = '0.8'"), []);
  assert.deepEqual(ids('T.serial > 5'), []);
});

test('booleans', () => {
  assert.deepEqual(ids('T.active = true'), ['line-1', 'line-2']);
  assert.deepEqual(ids('IS_BOOL(T.active) AND T.active != false'), ['line-1', 'line-2']);
  assert.deepEqual(ids('IS_BOOL(T.active)'), ['line-1', 'line-2', 'line-3']);
});

test('IN, NIN and NOT IN', () => {
  assert.deepEqual(ids("T.status IN ['idle', 'down']"), ['m-1-3', 'm-1-4', 'm-2-2', 'm-2-4', 'm-3-3', 'm-3-4']);
  const notRunning = ['m-1-3', 'm-1-4', 'm-2-2', 'm-2-4', 'm-3-3', 'm-3-4'];
  assert.deepEqual(ids("T.status NIN ['running']"), notRunning);
  assert.deepEqual(ids("T.status NOT IN ['running']"), notRunning);
  assert.deepEqual(ids("T.$dtId IN ['line-2', 'nope', 'm-1-1']"), ['line-2', 'm-1-1']);
});

test('AND, OR, NOT and parentheses', () => {
  assert.deepEqual(ids("T.status = 'running' AND (T.oee > 0.9 OR T.oee < 0.6)"), ['m-2-1', 'm-3-1']);
  // AND binds tighter: idle twins, plus down twins with oee > 0.6.
  assert.deepEqual(ids("T.status = 'idle' OR T.status = 'down' AND T.oee > 0.6"), ['m-1-3', 'm-2-2', 'm-2-4', 'm-3-3']);
  assert.deepEqual(ids("(T.status = 'idle' OR T.status = 'down') AND T.oee > 0.6"), ['m-1-3', 'm-2-2']);
  // NOT of an unknown (m-3-4 has no oee) stays unknown, so m-3-4 is not returned.
  assert.deepEqual(ids(`IS_OF_MODEL(T, '${M.machine}') AND NOT T.oee < 0.7`), ['m-1-1', 'm-1-2', 'm-1-3', 'm-2-3', 'm-3-1', 'm-3-2']);
});

test('type-checking functions', () => {
  assert.equal(ids('IS_DEFINED(T.oee)').length, 11);
  assert.equal(ids('NOT IS_DEFINED(T.oee)').length, 5);
  assert.equal(ids('IS_NULL(T.maintenance.lastService)').length, 12);
  assert.equal(ids('IS_NUMBER(T.oee)').length, 11);
  assert.deepEqual(ids('IS_STRING(T.name)'), ['factory-1', 'line-1', 'line-2', 'line-3']);
  assert.equal(ids('IS_OBJECT(T.maintenance)').length, 12);
  assert.deepEqual(ids('IS_OBJECT(T.tags)'), []);
  assert.deepEqual(ids('IS_OBJECT(T.site) AND NOT IS_DEFINED(T.site.country)'), ['factory-1']);
  assert.equal(ids('IS_PRIMITIVE(T.maintenance.lastService)').length, 12);
  assert.deepEqual(ids('IS_PRIMITIVE(T.tags)'), []);
  assert.equal(ids('IS_PRIMITIVE(T.serial)').length, 12);
});

test('string functions', () => {
  assert.deepEqual(ids("STARTSWITH(T.$dtId, 'm-2')"), ['m-2-1', 'm-2-2', 'm-2-3', 'm-2-4']);
  assert.deepEqual(ids("STARTS_WITH(T.$dtId, 'line')"), ['line-1', 'line-2', 'line-3']);
  assert.deepEqual(ids("ENDSWITH(T.$dtId, '-4')"), ['m-1-4', 'm-2-4', 'm-3-4']);
  assert.deepEqual(ids("CONTAINS(T.serial, '-3')"), ['m-3-1', 'm-3-2', 'm-3-3', 'm-3-4']);
  assert.deepEqual(ids("CONTAINS(T.site.city, 'yo')"), ['factory-1']);
  assert.deepEqual(ids("STARTSWITH(T.oee, '0')"), []);
});

test('ARRAY_CONTAINS looks at the top level and keeps types apart', () => {
  const critical = ['m-1-1', 'm-1-3', 'm-2-1', 'm-2-3', 'm-3-1', 'm-3-3'];
  assert.deepEqual(ids("ARRAY_CONTAINS(T.tags, 'critical')"), critical);
  assert.deepEqual(ids('ARRAY_CONTAINS(T.tags, 1)'), critical);
  assert.deepEqual(ids("ARRAY_CONTAINS(T.tags, '1')"), []);
});

test('IS_OF_MODEL includes subtypes (transitively) unless exact', () => {
  assert.equal(ids(`IS_OF_MODEL(T, '${M.machine}')`).length, 12);
  assert.deepEqual(ids(`IS_OF_MODEL(T, '${M.machine}', exact)`), ['m-1-4', 'm-2-4', 'm-3-2']);
  assert.deepEqual(ids(`IS_OF_MODEL('${M.cnc}')`), ['m-1-1', 'm-1-2', 'm-2-1', 'm-3-1', 'm-3-3']);
  assert.deepEqual(ids(`IS_OF_MODEL('${M.cnc}', exact)`), ['m-1-1', 'm-1-2', 'm-3-1']);
  assert.deepEqual(ids(`IS_OF_MODEL(T, '${M.press}') AND T.status = 'running'`), ['m-2-3']);
  assert.deepEqual(ids("IS_OF_MODEL(T, 'dtmi:unknown;1')"), []);
  // Not as the leading condition: evaluated as a filter, with the same subtype rule.
  assert.deepEqual(ids(`T.status = 'idle' OR IS_OF_MODEL(T, '${M.fiveAxis}')`), ['m-1-3', 'm-2-1', 'm-2-4', 'm-3-3']);
});

test('$dtId, $metadata.$model and [[escaped]] reserved words', () => {
  assert.deepEqual(ids(`T.$metadata.$model = '${M.press}'`), ['m-1-3', 'm-2-2', 'm-2-3', 'm-3-4']);
  const page = executeQuery("SELECT * FROM DIGITALTWINS WHERE $dtId = 'line-2'", graph);
  assert.deepEqual(page.value.map((t) => (t as { $dtId: string }).$dtId), ['line-2']);
  const escaped = executeQuery("SELECT * FROM DIGITALTWINS WHERE [[Group]] = 'BravoTeam'", graph);
  assert.deepEqual(escaped.value.map((t) => (t as { $dtId: string }).$dtId), ['line-1']);
  assert.deepEqual(ids("T.$metadata.oee.lastUpdateTime = '2024-05-01T08:00:00Z' AND T.oee > 0.9"), ['m-3-1']);
});

test('FROM RELATIONSHIPS with $sourceId, $targetId, $relationshipName and properties', () => {
  const rels = (where: string) =>
    executeQuery(`SELECT R.$relationshipId FROM RELATIONSHIPS R WHERE ${where}`, graph, { pageSize: 1000 })
      .value.map((v) => (v as { $relationshipId: string }).$relationshipId).sort();
  assert.deepEqual(rels("R.$sourceId IN ['m-1-1', 'm-1-4']"), ['m-1-1-feeds-m-1-2', 'm-1-4-feeds-m-2-1']);
  assert.deepEqual(rels("R.$targetId = 'm-2-1'"), ['line-2-contains-m-2-1', 'm-1-4-feeds-m-2-1']);
  assert.deepEqual(rels("R.$relationshipName = 'feeds' AND R.lengthM > 10"), [
    'm-1-3-feeds-m-1-4', 'm-1-4-feeds-m-2-1', 'm-2-3-feeds-m-2-4', 'm-3-3-feeds-m-3-4',
  ]);
  const unaliased = executeQuery("SELECT * FROM RELATIONSHIPS WHERE $sourceId IN ['factory-1']", graph, { pageSize: 1000 });
  assert.equal(unaliased.value.length, 3);
  assert.deepEqual(Object.keys(unaliased.value[0] as object).sort(), ['$etag', '$relationshipId', '$relationshipName', '$sourceId', '$targetId']);
});
