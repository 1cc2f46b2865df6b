import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryStorage } from '../storage/index.js';
import { createHubCommand } from './cli.js';
import { PolicyStore } from './identity/policies.js';
import { DeviceRegistry } from './registry/registry.js';
import { checkSasToken, parseSasToken, signSasToken } from './identity/sas.js';

async function runWith(argv: string[]) {
  const store = createMemoryStorage();
  await store.open();
  const seenArgs: string[][] = [];
  const out: string[] = [];
  const cmd = createHubCommand({
    async openStore(args) {
      seenArgs.push([...args]);
      await store.open();
      return { store, publicHost: 'plant.example.com' };
    },
  });
  // Policies exist once the store has been opened by the hub or this command.
  const policies = await PolicyStore.open(store);
  await new DeviceRegistry({ store }).create({ deviceId: 'press-1' });
  const code = await cmd.run(argv, { stdout: (l) => out.push(l), stderr: () => undefined, env: {} });
  return { code, out, seenArgs, policies, store };
}

test('connection-string prints a string whose key verifies tokens for that policy', async () => {
  const r = await runWith(['connection-string', '--policy', 'service', '--data', '/tmp/x']);
  assert.equal(r.code, 0);
  assert.deepEqual(r.seenArgs, [['--data', '/tmp/x']]); // platform flags pass through
  const m = /^HostName=plant\.example\.com;SharedAccessKeyName=service;SharedAccessKey=(.+)$/.exec(r.out[0]!);
  assert.ok(m, r.out[0]);
  const token = signSasToken('plant.example.com', m[1]!, Date.now() / 1000 + 60, 'service');
  assert.equal(r.policies.verify(token, new Set(['plant.example.com']), 'ServiceConnect').keyName, 'service');
});

test('device-connection-string uses the device key and --host', async () => {
  const r = await runWith(['device-connection-string', 'press-1', '--host', '10.0.0.5:8883']);
  const m = /^HostName=10\.0\.0\.5:8883;DeviceId=press-1;SharedAccessKey=(.+)$/.exec(r.out[0]!);
  assert.ok(m);
  const t = parseSasToken(signSasToken('10.0.0.5:8883/devices/press-1', m[1]!, Date.now() / 1000 + 60));
  await r.store.open();
  const d = await new DeviceRegistry({ store: r.store }).get('press-1');
  assert.equal(checkSasToken(t, [d.authentication.symmetricKey!.primaryKey], () => true, Date.now()).ok, true);
});

test('policies lists the five IoT Hub defaults with their rights; unknown actions are usage errors', async () => {
  const r = await runWith(['policies']);
  assert.deepEqual(r.out, ['iothubowner\tRegistryRead,RegistryWrite,ServiceConnect,DeviceConnect', 'service\tServiceConnect', 'device\tDeviceConnect', 'registryRead\tRegistryRead', 'registryReadWrite\tRegistryRead,RegistryWrite']);
  await assert.rejects(runWith(['frobnicate']), /unknown action/);
});
