import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRouteQuery } from './parser.js';
import { compile, type RouteContext } from './evaluate.js';
import { tokenize } from './lexer.js';

function ctx(body: unknown, app: Record<string, string> = {}, system: Record<string, string> = {}, twin?: Record<string, unknown>): RouteContext {
  return { body, app, system, twin: () => twin };
}

function run(query: string, c: RouteContext): unknown {
  return compile(parseRouteQuery(query))(c);
}

test('the issue example: $body.temperature > 85 AND line = ...', () => {
  const q = "$body.temperature > 85 AND line = 'LINE-2'";
  assert.equal(run(q, ctx({ temperature: 90 }, { line: 'LINE-2' })), true);
  assert.equal(run(q, ctx({ temperature: 85 }, { line: 'LINE-2' })), false); // 85 is not > 85
  assert.equal(run(q, ctx({ temperature: 90 }, { line: 'LINE-1' })), false);
  // Missing property: comparison is undefined; undefined AND true is undefined (not a match).
  assert.equal(run(q, ctx({ pressure: 2 }, { line: 'LINE-2' })), undefined);
  // ...but undefined AND false is false.
  assert.equal(run(q, ctx({ pressure: 2 }, { line: 'LINE-1' })), false);
});

test('nested body paths, array indexes and quoted member names', () => {
  const body = { Weather: { Temperature: 50, Location: { State: 'WA' } }, readings: [3, 7], 'odd-name': 1 };
  assert.equal(run('$body.Weather.Temperature = 50', ctx(body)), true);
  assert.equal(run("$body.Weather.Location.State = 'WA'", ctx(body)), true);
  assert.equal(run('length($body.Weather.Location.State) = 2', ctx(body)), true);
  assert.equal(run('$body.readings[1] = 7', ctx(body)), true);
  assert.equal(run("$body['odd-name'] = 1", ctx(body)), true);
  assert.equal(run('$body.readings.x = 7', ctx(body)), undefined);
});

test('system properties by IoT Hub query name, case-insensitive', () => {
  const c = ctx({}, {}, { 'content-type': 'application/json', 'iothub-connection-device-id': 'press-1' });
  assert.equal(run("$contentType = 'application/json'", c), true);
  assert.equal(run("$connectionDeviceId = 'press-1'", c), true);
  assert.equal(run("$CONNECTIONDEVICEID = 'press-1'", c), true);
  assert.equal(run("$messageId = 'x'", c), undefined);
});

test('twin tags and desired properties', () => {
  const twin = { tags: { plant: { floor: 2 } }, properties: { desired: { mode: 'eco' }, reported: {} } };
  assert.equal(run('$twin.tags.plant.floor = 2', ctx({}, {}, {}, twin)), true);
  assert.equal(run("$twin.properties.desired.mode = 'eco'", ctx({}, {}, {}, twin)), true);
  assert.throws(() => parseRouteQuery('$twin.other = 1'), /tags or .properties/);
});

test('no implicit conversion: a string property compared with a number is undefined', () => {
  assert.equal(run('severity > 3', ctx({}, { severity: '5' })), undefined);
  assert.equal(run("severity > '3'", ctx({}, { severity: '5' })), true);
  assert.equal(run('AS_NUMBER(severity) > 3', ctx({}, { severity: '5' })), true);
});

test('three-valued logic of AND, OR and NOT', () => {
  const c = ctx({ a: 1 });
  assert.equal(run('$body.missing = 1 OR $body.a = 1', c), true);
  assert.equal(run('$body.missing = 1 OR $body.a = 2', c), undefined);
  assert.equal(run('NOT ($body.missing = 1)', c), undefined);
  assert.equal(run('NOT ($body.a = 2)', c), true);
  assert.equal(run('true AND NOT false', c), true);
});

test('arithmetic precedence: 2 + 3 * 4 = 14 and (2 + 3) * 4 = 20; division by zero is undefined', () => {
  assert.equal(run('2 + 3 * 4 = 14', ctx({})), true);
  assert.equal(run('(2 + 3) * 4 = 20', ctx({})), true);
  assert.equal(run('-$body.a + 10 = 7', ctx({ a: 3 })), true);
  assert.equal(run('$body.a / 0 = 1', ctx({ a: 3 })), undefined);
  assert.equal(run('7 % 4 = 3', ctx({})), true);
});

test('string and type functions', () => {
  const c = ctx({ s: 'Press-07', n: null, arr: [1] });
  assert.equal(run("STARTS_WITH($body.s, 'Press')", c), true);
  assert.equal(run("ends_with($body.s, '07')", c), true);
  assert.equal(run("contains(lower($body.s), 'ss-0')", c), true);
  assert.equal(run("upper($body.s) = 'PRESS-07'", c), true);
  assert.equal(run("index_of($body.s, '-') = 5", c), true);
  assert.equal(run("substring($body.s, 0, 5) = 'Press'", c), true);
  assert.equal(run("concat($body.s, '/', 'a') = 'Press-07/a'", c), true);
  assert.equal(run('IS_NULL($body.n) AND IS_DEFINED($body.n) AND NOT IS_DEFINED($body.zz)', c), true);
  assert.equal(run('IS_ARRAY($body.arr) AND IS_STRING($body.s) AND IS_PRIMITIVE($body.s)', c), true);
  assert.equal(run('sqrt(16) = 4 AND power(2, 10) = 1024 AND abs(-3) = 3 AND floor(2.7) = 2 AND ceiling(2.1) = 3', c), true);
});

test('null compares only with = and !=', () => {
  assert.equal(run('$body.n = null', ctx({ n: null })), true);
  assert.equal(run('$body.n < null', ctx({ n: null })), undefined);
  assert.equal(run('$body.n = null', ctx({ n: 0 })), undefined);
});

test('<> is != and strings accept both quote styles and escapes', () => {
  assert.equal(run("line <> 'A'", ctx({}, { line: 'B' })), true);
  assert.equal(run('line = "B"', ctx({}, { line: 'B' })), true);
  assert.equal(run("name = 'O''Brien'", ctx({}, { name: "O'Brien" })), true);
  assert.equal(run("name = 'O\\'Brien'", ctx({}, { name: "O'Brien" })), true);
});

test('syntax errors name the offset of the offending token', () => {
  const cases: Array<[string, number]> = [
    ['$body.temperature >', 19], // end of query after the operator
    ['temperature > 85 AND', 20],
    ["line = 'unterminated", 7],
    ['a = 1 b = 2', 6],
    ['nosuchfn(1) = 1', 0],
    ['length(1, 2) = 1', 0],
    ['$body. = 1', 7],
    ['a # b', 2],
    ['', 0],
  ];
  for (const [q, pos] of cases) {
    assert.throws(
      () => parseRouteQuery(q),
      (e: { code?: string; details?: { position?: number } }) => e.code === 'hub.invalid_route_query' && e.details?.position === pos,
      `${q} should fail at ${pos}`,
    );
  }
});

test('lexer: keywords stay identifiers, numbers with exponents', () => {
  const t = tokenize('and 1.5e2 $iothub-enqueuedtime');
  assert.deepEqual(
    t.map((x) => [x.kind, 'value' in x ? x.value : undefined]),
    [
      ['ident', 'and'],
      ['number', 150],
      ['dollar', 'iothub-enqueuedtime'],
      ['eof', undefined],
    ],
  );
});
