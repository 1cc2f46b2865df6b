/**
 * `twinworks hub …`: offline access to the hub's secrets in the store. The composition root
 * supplies `openStore` (it chooses the adapter from --data / --database like every command).
 *
 *   twinworks hub connection-string [--policy iothubowner] [--host NAME] [--data DIR | --database URL]
 *   twinworks hub policies
 *   twinworks hub device-connection-string DEVICE_ID [--host NAME]
 */
import type { StorageAdapter } from '../storage/index.js';
import { extractFlags } from '../config/index.js';
import { TwinworksError } from '../shared/errors.js';
import { HubErrors } from './errors.js';
import { PolicyStore } from './identity/policies.js';
import { DeviceRegistry } from './registry/registry.js';

export interface CliIOLike {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface HubCliCommand {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(argv: readonly string[], io: CliIOLike): Promise<number>;
}

export interface OpenedStore {
  readonly store: StorageAdapter;
  /** The platform's public host name (`--public-host`, else this machine's name). */
  readonly publicHost: string;
}

const USAGE = `Usage:
  twinworks hub connection-string [--policy NAME] [--host NAME] [--data DIR | --database URL]
  twinworks hub policies [--data DIR | --database URL]
  twinworks hub device-connection-string DEVICE_ID [--host NAME] [--data DIR | --database URL]
Prints IoT Hub connection strings for the azure-iothub / azure-iot-device SDKs. Policies: iothubowner
(default), service, device, registryRead, registryReadWrite. --host overrides the host name in the
string (default: the platform's public host). Works on the store directly: for the embedded DuckDB
store, stop the platform first, or use GET /api/hub/connection-string while it runs.`;

function usage(message: string): TwinworksError {
  return HubErrors.create('invalid_config', `${message}\n${USAGE}`, {});
}


export function createHubCommand(deps: { openStore(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<OpenedStore> }): HubCliCommand {
  return {
    name: 'hub',
    summary: 'device hub: service and device connection strings, shared access policies',
    usage: USAGE,
    async run(argv, io) {
      const [action, ...rest] = argv;
      const positional = rest[0] && !rest[0].startsWith('--') ? rest[0] : undefined;
      const { values, remaining } = extractFlags(positional ? rest.slice(1) : rest, ['policy', 'host']);
      if (action !== 'connection-string' && action !== 'policies' && action !== 'device-connection-string') throw usage(`unknown action '${action ?? ''}'`);
      const { store, publicHost } = await deps.openStore(remaining, io.env);
      try {
        const policies = await PolicyStore.open(store);
        const host = values['host'] ?? publicHost;
        switch (action) {
          case 'connection-string':
            io.stdout(policies.connectionString(values['policy'] ?? 'iothubowner', host));
            return 0;
          case 'policies':
            for (const p of policies.list()) io.stdout(`${p.keyName}\t${p.rights.join(',')}`);
            return 0;
          case 'device-connection-string': {
            if (!positional) throw usage('device-connection-string needs a DEVICE_ID');
            const d = await new DeviceRegistry({ store }).get(positional);
            const key = d.authentication.symmetricKey?.primaryKey;
            if (!key) throw HubErrors.create('invalid_device', `device '${positional}' does not use symmetric keys`, { deviceId: positional });
            io.stdout(`HostName=${host};DeviceId=${d.deviceId};SharedAccessKey=${key}`);
            return 0;
          }
        }
      } finally {
        await store.close();
      }
    },
  };
}
