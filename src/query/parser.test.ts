import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Expr, FromDigitalTwins, MatchEdge, Query } from './ast.js';
import { QueryErrors } from './errors.js';
import { parse } from './parser.js';
import { printExpr } from './print.js';

const from = (q: Query) => q.from as FromDigitalTwins;
const where = (text: string): string => printExpr(parse(`SELECT * FROM DIGITALTWINS T WHERE ${text}`).where as Expr);
const edges = (text: string): MatchEdge[] => [...(from(parse(`SELECT * FROM DIGITALTWINS MATCH ${text}`)).match?.edges ?? [])];

function syntaxError(text: string, expect: { line: number; column: number; expected?: string[]; found?: string; message?: string }): void {
  assert.throws(
    () => parse(text),
    (e: unknown) => {
      assert.ok(QueryErrors.is(e, 'syntax_error'), String(e));
      const p = e.details.position as { line: number; column: number };
      assert.equal(p.line, expect.line, e.message);
      assert.equal(p.column, expect.column, e.message);
      if (expect.expected) assert.deepEqual(e.details.expected, expect.expected);
      if (expect.found) assert.equal(e.details.found, expect.found);
      if (expect.message) assert.equal(e.message, expect.message);
      return true;
    },
  );
}

test('SELECT * FROM DIGITALTWINS, keywords in any case', () => {
  const q = parse('select * from digitaltwins');
  assert.equal(q.select.projection.kind, 'star');
  assert.equal(q.from.kind, 'fromDigitalTwins');
  assert.equal(q.from.alias, undefined);
});

test('TOP with and without a projection; COUNT(); projections with AS', () => {
  const top = parse('SELECT TOP(5) FROM DIGITALTWINS');
  assert.equal(top.select.top?.count, 5);
  assert.equal(top.select.projection.kind, 'star');
  const topT = parse('SELECT TOP (3) T FROM DIGITALTWINS T');
  assert.equal(topT.select.projection.kind, 'items');
  const count = parse('SELECT COUNT() FROM DIGITALTWINS');
  assert.deepEqual(count.select.projection.kind === 'items' && count.select.projection.items.map((i) => printExpr(i.expr)), ['COUNT()']);
  const proj = parse('SELECT Consumer.name AS consumerName, Factory FROM DIGITALTWINS Factory JOIN Consumer RELATED Factory.customer Edge');
  assert.ok(proj.select.projection.kind === 'items');
  assert.deepEqual(proj.select.projection.items.map((i) => [printExpr(i.expr), i.alias]), [['Consumer.name', 'consumerName'], ['Factory', undefined]]);
});

test('FROM RELATIONSHIPS with and without alias', () => {
  assert.equal(parse('SELECT * FROM RELATIONSHIPS').from.kind, 'fromRelationships');
  assert.equal(parse('SELECT R FROM RELATIONSHIPS R').from.alias?.name, 'R');
});

test('JOIN chain with relationship aliases', () => {
  const q = parse('SELECT LightBulb FROM DIGITALTWINS Room JOIN LightPanel RELATED Room.contains JOIN LightBulb RELATED LightPanel.contains R2');
  const joins = from(q).joins;
  assert.deepEqual(joins.map((j) => [j.target.name, j.source.name, j.relationshipName, j.relationshipAlias?.name]), [
    ['LightPanel', 'Room', 'contains', undefined],
    ['LightBulb', 'LightPanel', 'contains', 'R2'],
  ]);
});

