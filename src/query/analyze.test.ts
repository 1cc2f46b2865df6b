import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, type AnalyzeOptions } from './analyze.js';
import { QueryErrors } from './errors.js';
import { parse } from './parser.js';

function rejects(text: string, code: string, at?: { line: number; column: number }, options: AnalyzeOptions = {}): void {
  assert.throws(
    () => analyze(parse(text), options),
    (e: unknown) => {
      assert.ok(QueryErrors.is(e), String(e));
      assert.equal(e.code, `query.${code}`, e.message);
      if (at) {
        const p = e.details.position as { line: number; column: number };
        assert.deepEqual({ line: p.line, column: p.column }, at, e.message);
      }
      return true;
    },
  );
}

const accepts = (text: string, options: AnalyzeOptions = {}) => analyze(parse(text), options);

test('unknown aliases are reported where they are used', () => {
  rejects('SELECT T, X FROM DIGITALTWINS T JOIN CT RELATED T.contains', 'unknown_alias', { line: 1, column: 11 });
  rejects('SELECT CT FROM DIGITALTWINS T JOIN CT RELATED X.contains', 'unknown_alias', { line: 1, column: 47 });
  rejects("SELECT T FROM DIGITALTWINS T JOIN CT RELATED T.contains WHERE name = 'x'", 'unknown_alias');
});

test('with a single collection, unqualified names are its properties', () => {
  const a = accepts("SELECT name, age FROM DIGITALTWINS WHERE IS_DEFINED(Location) AND $dtId = 'x'");
  assert.deepEqual(a.columns?.map((c) => c.name), ['name', 'age']);
  accepts("SELECT * FROM RELATIONSHIPS WHERE $sourceId IN ['A', 'B']");
});

test('duplicate aliases and duplicate column names', () => {
  rejects('SELECT T FROM DIGITALTWINS T JOIN T RELATED T.contains', 'duplicate_alias', { line: 1, column: 35 });
  rejects('SELECT A.name, B.name FROM DIGITALTWINS A JOIN B RELATED A.contains', 'duplicate_column', { line: 1, column: 16 });
  const ok = accepts('SELECT A.name, B.name AS bName FROM DIGITALTWINS A JOIN B RELATED A.contains');
  assert.deepEqual(ok.columns?.map((c) => c.name), ['name', 'bName']);
});

test('SELECT * is not allowed with JOIN (ADT SELECT reference)', () => {
  rejects('SELECT * FROM DIGITALTWINS T JOIN CT RELATED T.contains', 'invalid_select', { line: 1, column: 8 });
});

test('at most five JOINs; the sixth is reported', () => {
  const five = 'SELECT A FROM DIGITALTWINS A JOIN B RELATED A.r JOIN C RELATED B.r JOIN D RELATED C.r JOIN E RELATED D.r JOIN F RELATED E.r';
  accepts(five);
  rejects(`${five} JOIN G RELATED F.r`, 'too_many_joins', { line: 1, column: 125 });
});

test('MATCH hop rules', () => {
  rejects('SELECT a FROM DIGITALTWINS MATCH (a)-[*0]->(b)', 'invalid_hops', { line: 1, column: 39 });
  rejects('SELECT a FROM DIGITALTWINS MATCH (a)-[*3..2]->(b)', 'invalid_hops');
  // *2..2 would mean "more than 2 and at most 2": nothing.
  rejects('SELECT a FROM DIGITALTWINS MATCH (a)-[*2..2]->(b)', 'invalid_hops');
  rejects('SELECT a FROM DIGITALTWINS MATCH (a)-[r*2]->(b)', 'invalid_hops', { line: 1, column: 39 });
  accepts('SELECT a FROM DIGITALTWINS MATCH (a)-[r*1]->(b)');
  accepts('SELECT a FROM DIGITALTWINS MATCH (a)-[*..10]->(b)');
  rejects('SELECT a FROM DIGITALTWINS MATCH (a)-[*..6]->(b)-[*..5]->(c)', 'too_many_hops');
  accepts('SELECT a FROM DIGITALTWINS MATCH (a)-[*..6]->(b)-[*..4]->(c)');
  rejects('SELECT * FROM DIGITALTWINS MATCH ()-[]->()', 'invalid_match');
  rejects('SELECT a FROM DIGITALTWINS T MATCH (a)-[]->(b)', 'invalid_match');
});

