/** JOIN … RELATED, projections and result shapes (ADT JOIN and SELECT references). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { executeQuery } from './index.js';
import { M, buildFactory } from './testing/factory.js';
import { CountingReader } from './testing/counting-reader.js';

const graph = buildFactory();
const run = (q: string) => executeQuery(q, graph, { pageSize: 1000 }).value as Array<Record<string, unknown>>;
const id = (v: unknown) => (v as { $dtId: string }).$dtId;

test('SELECT T, CT … JOIN CT RELATED T.contains gives objects keyed by alias', () => {
  const rows = run("SELECT T, CT FROM DIGITALTWINS T JOIN CT RELATED T.contains WHERE T.$dtId = 'factory-1'");
  assert.deepEqual(rows.map((r) => [id(r.T), id(r.CT)]), [['factory-1', 'line-1'], ['factory-1', 'line-2'], ['factory-1', 'line-3']]);
  assert.deepEqual(Object.keys(rows[0]!).sort(), ['CT', 'T']);
  assert.equal((rows[0]!.CT as { name: string }).name, 'Line 1');
});

test('SELECT T over a named collection gives { T: twin }; SELECT * gives the twin itself', () => {
  const keyed = run("SELECT T FROM DIGITALTWINS T WHERE T.$dtId = 'line-3'");
  assert.deepEqual(Object.keys(keyed[0]!), ['T']);
  assert.equal(id(keyed[0]!.T), 'line-3');
  const star = run("SELECT * FROM DIGITALTWINS T WHERE T.$dtId = 'line-3'");
  assert.equal(id(star[0]), 'line-3');
  assert.equal((star[0] as { $metadata: { $model: string } }).$metadata.$model, M.line);
});

test('two JOIN levels with a filter on the middle collection', () => {
  const rows = run("SELECT M FROM DIGITALTWINS F JOIN L RELATED F.contains JOIN M RELATED L.contains WHERE F.$dtId = 'factory-1' AND L.shift = 'night'");
  assert.deepEqual(rows.map((r) => id(r.M)), ['m-3-1', 'm-3-2', 'm-3-3', 'm-3-4']);
});

test('five JOINs: factory → line → machine → feeds → feeds → feeds', () => {
  const rows = run(
    'SELECT M4 FROM DIGITALTWINS F JOIN L RELATED F.contains JOIN M1 RELATED L.contains JOIN M2 RELATED M1.feeds ' +
      "JOIN M3 RELATED M2.feeds JOIN M4 RELATED M3.feeds WHERE F.$dtId = 'factory-1' AND L.$dtId = 'line-1'",
  );
  assert.deepEqual(rows.map((r) => id(r.M4)), ['m-1-4', 'm-2-1', 'm-2-2', 'm-2-3']);
});

test('relationship alias: project and filter relationship properties', () => {
  const rows = run("SELECT A.$dtId AS src, B.$dtId AS dst, R.conveyor FROM DIGITALTWINS A JOIN B RELATED A.feeds R WHERE A.$dtId IN ['m-1-2', 'm-1-4']");
  assert.deepEqual(rows, [
    { src: 'm-1-2', dst: 'm-1-3', conveyor: 'robot' },
    { src: 'm-1-4', dst: 'm-2-1', conveyor: 'agv' },
  ]);
  const rel = run("SELECT R FROM DIGITALTWINS A JOIN B RELATED A.feeds R WHERE A.$dtId = 'm-2-2'")[0]!.R as Record<string, unknown>;
  assert.deepEqual(
    { id: rel.$relationshipId, s: rel.$sourceId, t: rel.$targetId, n: rel.$relationshipName, l: rel.lengthM },
    { id: 'm-2-2-feeds-m-2-3', s: 'm-2-2', t: 'm-2-3', n: 'feeds', l: 10 },
  );
  const long = run("SELECT B.$dtId FROM DIGITALTWINS A JOIN B RELATED A.feeds R WHERE A.$dtId IN ['m-1-1', 'm-1-3', 'm-1-4'] AND R.lengthM >= 15");
  assert.deepEqual(long, [{ $dtId: 'm-1-4' }, { $dtId: 'm-2-1' }]);
});

test('projected properties missing on a row are left out of that row', () => {
  const rows = run("SELECT M.$dtId, M.oee FROM DIGITALTWINS L JOIN M RELATED L.contains WHERE L.$dtId = 'line-3'");
  assert.deepEqual(rows, [{ $dtId: 'm-3-1', oee: 0.95 }, { $dtId: 'm-3-2', oee: 0.7 }, { $dtId: 'm-3-3', oee: 0.55 }, { $dtId: 'm-3-4' }]);
  const obj = run("SELECT M.maintenance FROM DIGITALTWINS L JOIN M RELATED L.contains WHERE L.$dtId = 'line-1' AND M.$dtId = 'm-1-2'");
  assert.deepEqual(obj, [{ maintenance: { $metadata: {}, intervalDays: 40, lastService: null } }]);
});

test('a $dtId on the JOIN target starts from the target and walks the incoming index', () => {
  const reader = new CountingReader(graph);
  const page = executeQuery("SELECT L FROM DIGITALTWINS L JOIN M RELATED L.contains WHERE M.$dtId = 'm-3-2'", reader);
  assert.deepEqual(page.value.map((r) => id((r as { L: unknown }).L)), ['line-3']);
  assert.equal(reader.calls.allTwins, undefined);
  assert.equal(reader.calls.twinsOfModels, undefined);
  assert.equal(reader.calls.incoming, 1);
  assert.equal(reader.calls.outgoing, undefined);
});

test('no OUTER JOIN: a twin without the relationship yields no row', () => {
  assert.deepEqual(run("SELECT M, X FROM DIGITALTWINS M JOIN X RELATED M.contains WHERE M.$dtId = 'm-1-1'"), []);
});

test('COUNT() with JOIN (ADT how-to example shape)', () => {
  const rows = run(`SELECT COUNT() FROM DIGITALTWINS L JOIN M RELATED L.contains WHERE L.$dtId IN ['line-1', 'line-2'] AND IS_OF_MODEL(M, '${M.press}')`);
  assert.deepEqual(rows, [{ COUNT: 3 }]);
});

test('JOIN without a $dtId filter is allowed as an extension (starts from the model index)', () => {
  const rows = run(`SELECT L.$dtId AS line, M.$dtId AS machine FROM DIGITALTWINS L JOIN M RELATED L.contains WHERE IS_OF_MODEL(L, '${M.line}') AND M.status = 'down'`);
  assert.deepEqual(rows, [{ line: 'line-1', machine: 'm-1-4' }, { line: 'line-2', machine: 'm-2-2' }, { line: 'line-3', machine: 'm-3-4' }]);
});

test('SELECT COUNT() over twins and relationships', () => {
  assert.deepEqual(run('SELECT COUNT() FROM DIGITALTWINS'), [{ COUNT: 16 }]);
  assert.deepEqual(run('SELECT COUNT() FROM RELATIONSHIPS'), [{ COUNT: 26 }]);
  assert.deepEqual(run("SELECT COUNT() FROM DIGITALTWINS T WHERE T.$dtId IN ['m-1-1', 'ghost']"), [{ COUNT: 1 }]);
  assert.deepEqual(run("SELECT COUNT() FROM DIGITALTWINS WHERE IS_OF_MODEL('dtmi:unknown;1')"), [{ COUNT: 0 }]);
});

test('TOP limits the rows', () => {
  const rows = run(`SELECT TOP(2) T.$dtId FROM DIGITALTWINS T WHERE IS_OF_MODEL(T, '${M.machine}')`);
  assert.equal(rows.length, 2);
  assert.equal(run('SELECT TOP(100) FROM DIGITALTWINS').length, 16);
});
