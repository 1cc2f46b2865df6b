/** Continuation tokens: pages concatenate to the full result; tokens are tied to their query. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QueryErrors, executeQuery } from './index.js';
import { M, buildFactory } from './testing/factory.js';

const graph = buildFactory();

function allPages(query: string, pageSize: number): { pages: unknown[][]; last?: string } {
  const pages: unknown[][] = [];
  let token: string | undefined;
  // 100 pages is far more than any query here needs; the bound keeps a paging bug from looping.
  for (let i = 0; i < 100; i++) {
    const page = executeQuery(query, graph, { pageSize, continuationToken: token });
    pages.push(page.value);
    token = page.continuationToken;
    if (!token) return { pages };
  }
  throw new Error('paging did not end');
}

function pagesMatchWhole(query: string, pageSize: number, expectedSizes: number[]): void {
  const whole = executeQuery(query, graph, { pageSize: 1000 });
  assert.equal(whole.continuationToken, undefined);
  const { pages } = allPages(query, pageSize);
  assert.deepEqual(pages.map((p) => p.length), expectedSizes);
  assert.deepEqual(pages.flat(), whole.value);
}

test('a twin scan in pages of 5: 16 twins → 5, 5, 5, 1', () => {
  pagesMatchWhole('SELECT T.$dtId FROM DIGITALTWINS T', 5, [5, 5, 5, 1]);
});

test('a page boundary inside the rows of one starting twin (JOIN from 3 lines, 4 machines each, pages of 3)', () => {
  pagesMatchWhole(`SELECT L.$dtId AS l, M.$dtId AS m FROM DIGITALTWINS L JOIN M RELATED L.contains WHERE IS_OF_MODEL(L, '${M.line}')`, 3, [3, 3, 3, 3]);
});

test('distinct MATCH rows page correctly (8 twins, pages of 3)', () => {
  pagesMatchWhole("SELECT B FROM DIGITALTWINS MATCH (A)-[*..2]-(B) WHERE A.$dtId = 'line-1'", 3, [3, 3, 2]);
});

test('with filters, pages still hold pageSize rows', () => {
  pagesMatchWhole("SELECT T.$dtId FROM DIGITALTWINS T WHERE T.status = 'running'", 4, [4, 2]);
});

test('a page exactly as large as the result has no continuation token', () => {
  const page = executeQuery("SELECT T.$dtId FROM DIGITALTWINS T WHERE T.status = 'running'", graph, { pageSize: 6 });
  assert.equal(page.value.length, 6);
  assert.equal(page.continuationToken, undefined);
});

test('TOP holds across pages: TOP(7) in pages of 3 → 3, 3, 1', () => {
  pagesMatchWhole('SELECT TOP(7) T.$dtId FROM DIGITALTWINS T', 3, [3, 3, 1]);
});

test('ORDER BY and GROUP BY results page by offset', () => {
  pagesMatchWhole(`SELECT T.$dtId, T.oee FROM DIGITALTWINS T WHERE IS_OF_MODEL(T, '${M.machine}') ORDER BY T.oee DESC`, 5, [5, 5, 2]);
  pagesMatchWhole('SELECT T.status, COUNT() AS n FROM DIGITALTWINS T GROUP BY T.status ORDER BY T.status', 2, [2, 2]);
});

test('the default page size is 100 and at most 1000 is allowed', () => {
  assert.equal(executeQuery('SELECT * FROM DIGITALTWINS', graph).value.length, 16);
  assert.equal(executeQuery('SELECT * FROM DIGITALTWINS', graph, { pageSize: 1000 }).value.length, 16);
  for (const pageSize of [0, 1001, 2.5, -1]) {
    assert.throws(() => executeQuery('SELECT * FROM DIGITALTWINS', graph, { pageSize }), (e: unknown) => QueryErrors.is(e, 'invalid_page_size'));
  }
});

test('a token from another query, an altered token or garbage is refused', () => {
  const q = 'SELECT T.$dtId FROM DIGITALTWINS T';
  const token = executeQuery(q, graph, { pageSize: 5 }).continuationToken!;
  assert.ok(token);
  const refused = (query: string, t: string, reason: string) =>
    assert.throws(
      () => executeQuery(query, graph, { pageSize: 5, continuationToken: t }),
      (e: unknown) => QueryErrors.is(e, 'invalid_continuation') && e.details.reason === reason,
    );
  refused('SELECT T.$dtId FROM DIGITALTWINS T WHERE T.oee > 0', token, 'belongs to another query');
  const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  decoded.s.anchor = 0;
  refused(q, Buffer.from(JSON.stringify(decoded)).toString('base64url'), 'is corrupted');
  refused(q, 'not-a-token', 'is malformed');
  refused(q, Buffer.from('{"v":9}').toString('base64url'), 'has an unknown version');
});

test('later pages keep the first page\'s index even when a better one appears in between', () => {
  // The property index on `status` is built on the second request, i.e. while fetching page 2.
  const g = buildFactory({ autoIndexAfter: 2 });
  const q = "SELECT T.$dtId FROM DIGITALTWINS T WHERE T.status = 'running'";
  const first = executeQuery(q, g, { pageSize: 4 });
  const second = executeQuery(q, g, { pageSize: 4, continuationToken: first.continuationToken });
  assert.deepEqual(g.indexedPaths(), [['status']]);
  assert.equal(second.continuationToken, undefined);
  const all = [...first.value, ...second.value].map((v) => (v as { $dtId: string }).$dtId);
  assert.deepEqual(all, ['m-1-1', 'm-1-2', 'm-2-1', 'm-2-3', 'm-3-1', 'm-3-2']);
  // A fresh run now starts from the new index and finds the same twins.
  const fresh = executeQuery(q, g, { pageSize: 10 }).value.map((v) => (v as { $dtId: string }).$dtId);
  assert.deepEqual([...fresh].sort(), all);
});
