// Tests for the app's pure modules (web/src/lib, i18n, auth, offline), which run in the browser;
// they sit here because the test runner reads src/. Expected values come from the cited specs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseParser, type SseEvent } from '../../../web/src/lib/sse.js';

function parse(...chunks: string[]): { events: SseEvent[]; parser: SseParser } {
  const events: SseEvent[] = [];
  const parser = new SseParser((e) => events.push(e));
  for (const c of chunks) parser.push(c);
  return { events, parser };
}

test('multi-line data joins with LF (HTML §9.2.6, the stock-ticker example)', () => {
  const { events } = parse('data: YHOO\ndata: +2\ndata: 10\n\n');
  assert.deepEqual(events, [{ type: 'message', data: 'YHOO\n+2\n10', id: '' }]);
});

test('comments, ids, an empty id resets it, one leading space is stripped (the spec example)', () => {
  const { events } = parse(': test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n');
  assert.deepEqual(events, [
    { type: 'message', data: 'first event', id: '1' },
    { type: 'message', data: 'second event', id: '' },
    { type: 'message', data: ' third event', id: '' },
  ]);
});

test('empty data fields: "" then "\\n"; an unterminated block is not dispatched (the spec example)', () => {
  const { events } = parse('data\n\ndata\ndata\n\ndata:');
  assert.deepEqual(
    events.map((e) => e.data),
    ['', '\n'],
  );
});

test('CRLF split across chunks, a BOM, event types and retry', () => {
  const { events, parser } = parse('\uFEFFevent: Microsoft.DigitalTwins.Twin.Update\r', '\ndata: {"a":1}\r', '\n\r\n', 'retry: 2500\nretry: soon\n');
  assert.deepEqual(events, [{ type: 'Microsoft.DigitalTwins.Twin.Update', data: '{"a":1}', id: '' }]);
  assert.equal(parser.retry, 2500, 'a non-numeric retry is ignored');
});

test('a bare CR ends a line; the id sticks to later events', () => {
  const { events, parser } = parse('id: 7\rdata: x\r\rdata: y\n\n');
  assert.deepEqual(events, [
    { type: 'message', data: 'x', id: '7' },
    { type: 'message', data: 'y', id: '7' },
  ]);
  assert.equal(parser.lastEventId, '7');
});