test('MATCH directions, names, hops and variables (ADT MATCH reference examples)', () => {
  assert.deepEqual(edges('(a)-[]->(b)').map((e) => e.direction), ['right']);
  assert.deepEqual(edges('(a)<-[]-(b)').map((e) => e.direction), ['left']);
  assert.deepEqual(edges('(a)-[]-(b)').map((e) => e.direction), ['any']);
  assert.deepEqual(edges('(a)-[:contains|isAssociatedWith]-(b)')[0]!.names, ['contains', 'isAssociatedWith']);
  assert.deepEqual(edges('(a)-[*3]-(b)')[0]!.hops, { kind: 'exact', count: 3, pos: { offset: 38, line: 1, column: 39 } });
  const range = edges('(a)-[*1..3]-(b)')[0]!.hops;
  assert.ok(range?.kind === 'range' && range.from === 1 && range.to === 3);
  const upTo = edges('(a)-[*..2]-(b)')[0]!.hops;
  assert.ok(upTo?.kind === 'range' && upTo.from === undefined && upTo.to === 2);
  const v = edges('(Floor)-[r:contains|isAssociatedWith]->(Room)')[0]!;
  assert.equal(v.variable?.name, 'r');
  assert.deepEqual(v.names, ['contains', 'isAssociatedWith']);
  const combined = edges('(Floor)-[:contains|isAssociatedWith*3..5]->(Room)')[0]!;
  assert.ok(combined.hops?.kind === 'range' && combined.hops.from === 3 && combined.hops.to === 5);
  assert.equal(edges('(Floor)-[Rel]-(Cafe)')[0]!.variable?.name, 'Rel');
});

test('MATCH chains, anonymous nodes, bare nodes and the colon-less name list of the ADT chained example', () => {
  const q = parse('SELECT Floor, Room, Cafe FROM DIGITALTWINS MATCH (Floor)-[r:contains|isAssociatedWith]->(Cafe)<-[has|includes*..3]-(Room)');
  const m = from(q).match!;
  assert.deepEqual(m.nodes.map((n) => n.name?.name), ['Floor', 'Cafe', 'Room']);
  assert.deepEqual(m.edges[1]!.names, ['has', 'includes']);
  assert.equal(m.edges[1]!.variable, undefined);
  assert.equal(m.edges[1]!.direction, 'left');
  const anon = from(parse('SELECT a FROM DIGITALTWINS MATCH (a)-[]->()-[]->(c)')).match!;
  assert.deepEqual(anon.nodes.map((n) => n.name?.name), ['a', undefined, 'c']);
  const bare = from(parse('SELECT A, B FROM DIGITALTWINS MATCH A-[contains]->B')).match!;
  assert.deepEqual(bare.nodes.map((n) => n.name?.name), ['A', 'B']);
});

test('WHERE precedence: NOT binds tighter than AND, AND tighter than OR; parentheses override', () => {
  assert.equal(where('T.a = 1 OR T.b = 2 AND T.c = 3'), 'T.a = 1 OR (T.b = 2 AND T.c = 3)');
  assert.equal(where('(T.a = 1 OR T.b = 2) AND T.c = 3'), '(T.a = 1 OR T.b = 2) AND T.c = 3');
  assert.equal(where('NOT T.a = 1 AND T.b = 2'), 'NOT T.a = 1 AND T.b = 2');
  const q = parse('SELECT * FROM DIGITALTWINS T WHERE NOT T.a = 1 AND T.b = 2').where!;
  assert.equal(q.kind, 'logical');
  assert.equal(q.kind === 'logical' && q.left.kind, 'not');
});

test('IN, NIN, NOT IN; negative numbers; `<-5` is less-than minus five', () => {
  assert.equal(where("T.owner IN ['John', 'Anil']"), "T.owner IN ['John', 'Anil']");
  assert.equal(where('T.x NIN [1, 2]'), 'T.x NIN [1, 2]');
  assert.equal(where('T.x NOT IN [1]'), 'T.x NIN [1]');
  assert.equal(where('T.x<-5'), 'T.x < -5');
  assert.equal(where('T.x >= -2.5'), 'T.x >= -2.5');
  assert.equal(where('T.flag = true AND T.y != null'), 'T.flag = true AND T.y != null');
});

test('functions: IS_OF_MODEL overloads with exact, old spellings, any case', () => {
  const call = (text: string) => parse(`SELECT * FROM DIGITALTWINS DT WHERE ${text}`).where as Extract<Expr, { kind: 'call' }>;
  const a = call("IS_OF_MODEL(DT, 'dtmi:example:room;1', exact)");
  assert.equal(a.exact, true);
  assert.equal(a.args.length, 2);
  assert.equal(call("IS_OF_MODEL('dtmi:x;1', exact)").args.length, 1);
  assert.equal(call("is_defined(tags.red)").name, 'IS_DEFINED');
  assert.equal(call("STARTS_WITH(DT.$dtId, 'a')").name, 'STARTSWITH');
  assert.equal(call("ARRAY_CONTAINS(DT.floor_number, 2)").args.length, 2);
});

