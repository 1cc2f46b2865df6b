import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'nats';
import { createInProcessBus } from '../../bus/index.js';
import { createMemoryStorage } from '../../storage/index.js';
import { graphWithModels, M } from '../testing/fixtures.js';
import { EventRouting } from './routing.js';

const url = process.env.TWINWORKS_TEST_NATS_URL;

test('a NATS-subject endpoint receives routed CloudEvents', { skip: url === undefined ? 'set TWINWORKS_TEST_NATS_URL to run' : false }, async () => {
  const subject = `twinworks.test.routes.${process.pid}.${Date.now()}`;
  const nc = await connect({ servers: url as string });
  const sub = nc.subscribe(subject, { max: 1 });
  const store = createMemoryStorage();
  await store.open();
  const bus = createInProcessBus();
  const graph = await graphWithModels(store, bus);
  const routing = new EventRouting({ store, bus, source: 'plant.test' });
  await routing.start();
  try {
    await routing.putEndpoint('nats', { kind: 'nats', url, subject });
    await routing.putRoute('all-creates', { endpointName: 'nats', filter: "type = 'Microsoft.DigitalTwins.Twin.Create'" });
    await graph.upsertTwin('crew', { $metadata: { $model: M.crew }, members: 5 });
    for await (const m of sub) {
      const event = JSON.parse(new TextDecoder().decode(m.data)) as { type: string; subject: string; data: { members: number } };
      assert.equal(event.type, 'Microsoft.DigitalTwins.Twin.Create');
      assert.equal(event.subject, 'crew');
      assert.equal(event.data.members, 5);
    }
  } finally {
    await routing.stop();
    await bus.close();
    await nc.drain();
  }
});
