import type { Metrics } from '../observability/index.js';

type Hooks = Parameters<typeof import('../hub/index.js').createEmbeddedBroker>[0]['hooks'];

/**
 * Broker hooks for a platform without the device hub: a client signs in with platform
 * credentials and may then publish and subscribe anywhere. The device hub replaces these with
 * per-device identities and topic authorisation.
 */
export function platformCredentialHooks(check: (username: string | undefined, password: string) => Promise<boolean>, metrics: Metrics): Hooks {
  return {
    async authenticate(_client, username, password) {
      const ok = password !== undefined && password.length > 0 && (await check(username, password.toString('utf8')));
      if (!ok) metrics.mqttRejected.inc({ reason: 'not_authorized' });
      return ok;
    },
    async authorizePublish() {},
    authorizeSubscribe: (_client, sub) => sub,
    authorizeForward: () => true,
    connected: () => metrics.mqttConnections.inc(),
    disconnected: () => metrics.mqttConnections.dec(),
    puback: () => {},
  };
}