test('escaped reserved words and extensions (EXPLAIN, GROUP BY, ORDER BY)', () => {
  const q = parse("SELECT * FROM DIGITALTWINS WHERE [[Group]] = 'BravoTeam'");
  assert.equal(printExpr(q.where!), "[[Group]] = 'BravoTeam'");
  const x = parse('EXPLAIN SELECT L.$dtId, AVG(M.oee) AS oee FROM DIGITALTWINS L JOIN M RELATED L.contains GROUP BY L.$dtId ORDER BY oee DESC, L.$dtId');
  assert.equal(x.explain, true);
  assert.deepEqual(x.groupBy?.map(printExpr), ['L.$dtId']);
  assert.deepEqual(x.orderBy?.map((o) => [printExpr(o.expr), o.descending]), [['oee', true], ['L.$dtId', false]]);
});

test('syntax errors say where and what was expected', () => {
  syntaxError('SELECT * WHERE T.x = 1', { line: 1, column: 10, expected: ['FROM'], found: "'WHERE'", message: "Expected FROM at line 1, column 10, found 'WHERE'" });
  syntaxError('SELECT T\nFROM DIGITALTWINS T\nWHERE T.x = ', { line: 3, column: 13, expected: ['a value'], found: 'end of query' });
  syntaxError('SELECT * FROM DIGITALTWINS MATCH (a)-[:contains->(b)', { line: 1, column: 48, expected: ["'|'", "'*'", "']'"], found: "'->'" });
  syntaxError('SELECT TOP 5 FROM DIGITALTWINS', { line: 1, column: 12, expected: ["'('"] });
  syntaxError('SELECT * FROM DIGITALTWINS MATCH (a)<-[]->(b)', { line: 1, column: 41, expected: ["'-'"], found: "'->'" });
  syntaxError('SELECT * FROM DIGITALTWINS T WHERE (T.a = 1 OR T.b = 2', {
    line: 1, column: 55, expected: ['AND', 'OR', "')'"], message: "Expected AND, OR or ')' at line 1, column 55, found end of query",
  });
  syntaxError('SELECT * FROM DIGITALTWINS T extra', { line: 1, column: 30, expected: ['JOIN', 'MATCH', 'WHERE', 'GROUP', 'ORDER', 'end of query'] });
});

test('a reserved word used as a name is a syntax error that suggests escaping it', () => {
  syntaxError("SELECT * FROM DIGITALTWINS WHERE Group = 'x'", { line: 1, column: 34, found: "'Group'" });
  assert.throws(() => parse("SELECT * FROM DIGITALTWINS WHERE Group = 'x'"), /\[\[Group\]\]/);
});

test('IN lists take literals only; unknown functions are refused', () => {
  syntaxError('SELECT * FROM DIGITALTWINS T WHERE T.a IN [T.b]', { line: 1, column: 44, expected: ['a literal value'], found: "'T.b'" });
  syntaxError('SELECT * FROM DIGITALTWINS T WHERE LOWER(T.a) = 1', { line: 1, column: 36, expected: ['a known function'] });
});

test('ADT combination rules checked while parsing', () => {
  const code = (text: string) => {
    try {
      parse(text);
      return 'ok';
    } catch (e) {
      return (e as { code: string }).code;
    }
  };
  assert.equal(code('SELECT R FROM RELATIONSHIPS R JOIN X RELATED R.contains'), 'query.invalid_join');
  assert.equal(code('SELECT T FROM DIGITALTWINS T JOIN C RELATED T.contains MATCH (a)-[]->(b)'), 'query.invalid_match');
  assert.equal(code('SELECT a FROM DIGITALTWINS MATCH (a)-[]->(b) MATCH (c)'), 'query.invalid_match');
  assert.equal(code(`SELECT * FROM DIGITALTWINS WHERE T.a = '${'x'.repeat(8000)}'`), 'query.query_too_long');
});
