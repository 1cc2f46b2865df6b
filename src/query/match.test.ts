/** MATCH: directions, name alternatives, hop ranges (ADT semantics), variables, chains. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { executeQuery, explainQuery } from './index.js';
import { M, buildFactory } from './testing/factory.js';
import { CountingReader } from './testing/counting-reader.js';

const graph = buildFactory();
const run = (q: string) => executeQuery(q, graph, { pageSize: 1000 }).value as Array<Record<string, unknown>>;
const id = (v: unknown) => (v as { $dtId: string }).$dtId;
/** The $dtId of B for every row of `MATCH <pattern> WHERE A.$dtId = '<from>'`, sorted. */
const reach = (pattern: string, from: string) =>
  run(`SELECT B FROM DIGITALTWINS MATCH ${pattern} WHERE A.$dtId = '${from}'`).map((r) => id(r.B)).sort();

test('left-to-right, right-to-left and undirected edges', () => {
  assert.deepEqual(reach('(A)-[:feeds]->(B)', 'm-1-4'), ['m-2-1']);
  assert.deepEqual(reach('(A)<-[:feeds]-(B)', 'm-2-1'), ['m-1-4']);
  assert.deepEqual(reach('(A)<-[]-(B)', 'm-2-1'), ['line-2', 'm-1-4']);
  assert.deepEqual(reach('(A)-[:feeds]-(B)', 'm-3-1'), ['m-3-2', 'm-3-4']);
  assert.deepEqual(reach('(A)-[]->(B)', 'line-2'), ['m-2-1', 'm-2-2', 'm-2-3', 'm-2-4']);
});

test('relationship name alternatives', () => {
  assert.deepEqual(reach('(A)-[:contains|feeds]->(B)', 'm-1-4'), ['m-2-1']);
  assert.deepEqual(reach('(A)<-[:contains|feeds]-(B)', 'm-2-1'), ['line-2', 'm-1-4']);
  assert.deepEqual(reach('(A)<-[:contains]-(B)', 'm-2-1'), ['line-2']);
});

test('hops: *n is exact, *a..b excludes a (ADT), *..b is 1 to b', () => {
  assert.equal(reach('(A)-[:contains*2]->(B)', 'factory-1').length, 12);
  assert.deepEqual(reach('(A)-[:feeds*1..3]->(B)', 'm-1-1'), ['m-1-3', 'm-1-4']);
  assert.deepEqual(reach('(A)-[:feeds*..3]->(B)', 'm-1-1'), ['m-1-2', 'm-1-3', 'm-1-4']);
  assert.deepEqual(reach('(A)-[:feeds*..10]->(B)', 'm-1-1'), ['m-1-2', 'm-1-3', 'm-1-4', 'm-2-1', 'm-2-2', 'm-2-3', 'm-2-4']);
  // factory → line → machine → (feeds) next machine: every machine that some machine feeds, i.e. all but m-1-1.
  assert.deepEqual(reach('(A)-[*3]->(B)', 'factory-1'), [
    'm-1-2', 'm-1-3', 'm-1-4', 'm-2-1', 'm-2-2', 'm-2-3', 'm-2-4', 'm-3-1', 'm-3-2', 'm-3-3', 'm-3-4',
  ]);
});

test('a cycle is walked once per relationship: line 3 loops back to its start', () => {
  assert.deepEqual(reach('(A)-[:feeds*..10]->(B)', 'm-3-1'), ['m-3-1', 'm-3-2', 'm-3-3', 'm-3-4']);
});

test('undirected multi-hop never reuses the relationship it came along', () => {
  // m-2-2: back to m-2-1 then on to m-1-4; forward to m-2-3 then on to m-2-4.
  assert.deepEqual(reach('(A)-[:feeds*2]-(B)', 'm-2-2'), ['m-1-4', 'm-2-4']);
});

test('rows are distinct: twins reached by several paths appear once', () => {
  // From line-1 within two hops in any direction over any relationship:
  // 1 hop: factory-1, m-1-1..m-1-4; 2 hops: line-2, line-3 (via factory-1), m-2-1 (via m-1-4),
  // and m-1-1..m-1-4 again along feeds; 14 paths, 8 distinct twins.
  assert.deepEqual(reach('(A)-[*..2]-(B)', 'line-1'), ['factory-1', 'line-2', 'line-3', 'm-1-1', 'm-1-2', 'm-1-3', 'm-1-4', 'm-2-1']);
});

