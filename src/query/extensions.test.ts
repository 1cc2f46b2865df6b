/**
 * Twinworks extensions: GROUP BY with COUNT/SUM/AVG/MIN/MAX and ORDER BY. Expected values are
 * worked out from the table in testing/factory.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { executeQuery } from './index.js';
import { M, buildFactory } from './testing/factory.js';

const graph = buildFactory();
const run = (q: string) => executeQuery(q, graph, { pageSize: 1000 }).value as Array<Record<string, unknown>>;

function close(actual: unknown, expected: number): void {
  assert.equal(typeof actual, 'number');
  assert.ok(Math.abs((actual as number) - expected) < 1e-9, `${String(actual)} ≈ ${expected}`);
}

test('average OEE of the machines of each line, in one query', () => {
  // line-1: (0.80 + 0.70 + 0.90 + 0.60) / 4 = 0.75
  // line-2: (0.50 + 0.65 + 0.85 + 0.40) / 4 = 0.60
  // line-3: (0.95 + 0.70 + 0.55) / 3 = 0.7333… (m-3-4 has no oee and is skipped), 4 machines counted
  const rows = run(
    `SELECT L.$dtId AS line, AVG(M.oee) AS oee, COUNT() AS machines FROM DIGITALTWINS L JOIN M RELATED L.contains
     WHERE IS_OF_MODEL(L, '${M.line}') GROUP BY L.$dtId ORDER BY oee DESC`,
  );
  assert.deepEqual(rows.map((r) => r.line), ['line-1', 'line-3', 'line-2']);
  close(rows[0]!.oee, 0.75);
  close(rows[1]!.oee, 2.2 / 3);
  close(rows[2]!.oee, 0.6);
  assert.deepEqual(rows.map((r) => r.machines), [4, 4, 4]);
});

test('COUNT, MIN and MAX per status, ordered by the group key', () => {
  const rows = run(`SELECT T.status, COUNT() AS n, MIN(T.oee) AS lo, MAX(T.oee) AS hi FROM DIGITALTWINS T WHERE IS_OF_MODEL(T, '${M.machine}') GROUP BY T.status ORDER BY T.status`);
  assert.deepEqual(rows, [
    { status: 'down', n: 3, lo: 0.6, hi: 0.65 },
    { status: 'idle', n: 3, lo: 0.4, hi: 0.9 },
    { status: 'running', n: 6, lo: 0.5, hi: 0.95 },
  ]);
});

test('aggregates without GROUP BY make one row; default column names are the function names', () => {
  // Presses: m-1-3 0.90, m-2-2 0.65, m-2-3 0.85, m-3-4 none → sum 2.4, average 0.8.
  const [row] = run(`SELECT AVG(T.oee), SUM(T.oee) AS total, MAX(T.serial) FROM DIGITALTWINS T WHERE IS_OF_MODEL(T, '${M.press}')`);
  close(row!.AVG, 0.8);
  close(row!.total, 2.4);
  assert.equal(row!.MAX, 'S-303');
});

test('an aggregate with no values is left out; COUNT() of nothing is 0', () => {
  assert.deepEqual(run("SELECT SUM(T.oee) AS s, COUNT() AS n FROM DIGITALTWINS T WHERE T.$dtId = 'm-3-4'"), [{ n: 1 }]);
  assert.deepEqual(run("SELECT COUNT() FROM DIGITALTWINS T WHERE T.status = 'exploded'"), [{ COUNT: 0 }]);
  assert.deepEqual(run("SELECT T.status, COUNT() FROM DIGITALTWINS T WHERE T.status = 'exploded' GROUP BY T.status"), []);
});

test('GROUP BY a whole collection projects the twin', () => {
  const rows = run(`SELECT L, COUNT() AS down FROM DIGITALTWINS L JOIN M RELATED L.contains WHERE IS_OF_MODEL(L, '${M.line}') AND M.status = 'down' GROUP BY L`);
  assert.deepEqual(rows.map((r) => [(r.L as { $dtId: string }).$dtId, r.down]), [['line-1', 1], ['line-2', 1], ['line-3', 1]]);
});

test('ORDER BY with TOP, descending', () => {
  const rows = run(`SELECT TOP(3) T.$dtId, T.oee FROM DIGITALTWINS T WHERE IS_OF_MODEL(T, '${M.machine}') ORDER BY T.oee DESC`);
  assert.deepEqual(rows, [{ $dtId: 'm-3-1', oee: 0.95 }, { $dtId: 'm-1-3', oee: 0.9 }, { $dtId: 'm-2-3', oee: 0.85 }]);
});

test('ORDER BY ascending puts missing values first', () => {
  const rows = run(`SELECT TOP(3) T.$dtId, T.oee FROM DIGITALTWINS T WHERE IS_OF_MODEL(T, '${M.machine}') ORDER BY T.oee`);
  assert.deepEqual(rows, [{ $dtId: 'm-3-4' }, { $dtId: 'm-2-4', oee: 0.4 }, { $dtId: 'm-2-1', oee: 0.5 }]);
});

test('ORDER BY two keys and by a projected column name', () => {
  const rows = run(`SELECT T.$dtId AS id, T.status FROM DIGITALTWINS T WHERE IS_OF_MODEL(T, '${M.cnc}') ORDER BY T.status DESC, id`);
  // Cnc family: m-1-1 running, m-1-2 running, m-2-1 running, m-3-1 running, m-3-3 idle.
  assert.deepEqual(rows.map((r) => r.id), ['m-1-1', 'm-1-2', 'm-2-1', 'm-3-1', 'm-3-3']);
  const byName = run("SELECT T.$dtId AS id FROM DIGITALTWINS T WHERE STARTSWITH(T.$dtId, 'line') ORDER BY id DESC");
  assert.deepEqual(byName.map((r) => r.id), ['line-3', 'line-2', 'line-1']);
});

test('ORDER BY an aggregate that is not projected', () => {
  const rows = run(`SELECT L.$dtId AS line FROM DIGITALTWINS L JOIN M RELATED L.contains WHERE IS_OF_MODEL(L, '${M.line}') GROUP BY L.$dtId ORDER BY MIN(M.oee)`);
  // Minimum oee: line-1 0.60, line-2 0.40, line-3 0.55.
  assert.deepEqual(rows.map((r) => r.line), ['line-2', 'line-3', 'line-1']);
});
