/**
 * The typed API: a pattern narrows the handler's event union, payloads are checked against the
 * catalogue. The @ts-expect-error lines are verified by `npm run typecheck`; the assertions here
 * check that the run-time behaviour matches what the types promise.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EVENT_NAMES, isEventName, type EventName } from './catalogue.js';
import { createInProcessBus } from './inprocess/bus.js';
import { matchName, parsePattern } from './pattern.js';
import type { MatchingNames } from './port.js';
import { twinCreated, waitUntil } from './testing/helpers.js';

type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const twinStar: Equal<MatchingNames<'twin.*'>, 'twin.created' | 'twin.updated' | 'twin.deleted'> = true;
const starCreated: Equal<MatchingNames<'*.created'>, 'twin.created' | 'relationship.created' | 'model.created'> = true;
const everything: Equal<MatchingNames<'>'>, EventName> = true;
const dynamic: Equal<MatchingNames<string>, EventName> = true;

test('compile-time pattern narrowing agrees with run-time matching', () => {
  assert.ok(twinStar && starCreated && everything && dynamic);
  const matching = (p: string) => EVENT_NAMES.filter((n) => matchName(parsePattern(p), n));
  assert.deepEqual(matching('twin.*'), ['twin.created', 'twin.updated', 'twin.deleted']);
  assert.deepEqual(matching('*.created'), ['twin.created', 'relationship.created', 'model.created']);
  assert.equal(matching('>').length, EVENT_NAMES.length);
});

test('event names are unique, dotted lower-case, and recognised by isEventName', () => {
  assert.equal(new Set(EVENT_NAMES).size, EVENT_NAMES.length);
  for (const n of EVENT_NAMES) assert.match(n, /^[a-z0-9_]+(\.[a-z0-9_]+)+$/);
  assert.equal(isEventName('twin.created'), true);
  assert.equal(isEventName('twin.exploded'), false);
});

test('a switch over the narrowed union reaches the payload fields', async () => {
  const bus = createInProcessBus();
  try {
    const models: string[] = [];
    await bus.subscribe('twin.*', (e) => {
      switch (e.name) {
        case 'twin.created':
        case 'twin.updated':
        case 'twin.deleted':
          models.push(e.payload.modelId);
          break;
        default: {
          const never: never = e;
          throw new Error(`unexpected ${JSON.stringify(never)}`);
        }
      }
    });
    // @ts-expect-error the payload lacks modelId, etag and time
    await bus.publish('twin.deleted', { twinId: 'a' }).catch(() => undefined);
    // @ts-expect-error a pattern that matches no catalogued event
    await bus.subscribe('twin.craeted', () => {}).then((s) => s.close());
    await bus.publish('twin.created', twinCreated('t1'));
    await waitUntil(() => models.includes('dtmi:com:example:Pump;1'), () => models.join());
  } finally {
    await bus.close();
  }
});
