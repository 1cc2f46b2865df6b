/**
 * The one contract every EventBus adapter passes (CONTRIBUTING "Ports and adapters"). Run it from
 * the adapter's test file: `runBusContract('inprocess', { open: … , survivesRestart: false })`.
 *
 * Parts: basics (round trip, patterns, validation) here; delivery guarantees (at least once,
 * ordering, durable consumers, groups, maxDeliver, restart) in contract-delivery.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TelemetryReceived } from '../catalogue.js';
import { BusErrors } from '../errors.js';
import type { Envelope, EventBus } from '../port.js';
import { deliveryContract } from './contract-delivery.js';
import { delay, GRACE_MS, telemetry, twinCreated, waitUntil, withBus, type BusContractTarget } from './helpers.js';

export type { BusContractTarget } from './helpers.js';

export function runBusContract(name: string, target: BusContractTarget): void {
  describe(`EventBus contract: ${name}`, { skip: target.skip ?? false }, () => {
    basicsContract(target);
    deliveryContract(target);
  });
}

function basicsContract(target: BusContractTarget): void {
  test('a published event reaches a subscriber with its envelope intact', async () => {
    await withBus(target, async (bus) => {
      const got: Envelope<'twin.created'>[] = [];
      await bus.subscribe('twin.created', (e) => {
        got.push(e);
      });
      const before = Date.now();
      const payload = twinCreated('pump-1');
      const receipt = await bus.publish('twin.created', payload, { key: 'pump-1' });
      const after = Date.now();
      await waitUntil(() => got.length === 1, () => `received ${got.length} of 1`);
      const e = got[0] as Envelope<'twin.created'>;
      assert.equal(e.id, receipt.id);
      assert.equal(e.seq, receipt.seq);
      assert.equal(e.name, 'twin.created');
      assert.equal(e.key, 'pump-1');
      assert.equal(e.deliveryCount, 1);
      assert.deepEqual(e.payload, payload);
      const t = Date.parse(e.time);
      // The bus stamps the time it accepted the event: between the publish call and its return (ms clock).
      assert.ok(t >= before - 1 && t <= after + 1, `time ${e.time} outside [${before}, ${after}]`);
      assert.match(e.id, /^[0-9a-f-]{36}$/);
    });
  });

  test('sequence numbers grow in publish order and keys may hold any characters', async () => {
    await withBus(target, async (bus) => {
      const keys = ['a.b', 'x*y>z', 'with space', '', 'ünïcödé/ключ', '-', '_', 'plain-Key_9'];
      const got: Array<string | undefined> = [];
      await bus.subscribe('telemetry.received', (e) => {
        got.push(e.key);
      });
      const receipts = [];
      for (const [i, key] of keys.entries()) receipts.push(await bus.publish('telemetry.received', telemetry('d', i), { key }));
      for (let i = 1; i < receipts.length; i++) assert.ok((receipts[i]?.seq ?? 0) > (receipts[i - 1]?.seq ?? 0), 'seq must increase');
      await waitUntil(() => got.length === keys.length, () => `received ${got.length} of ${keys.length}`);
      assert.deepEqual([...got].sort(), [...keys].sort());
    });
  });

  test('patterns: * is one token, > the rest, exact names, and key filters', async () => {
    await withBus(target, async (bus) => {
      const seen: Record<string, string[]> = { star: [], all: [], created: [], exactKey: [] };
      const rec = (bucket: string) => (e: Envelope) => {
        seen[bucket]?.push(`${e.name}${e.key === undefined ? '' : `#${e.key}`}`);
      };
      await bus.subscribe('twin.*', rec('star'));
      await bus.subscribe('>', rec('all'));
      await bus.subscribe('*.created', rec('created'));
      await bus.subscribe('twin.deleted', rec('exactKey'), { key: 'k.1 2' });
      const twin = twinCreated('t');
      const del = { twinId: 't', modelId: twin.modelId, etag: 'W/"2"', time: twin.time };
      // Keyless events share one ordered lane, so receiving the last keyless event proves the
      // earlier keyless ones were either delivered or (correctly) filtered out.
      await bus.publish('twin.created', twin);
      await bus.publish('relationship.created', { relationshipId: 'r', sourceId: 't', targetId: 'u', name: 'feeds', relationship: {}, etag: 'W/"1"', time: twin.time });
      await bus.publish('model.deleted', { modelId: twin.modelId, time: twin.time });
      await bus.publish('twin.deleted', del, { key: 'other' });
      await bus.publish('twin.deleted', del, { key: 'k.1 2' });
      await bus.publish('twin.deleted', del);
      await waitUntil(() => seen['all']?.length === 6 && seen['star']?.length === 4 && seen['created']?.length === 2 && seen['exactKey']?.length === 1, () => JSON.stringify(seen));
      await delay(GRACE_MS);
      const sorted = (xs: string[] | undefined) => [...(xs ?? [])].sort();
      assert.deepEqual(sorted(seen['star']), ['twin.created', 'twin.deleted', 'twin.deleted#k.1 2', 'twin.deleted#other']);
      assert.deepEqual(sorted(seen['created']), ['relationship.created', 'twin.created']);
      assert.deepEqual(seen['exactKey'], ['twin.deleted#k.1 2']);
      assert.equal(seen['all']?.length, 6);
    });
  });

  test('invalid patterns, names, keys, options and payloads are refused with bus.* codes', async () => {
    await withBus(target, async (bus) => {
      const noop = () => {};
      for (const bad of ['', 'twin.*x', '>.twin', 'twin..created', 'twin.', 'tw in', 'twin.>.x']) {
        await assert.rejects(bus.subscribe(bad as string, noop), (e: unknown) => BusErrors.is(e, 'invalid_subject'), `pattern ${JSON.stringify(bad)}`);
      }
      await assert.rejects(bus.subscribe('twin.*', noop, { durable: 'has.dot' }), (e: unknown) => BusErrors.is(e, 'invalid_options'));
      await assert.rejects(bus.subscribe('twin.*', noop, { durable: 'a', group: 'b' }), (e: unknown) => BusErrors.is(e, 'invalid_options'));
      await assert.rejects(bus.subscribe('twin.*', noop, { maxDeliver: 0 }), (e: unknown) => BusErrors.is(e, 'invalid_options'));
      // Untyped callers (plain JS, JSON from elsewhere) are checked at run time as well.
      const untyped = bus as unknown as { publish(n: string, p: unknown, o?: object): Promise<unknown> };
      await assert.rejects(untyped.publish('twin.exploded', {}), (e: unknown) => BusErrors.is(e, 'unknown_event'));
      await assert.rejects(untyped.publish('twin.created', { big: 10n }), (e: unknown) => BusErrors.is(e, 'invalid_payload'));
      await assert.rejects(untyped.publish('twin.created', 'text'), (e: unknown) => BusErrors.is(e, 'invalid_payload'));
      await assert.rejects(bus.publish('twin.created', twinCreated('x'), { key: 'k'.repeat(257) }), (e: unknown) => BusErrors.is(e, 'invalid_subject'));
    });
  });

  test('a durable name is bound to its pattern and durability', async () => {
    await withBus(target, async (bus) => {
      const sub = await bus.subscribe('twin.*', () => {}, { durable: 'bound' });
      await assert.rejects(bus.subscribe('model.*', () => {}, { durable: 'bound' }), (e: unknown) => BusErrors.is(e, 'consumer_conflict'));
      await sub.close();
      await assert.rejects(bus.subscribe('model.*', () => {}, { durable: 'bound' }), (e: unknown) => BusErrors.is(e, 'consumer_conflict'));
      // A group's consumer is not durable, so a durable may not take over its name…
      await bus.subscribe('twin.*', () => {}, { group: 'crew' });
      await assert.rejects(bus.subscribe('twin.*', () => {}, { durable: 'crew' }), (e: unknown) => BusErrors.is(e, 'consumer_conflict'));
      // …but group members may join a durable consumer and share its work.
      const member = await bus.subscribe('twin.*', () => {}, { group: 'bound' });
      assert.equal(member.consumer, 'bound');
    });
  });

  test('payloads handed to handlers are immutable copies', async () => {
    await withBus(target, async (bus) => {
      const got: TelemetryReceived[] = [];
      await bus.subscribe('telemetry.received', (e) => {
        got.push(e.payload);
      });
      const payload = telemetry('d1', 1);
      await bus.publish('telemetry.received', payload);
      (payload.values as Record<string, number>)['n'] = 99; // the publisher reuses its object
      await waitUntil(() => got.length === 1, () => 'no delivery');
      const p = got[0] as TelemetryReceived;
      assert.equal(p.values['n'], 1);
      assert.throws(() => {
        (p.values as Record<string, number>)['n'] = 2;
      }, TypeError);
    });
  });

  test('closing the bus closes its subscriptions and refuses further publishes', async () => {
    await withBus(target, async (bus: EventBus) => {
      let count = 0;
      await bus.subscribe('telemetry.received', () => {
        count++;
      });
      await bus.publish('telemetry.received', telemetry('d', 0));
      await waitUntil(() => count === 1, () => `count ${count}`);
      await bus.close();
      await bus.close(); // idempotent
      await assert.rejects(bus.publish('telemetry.received', telemetry('d', 1)), (e: unknown) => BusErrors.is(e, 'closed'));
      await assert.rejects(bus.subscribe('telemetry.received', () => {}), (e: unknown) => BusErrors.is(e, 'closed'));
      assert.equal(count, 1);
    });
  });
}
