/**
 * Device registration through the Device Provisioning Service MQTT protocol (api-version
 * 2019-03-31), symmetric-key attestation.
 *
 *   CONNECT  clientId = registrationId, username = {idScope}/registrations/{registrationId}/api-version=2019-03-31,
 *            password = SAS over {idScope}/registrations/{registrationId} with skn=registration
 *   SUB      $dps/registrations/res/#
 *   PUB      $dps/registrations/PUT/iotdps-register/?$rid={n}   {"registrationId": …}
 *   ← 202    {operationId, status: "assigning"} with retry-after (seconds) in the topic
 *   PUB      $dps/registrations/GET/iotdps-get-operationstatus/?$rid={n}&operationId={id} until
 *   ← 200    {status: "assigned", registrationState: {assignedHub, deviceId, …}}
 */
import type { IClientOptions } from 'mqtt';
import { SimErrors } from '../errors.js';
import { deriveDeviceKey, dpsSasToken } from './sas.js';
import { MqttSession } from './session.js';
import { dpsTopics, parseDpsResponse } from './topics.js';

export interface DpsOptions {
  readonly url: string;
  readonly idScope: string;
  readonly registrationId: string;
  /** Either the device's own key or the enrollment group key to derive it from. */
  readonly deviceKey?: string;
  readonly groupKey?: string;
  /** Sent as the registration `payload` (e.g. `{ modelId }`). */
  readonly payload?: unknown;
  readonly timeoutMs?: number;
  /** Upper bound on the wait between polls, whatever retry-after says. */
  readonly maxRetryAfterMs?: number;
  readonly mqtt?: Partial<IClientOptions>;
}

export interface Assignment {
  readonly assignedHub: string;
  readonly deviceId: string;
  /** The key the device uses at the hub (derived from the group key when one was given). */
  readonly deviceKey: string;
  readonly substatus?: string;
}

interface DpsReply {
  status: number;
  retryAfterS?: number;
  body: { operationId?: string; status?: string; registrationState?: { assignedHub?: string; deviceId?: string; substatus?: string; errorMessage?: string } };
}

export async function provisionDevice(options: DpsOptions): Promise<Assignment> {
  const key = options.deviceKey ?? (options.groupKey ? deriveDeviceKey(options.groupKey, options.registrationId) : undefined);
  if (!key) throw SimErrors.create('invalid_option', 'DPS needs a device key or a group key', { registrationId: options.registrationId });
  const session = new MqttSession({
    url: options.url,
    clientId: options.registrationId,
    username: dpsTopics.username(options.idScope, options.registrationId),
    password: () => dpsSasToken(options.idScope, options.registrationId, key, Date.now() / 1000 + 3600),
    reconnect: false,
    ...(options.mqtt ? { mqtt: options.mqtt } : {}),
  });
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const waiters = new Map<string, (r: DpsReply) => void>();
  session.client.on('message', (topic, payload) => {
    const res = parseDpsResponse(topic);
    if (!res) return;
    let body: DpsReply['body'] = {};
    try {
      body = payload.length ? (JSON.parse(payload.toString('utf8')) as DpsReply['body']) : {};
    } catch {
      /* an unreadable body leaves status and retry-after to act on */
    }
    waiters.get(res.rid)?.({ status: res.status, ...(res.retryAfterS !== undefined ? { retryAfterS: res.retryAfterS } : {}), body });
  });
  let rid = 0;
  const ask = (topic: (rid: string) => string, payload: string): Promise<DpsReply> =>
    new Promise((resolve, reject) => {
      const id = String(++rid);
      const timer = setTimeout(() => {
        waiters.delete(id);
        reject(SimErrors.create('provisioning_failed', `${options.registrationId}: DPS did not answer in time`, { registrationId: options.registrationId }));
      }, Math.max(1, deadline - Date.now()));
      waiters.set(id, (r) => {
        clearTimeout(timer);
        waiters.delete(id);
        resolve(r);
      });
      session.publish(topic(id), payload, 0).catch(reject);
    });
  const pause = (s: number | undefined) => new Promise((r) => setTimeout(r, Math.min((s ?? 3) * 1000, options.maxRetryAfterMs ?? 10_000)));

  try {
    await session.open();
    await session.client.subscribeAsync(dpsTopics.responseFilter, { qos: 0 });
    const registration = JSON.stringify({ registrationId: options.registrationId, ...(options.payload !== undefined ? { payload: options.payload } : {}) });
    let reply = await ask(dpsTopics.register, registration);
    // Bounded by the deadline: every ask() rejects once it has passed.
    for (;;) {
      if (reply.status === 429) {
        await pause(reply.retryAfterS);
        reply = await ask(dpsTopics.register, registration);
        continue;
      }
      if (reply.status >= 300) {
        throw SimErrors.create('provisioning_failed', `${options.registrationId}: DPS answered ${reply.status}`, { registrationId: options.registrationId, status: reply.status, body: reply.body });
      }
      const state = reply.body.status;
      if (state === 'assigned') {
        const rs = reply.body.registrationState ?? {};
        if (!rs.assignedHub || !rs.deviceId) throw SimErrors.create('provisioning_failed', `${options.registrationId}: assignment without hub or device id`, { body: reply.body });
        return { assignedHub: rs.assignedHub, deviceId: rs.deviceId, deviceKey: key, ...(rs.substatus ? { substatus: rs.substatus } : {}) };
      }
      if (state === 'failed' || state === 'disabled') {
        throw SimErrors.create('provisioning_failed', `${options.registrationId}: registration ${state}: ${reply.body.registrationState?.errorMessage ?? ''}`, { registrationId: options.registrationId, status: state });
      }
      const operationId = reply.body.operationId;
      if (!operationId) throw SimErrors.create('provisioning_failed', `${options.registrationId}: no operationId to poll`, { body: reply.body });
      await pause(reply.retryAfterS);
      reply = await ask((id) => dpsTopics.operationStatus(id, operationId), '');
    }
  } finally {
    await session.close().catch(() => {});
  }
}
