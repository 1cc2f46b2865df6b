/**
 * Shared access policies for services (IoT Hub "Control access with SAS", §IoT Hub-level shared
 * access policies): a name, two keys and a set of rights. The five IoT Hub defaults are created on
 * first start with fresh keys and kept in the store (`settings` collection, id `hub.policies`), so
 * every replica sharing a store accepts the same connection strings.
 */
import { StorageErrors, type StorageAdapter } from '../../storage/index.js';
import { HubErrors } from '../errors.js';
import { checkSasToken, generateKey, parseSasToken } from './sas.js';

export const RIGHTS = ['RegistryRead', 'RegistryWrite', 'ServiceConnect', 'DeviceConnect'] as const;
export type Right = (typeof RIGHTS)[number];

export interface SharedAccessPolicy {
  readonly keyName: string;
  readonly primaryKey: string;
  readonly secondaryKey: string;
  readonly rights: readonly Right[];
}

const DEFAULTS: ReadonlyArray<{ keyName: string; rights: Right[] }> = [
  { keyName: 'iothubowner', rights: ['RegistryRead', 'RegistryWrite', 'ServiceConnect', 'DeviceConnect'] },
  { keyName: 'service', rights: ['ServiceConnect'] },
  { keyName: 'device', rights: ['DeviceConnect'] },
  { keyName: 'registryRead', rights: ['RegistryRead'] },
  { keyName: 'registryReadWrite', rights: ['RegistryRead', 'RegistryWrite'] },
];

const DOC_ID = 'hub.policies';

export class PolicyStore {
  private policies = new Map<string, SharedAccessPolicy>();

  private constructor(private readonly store: StorageAdapter) {}

  /** Loads the policies, creating the defaults on first use (safe when replicas start together). */
  static async open(store: StorageAdapter): Promise<PolicyStore> {
    const p = new PolicyStore(store);
    await p.reload();
    return p;
  }

  async reload(): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const doc = await this.store.get('settings', DOC_ID);
      if (doc) {
        this.policies = new Map((doc.body as { policies: SharedAccessPolicy[] }).policies.map((x) => [x.keyName, x]));
        return;
      }
      const policies = DEFAULTS.map((d) => ({ keyName: d.keyName, primaryKey: generateKey(), secondaryKey: generateKey(), rights: d.rights }));
      try {
        await this.store.write([{ op: 'put', collection: 'settings', id: DOC_ID, body: { policies }, expectVersion: 'absent' }]);
        this.policies = new Map(policies.map((x) => [x.keyName, x]));
        return;
      } catch (err) {
        if (!StorageErrors.is(err, 'version_conflict')) throw err; // another replica created them: read theirs
      }
    }
  }

  get(keyName: string): SharedAccessPolicy {
    const p = this.policies.get(keyName);
    if (!p) throw HubErrors.create('policy_not_found', `no shared access policy '${keyName}'`, { keyName, known: [...this.policies.keys()] });
    return p;
  }

  list(): SharedAccessPolicy[] {
    return [...this.policies.values()];
  }

  connectionString(keyName: string, hostName: string): string {
    const p = this.get(keyName);
    return `HostName=${hostName};SharedAccessKeyName=${p.keyName};SharedAccessKey=${p.primaryKey}`;
  }

  /**
   * Verifies a service token (`Authorization: SharedAccessSignature …` with `skn`): the policy's key
   * signed it, it has not expired, its resource is one of our host names (optionally followed by a
   * path), and the policy has the right. Returns the policy; throws hub.unauthorized / hub.forbidden.
   */
  verify(tokenText: string, hosts: ReadonlySet<string>, right: Right, nowMs = Date.now()): SharedAccessPolicy {
    const token = parseSasToken(tokenText);
    if (!token.keyName) throw HubErrors.create('unauthorized', 'a service token names its policy in skn', { reason: 'no_policy' });
    const policy = this.policies.get(token.keyName);
    if (!policy) throw HubErrors.create('unauthorized', `no shared access policy '${token.keyName}'`, { reason: 'unknown_policy' });
    const check = checkSasToken(token, [policy.primaryKey, policy.secondaryKey], (r) => hosts.has(r.split('/')[0]!.toLowerCase()), nowMs);
    if (!check.ok) throw HubErrors.create('unauthorized', check.message, { reason: check.reason });
    if (!policy.rights.includes(right)) throw HubErrors.create('forbidden', `policy '${policy.keyName}' lacks the ${right} right`, { keyName: policy.keyName, right, rights: policy.rights });
    return policy;
  }
}