test('TOP needs a whole number from 1', () => {
  rejects('SELECT TOP(0) FROM DIGITALTWINS', 'invalid_top', { line: 1, column: 12 });
  rejects('SELECT TOP(2.5) FROM DIGITALTWINS', 'invalid_top');
  accepts('SELECT TOP(1) FROM DIGITALTWINS');
});

test('IN/NIN take at most 100 values (ADT operators reference)', () => {
  const values = (n: number) => Array.from({ length: n }, (_, i) => `'v${i}'`).join(', ');
  accepts(`SELECT * FROM DIGITALTWINS T WHERE T.$dtId IN [${values(100)}]`);
  rejects(`SELECT * FROM DIGITALTWINS T WHERE T.$dtId IN [${values(101)}]`, 'too_many_values');
});

test('function arguments', () => {
  rejects("SELECT L FROM DIGITALTWINS L JOIN M RELATED L.contains WHERE IS_OF_MODEL('dtmi:x;1')", 'ambiguous_collection', { line: 1, column: 62 });
  accepts("SELECT L FROM DIGITALTWINS L JOIN M RELATED L.contains WHERE IS_OF_MODEL(M, 'dtmi:x;1', exact)");
  rejects("SELECT L FROM DIGITALTWINS L JOIN M RELATED L.contains R WHERE IS_OF_MODEL(R, 'dtmi:x;1')", 'invalid_function_call');
  rejects("SELECT * FROM RELATIONSHIPS WHERE IS_OF_MODEL('dtmi:x;1')", 'invalid_function_call');
  rejects('SELECT * FROM DIGITALTWINS T WHERE IS_OF_MODEL(T, 5)', 'invalid_function_call');
  rejects("SELECT * FROM DIGITALTWINS T WHERE STARTSWITH(T.a)", 'invalid_function_call');
  rejects('SELECT * FROM DIGITALTWINS T WHERE IS_NULL(T.a, T.b)', 'invalid_function_call');
});

test('aggregates and GROUP BY', () => {
  rejects('SELECT * FROM DIGITALTWINS T WHERE COUNT() = 1', 'invalid_aggregate');
  rejects('SELECT T.a, COUNT() FROM DIGITALTWINS T', 'invalid_aggregate');
  rejects('SELECT T.a, COUNT() FROM DIGITALTWINS T GROUP BY T.b', 'invalid_aggregate');
  rejects('SELECT * FROM DIGITALTWINS T GROUP BY T.b', 'invalid_aggregate');
  rejects('SELECT T.a FROM DIGITALTWINS T ORDER BY COUNT()', 'invalid_aggregate');
  rejects('SELECT T.a, COUNT() AS n FROM DIGITALTWINS T GROUP BY T.a ORDER BY T.b', 'invalid_aggregate');
  const ok = accepts('SELECT a, COUNT() AS n FROM DIGITALTWINS T GROUP BY T.a ORDER BY n DESC, T.a');
  assert.equal(ok.grouped, true);
  assert.equal(accepts('SELECT COUNT() FROM DIGITALTWINS').grouped, true);
});

test('ADT-strict mode refuses the extensions and requires $dtId with JOIN and MATCH', () => {
  const strict = { adtStrict: true };
  rejects('SELECT T FROM DIGITALTWINS T ORDER BY T.a', 'extension_not_allowed', undefined, strict);
  rejects('SELECT T.a, COUNT() FROM DIGITALTWINS T GROUP BY T.a', 'extension_not_allowed', undefined, strict);
  rejects('SELECT AVG(T.a) FROM DIGITALTWINS T', 'extension_not_allowed', undefined, strict);
  rejects("SELECT L FROM DIGITALTWINS L JOIN M RELATED L.contains WHERE IS_OF_MODEL(L, 'dtmi:x;1')", 'dtid_required', undefined, strict);
  rejects('SELECT a FROM DIGITALTWINS MATCH (a)-[]->(b)', 'dtid_required', undefined, strict);
  rejects("SELECT L FROM DIGITALTWINS L JOIN M RELATED L.contains WHERE L.$dtId = 'x' OR M.a = 1", 'dtid_required', undefined, strict);
  accepts("SELECT L FROM DIGITALTWINS L JOIN M RELATED L.contains WHERE M.$dtId IN ['x'] AND M.a = 1", strict);
  accepts("SELECT COUNT() FROM DIGITALTWINS WHERE IS_OF_MODEL('dtmi:x;1')", strict);
  // Not strict: the same queries are accepted.
  accepts("SELECT L FROM DIGITALTWINS L JOIN M RELATED L.contains WHERE IS_OF_MODEL(L, 'dtmi:x;1')");
});
