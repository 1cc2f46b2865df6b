/** The planner starts from the most selective index; proven with EXPLAIN and by counting reader calls. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { executeQuery, explainQuery } from './index.js';
import { M, buildFactory } from './testing/factory.js';
import { CountingReader } from './testing/counting-reader.js';

test('a $dtId query reads one twin and never scans', () => {
  const reader = new CountingReader(buildFactory());
  const page = executeQuery("SELECT * FROM DIGITALTWINS T WHERE T.$dtId = 'm-2-3' AND T.oee > 0.5", reader);
  assert.equal(page.value.length, 1);
  assert.equal(reader.calls.allTwins, undefined);
  assert.equal(reader.calls.twinsOfModels, undefined);
  assert.equal(reader.calls.getTwin, 1);
  assert.equal(page.charge, 1);
  const text = explainQuery("SELECT * FROM DIGITALTWINS T WHERE T.$dtId = 'm-2-3' AND T.oee > 0.5", reader).text;
  assert.equal(text, ["Project: *", "  -> Filter: T.oee > 0.5", "    -> IndexSeek: T by $dtId 'm-2-3' (est. 1 row)"].join('\n'));
});

test('IS_OF_MODEL + filter + TOP reads only as many twins as it needs', () => {
  const reader = new CountingReader(buildFactory());
  // CncMachine family in index order: m-1-1 (running), m-1-2 (running), … → two ids are enough.
  const page = executeQuery(`SELECT TOP(2) T FROM DIGITALTWINS T WHERE IS_OF_MODEL(T, '${M.cnc}') AND T.status = 'running'`, reader);
  assert.equal(page.value.length, 2);
  assert.equal(reader.items.twinsOfModels, 2);
  assert.equal(reader.calls.allTwins, undefined);
});

test('a streamed page stops after pageSize + 1 rows', () => {
  const reader = new CountingReader(buildFactory());
  executeQuery('SELECT T.$dtId FROM DIGITALTWINS T', reader, { pageSize: 3 });
  assert.equal(reader.items.allTwins, 4);
});

test('the smallest index wins: ids over model, property index over model when smaller', () => {
  const plain = buildFactory();
  assert.match(explainQuery(`SELECT * FROM DIGITALTWINS T WHERE IS_OF_MODEL(T, '${M.machine}') AND T.$dtId IN ['m-1-1', 'm-2-2']`, plain).text, /IndexSeek: T by \$dtId \['m-1-1', 'm-2-2'\] \(est\. 2 rows\)/);
  const query = `SELECT * FROM DIGITALTWINS T WHERE IS_OF_MODEL(T, '${M.machine}') AND T.status = 'idle'`;
  // Without a property index the model index (12 twins) is the only one.
  assert.match(explainQuery(query, plain).text, /IndexScan: T by model 'dtmi:twinworks:Machine;1' \(with 3 subtypes\) \(est\. 12 rows\)/);
  const indexed = buildFactory({ indexedProperties: [['status']] });
  const text = explainQuery(query, indexed).text;
  assert.match(text, /IndexSeek: T by property status = 'idle' \(est\. 3 rows\)/);
  assert.match(text, /Filter: IS_OF_MODEL\(T, 'dtmi:twinworks:Machine;1'\)/);
  const reader = new CountingReader(indexed);
  const page = executeQuery(query, reader);
  assert.deepEqual(page.value.map((t) => (t as { $dtId: string }).$dtId).sort(), ['m-1-3', 'm-2-4', 'm-3-3']);
  assert.equal(reader.items.findByProperty, 3);
  assert.equal(reader.calls.twinsOfModels, undefined);
});

test('property IN uses the index once per value', () => {
  const g = buildFactory({ indexedProperties: [['status']] });
  const text = explainQuery("SELECT * FROM DIGITALTWINS T WHERE T.status IN ['idle', 'down']", g).text;
  assert.match(text, /IndexSeek: T by property status = \['idle', 'down'\] \(est\. 6 rows\)/);
});

test('an index is built for a property that queries keep filtering on', () => {
  const g = buildFactory({ autoIndexAfter: 2 });
  const query = "SELECT * FROM DIGITALTWINS T WHERE T.serial = 'S-202'";
  assert.match(explainQuery(query, g).text, /FullScan/);
  assert.match(explainQuery(query, g).text, /IndexSeek: T by property serial = 'S-202' \(est\. 1 row\)/);
  assert.deepEqual(g.indexedPaths(), [['serial']]);
  const reader = new CountingReader(g);
  assert.deepEqual(executeQuery(query, reader).value.map((t) => (t as { $dtId: string }).$dtId), ['m-2-3']);
  assert.equal(reader.calls.allTwins, undefined);
});

test('with no usable index the plan says FullScan', () => {
  const text = explainQuery('SELECT * FROM DIGITALTWINS T WHERE T.oee > 0.9 OR T.oee < 0.1', buildFactory()).text;
  assert.match(text, /-> FullScan: T over all twins \(no usable index\) \(est\. 16 rows\)/);
});

test('COUNT() by model is answered from the index size without reading twins', () => {
  const reader = new CountingReader(buildFactory());
  const page = executeQuery(`SELECT COUNT() FROM DIGITALTWINS WHERE IS_OF_MODEL('${M.cnc}')`, reader);
  assert.deepEqual(page.value, [{ COUNT: 5 }]);
  assert.equal(reader.calls.twinsOfModels, undefined);
  assert.equal(reader.calls.getTwin, undefined);
  assert.ok((reader.calls.countByModel ?? 0) >= 1);
  assert.match(explainQuery(`SELECT COUNT() FROM DIGITALTWINS WHERE IS_OF_MODEL('${M.cnc}')`, reader).text, /^CountFromIndex/);
});

test('JOIN plans walk the pattern from the anchored side', () => {
  const g = buildFactory();
  const fromSource = explainQuery("SELECT CT FROM DIGITALTWINS T JOIN CT RELATED T.contains WHERE T.$dtId = 'line-1' AND CT.oee > 0.6", g);
  assert.equal(
    fromSource.text,
    [
      'Project: CT',
      '  -> Filter: CT.oee > 0.6',
      '    -> Expand: (T)-[:contains]->(CT) from T via outgoing index',
      "      -> IndexSeek: T by $dtId 'line-1' (est. 1 row)",
    ].join('\n'),
  );
  assert.equal(fromSource.plan.operator, 'Project');
  assert.equal(fromSource.plan.children[0]!.operator, 'Filter');
  const fromTarget = explainQuery("SELECT T FROM DIGITALTWINS T JOIN CT RELATED T.contains WHERE CT.$dtId = 'm-1-1'", g).text;
  assert.match(fromTarget, /Expand: \(T\)-\[:contains\]->\(CT\) from CT via incoming index/);
});

test('EXPLAIN as a query prefix returns the plan as the value', () => {
  const page = executeQuery("EXPLAIN SELECT * FROM DIGITALTWINS T WHERE T.$dtId = 'm-1-1'", buildFactory());
  const [only] = page.value as Array<{ plan: { operator: string }; text: string }>;
  assert.equal(only!.plan.operator, 'Project');
  assert.match(only!.text, /IndexSeek/);
});

test('a query that reads more than its budget is stopped', () => {
  assert.throws(
    () => executeQuery('SELECT * FROM DIGITALTWINS T WHERE T.oee > 2', buildFactory(), { maxCharge: 5 }),
    (e: unknown) => (e as { code?: string }).code === 'query.too_expensive',
  );
});