test('relationship variable: project it and filter on its properties', () => {
  const rows = run("SELECT A.$dtId AS a, B.$dtId AS b, R.conveyor FROM DIGITALTWINS MATCH (A)-[R:feeds]->(B) WHERE A.$dtId = 'm-2-2'");
  assert.deepEqual(rows, [{ a: 'm-2-2', b: 'm-2-3', conveyor: 'robot' }]);
  const far = run("SELECT B, R FROM DIGITALTWINS MATCH (A)-[R]->(B) WHERE A.$dtId = 'm-1-4' AND R.lengthM > 100");
  assert.deepEqual(far.map((r) => [id(r.B), (r.R as { $relationshipId: string }).$relationshipId]), [['m-2-1', 'm-1-4-feeds-m-2-1']]);
});

test('chained conditions, including a bi-directional chain', () => {
  const down = run("SELECT L, M FROM DIGITALTWINS MATCH (F)-[:contains]->(L)-[:contains]->(M) WHERE F.$dtId = 'factory-1' AND M.status = 'down'");
  assert.deepEqual(down.map((r) => [id(r.L), id(r.M)]), [['line-1', 'm-1-4'], ['line-2', 'm-2-2'], ['line-3', 'm-3-4']]);
  const fed = run("SELECT M, P FROM DIGITALTWINS MATCH (L)-[:contains]->(M)<-[:feeds]-(P) WHERE L.$dtId = 'line-2'");
  assert.deepEqual(fed.map((r) => [id(r.M), id(r.P)]), [['m-2-1', 'm-1-4'], ['m-2-2', 'm-2-1'], ['m-2-3', 'm-2-2'], ['m-2-4', 'm-2-3']]);
  const presses = run(`SELECT M FROM DIGITALTWINS MATCH (F)-[:contains*2]->(M) WHERE F.$dtId = 'factory-1' AND IS_OF_MODEL(M, '${M.press}', exact)`);
  assert.deepEqual(presses.map((r) => id(r.M)).sort(), ['m-1-3', 'm-2-2', 'm-2-3', 'm-3-4']);
});

test('a repeated node name closes a cycle', () => {
  const q = (start: string) => run(`SELECT B, C, D FROM DIGITALTWINS MATCH (A)-[:feeds]->(B)-[:feeds]->(C)-[:feeds]->(D)-[:feeds]->(A) WHERE A.$dtId = '${start}'`);
  assert.deepEqual(q('m-3-1').map((r) => [id(r.B), id(r.C), id(r.D)]), [['m-3-2', 'm-3-3', 'm-3-4']]);
  assert.deepEqual(q('m-1-1'), []);
});

test('anonymous nodes are walked but not returned', () => {
  const rows = run("SELECT * FROM DIGITALTWINS MATCH (F)-[:contains]->()-[:contains]->(M) WHERE F.$dtId = 'factory-1' AND M.oee > 0.9");
  assert.deepEqual(rows.map((r) => [id(r.F), id(r.M)]), [['factory-1', 'm-3-1']]);
  assert.deepEqual(Object.keys(rows[0]!).sort(), ['F', 'M']);
});

test('SELECT * with a single named twin returns the twin itself', () => {
  const rows = run("SELECT * FROM DIGITALTWINS MATCH (A)-[:feeds]->() WHERE A.$dtId = 'm-1-1'");
  assert.equal(id(rows[0]), 'm-1-1');
});

test('a $dtId on the far node starts there and walks the incoming index', () => {
  const reader = new CountingReader(graph);
  const rows = executeQuery("SELECT A FROM DIGITALTWINS MATCH (A)-[:feeds]->(B) WHERE B.$dtId = 'm-2-1'", reader).value as Array<Record<string, unknown>>;
  assert.deepEqual(rows.map((r) => id(r.A)), ['m-1-4']);
  assert.equal(reader.calls.allTwins, undefined);
  assert.equal(reader.calls.incoming, 1);
  assert.match(explainQuery("SELECT A FROM DIGITALTWINS MATCH (A)-[:feeds]->(B) WHERE B.$dtId = 'm-2-1'", graph).text, /from B via incoming index/);
});
