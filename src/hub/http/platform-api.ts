/**
 * The hub under the platform's own API (`/api/hub/…`), for the web UI and scripts signed in as
 * platform users: the guard checks `platform.read` for reads (device keys are left out),
 * `devices.manage` for registry writes and keys, `commands.invoke` for direct methods and C2D.
 */
import type { FastifyInstance } from 'fastify';
import type { ApiModule } from '../../api/index.js';
import type { JsonObject } from '../../bus/index.js';
import { HubErrors } from '../errors.js';
import type { HubParts } from '../hub.js';
import { deviceView, type DeviceInput, type DeviceRecord } from '../registry/device.js';
import { readServiceTwinBody, twinView } from '../registry/twin.js';
import type { EnrollmentInput } from '../dps/enrollments.js';

interface IdParams {
  id: string;
}

function withoutKeys(d: DeviceRecord): JsonObject {
  const v = deviceView(d);
  const auth = v['authentication'] as JsonObject;
  return { ...v, authentication: { ...auth, symmetricKey: { primaryKey: null, secondaryKey: null } } };
}

const tags = ['hub'];

export function platformHubModule(parts: HubParts): ApiModule {
  const { operations, policies } = parts;
  return {
    name: 'hub-platform',
    async register(app: FastifyInstance) {
      await app.register(
        async (r) => {
          r.get<{ Querystring: { after?: string; limit?: string } }>('/devices', { config: { permission: 'platform.read' }, schema: { summary: 'List devices (keys omitted)', tags } }, async (request) => {
            const { after, limit } = request.query;
            const list = await operations.listDevices({ ...(after ? { after } : {}), limit: Number(limit ?? 100) || 100 });
            return { value: list.map((d) => ({ ...withoutKeys(d), connected: operations.isConnected(d.deviceId) })), nextAfter: list.length > 0 ? list[list.length - 1]!.deviceId : null };
          });
          r.get<{ Params: IdParams }>('/devices/:id', { config: { permission: 'platform.read' }, schema: { summary: 'A device (keys omitted)', tags } }, async (request) => {
            const d = await operations.getDevice(request.params.id);
            return { ...withoutKeys(d), connected: operations.isConnected(d.deviceId) };
          });
          r.post('/devices', { config: { permission: 'devices.manage' }, schema: { summary: 'Create a device (keys generated unless given)', tags } }, async (request, reply) => {
            const body = (request.body ?? {}) as DeviceInput;
            const d = await operations.createDevice(body);
            return reply.code(201).send(deviceView(d));
          });
          r.put<{ Params: IdParams }>('/devices/:id', { config: { permission: 'devices.manage' }, schema: { summary: 'Replace a device identity', tags } }, async (request) => {
            const body = { ...((request.body ?? {}) as object), deviceId: request.params.id } as DeviceInput;
            return deviceView((await operations.putDevice(body, request.headers['if-match'] ?? '*')).device);
          });
          r.delete<{ Params: IdParams }>('/devices/:id', { config: { permission: 'devices.manage' }, schema: { summary: 'Delete a device, its C2D queue and its connection', tags } }, async (request, reply) => {
            await operations.deleteDevice(request.params.id);
            return reply.code(204).send();
          });
          r.get<{ Params: IdParams }>('/devices/:id/keys', { config: { permission: 'devices.manage' }, schema: { summary: 'A device with its keys and connection string', tags } }, async (request) => {
            const d = await operations.getDevice(request.params.id);
            const key = d.authentication.symmetricKey?.primaryKey;
            return { ...deviceView(d), connectionString: key ? `HostName=${parts.options.hostName};DeviceId=${d.deviceId};SharedAccessKey=${key}` : null };
          });
          r.post<{ Params: IdParams; Body: { status?: string; reason?: string } }>('/devices/:id/status', { config: { permission: 'devices.manage' }, schema: { summary: 'Enable or disable a device', tags } }, async (request) => {
            const { status, reason } = request.body ?? {};
            if (status !== 'enabled' && status !== 'disabled') throw HubErrors.create('invalid_device', "status must be 'enabled' or 'disabled'", { status });
            return withoutKeys(await operations.setStatus(request.params.id, status, reason));
          });
          r.post<{ Params: IdParams; Body: { key?: string } }>('/devices/:id/keys/regenerate', { config: { permission: 'devices.manage' }, schema: { summary: 'Regenerate the primary, secondary or both keys', tags } }, async (request) => {
            const which = request.body?.key ?? 'both';
            if (which !== 'primary' && which !== 'secondary' && which !== 'both') throw HubErrors.create('invalid_device', "key must be 'primary', 'secondary' or 'both'", { key: which });
            return deviceView(await operations.regenerateKey(request.params.id, which));
          });
          r.get<{ Params: IdParams }>('/devices/:id/twin', { config: { permission: 'platform.read' }, schema: { summary: 'The device twin', tags } }, async (request) => twinView(await operations.getTwin(request.params.id)));
          r.patch<{ Params: IdParams }>('/devices/:id/twin', { config: { permission: 'devices.manage' }, schema: { summary: 'Merge tags and desired properties', tags } }, async (request) => {
            const m = request.headers['if-match'];
            return twinView(await operations.updateTwin(request.params.id, readServiceTwinBody(request.body), m ? { ifMatch: m.replace(/^"(.*)"$/, '$1') } : {}));
          });
          r.post<{ Params: IdParams & { name: string }; Body: { payload?: unknown; responseTimeoutInSeconds?: number; connectTimeoutInSeconds?: number } }>(
            '/devices/:id/methods/:name',
            { config: { permission: 'commands.invoke' }, schema: { summary: 'Invoke a direct method', tags } },
            async (request) => operations.invokeMethod(request.params.id, { methodName: request.params.name, ...(request.body ?? {}) }),
          );
          r.post<{ Params: IdParams; Body: { body?: unknown; properties?: Record<string, string>; messageId?: string; correlationId?: string; ttlSeconds?: number } }>(
            '/devices/:id/messages',
            { config: { permission: 'commands.invoke' }, schema: { summary: 'Queue a cloud-to-device message', tags } },
            async (request, reply) => {
              const b = request.body ?? {};
              const payload = typeof b.body === 'string' ? b.body : JSON.stringify(b.body ?? null);
              const m = await operations.sendC2d(request.params.id, {
                body: payload,
                ...(b.properties ? { properties: b.properties } : {}),
                ...(b.messageId ? { messageId: b.messageId } : {}),
                ...(b.correlationId ? { correlationId: b.correlationId } : {}),
                ...(b.ttlSeconds ? { ttlSeconds: b.ttlSeconds } : {}),
              });
              return reply.code(202).send(m);
            },
          );
          r.get<{ Params: IdParams }>('/devices/:id/messages', { config: { permission: 'platform.read' }, schema: { summary: 'Queued cloud-to-device messages', tags } }, async (request) => ({
            value: await operations.listC2d(request.params.id),
          }));
          r.delete<{ Params: IdParams }>('/devices/:id/messages', { config: { permission: 'devices.manage' }, schema: { summary: 'Purge the C2D queue', tags } }, async (request) => ({
            purged: await operations.purgeC2d(request.params.id),
          }));
          r.get<{ Querystring: { policy?: string } }>('/connection-string', { config: { permission: 'devices.manage' }, schema: { summary: 'A service connection string for a shared access policy', tags } }, async (request) => ({
            connectionString: policies.connectionString(request.query.policy ?? 'iothubowner', parts.options.hostName),
          }));
          const { enrollments } = parts;
          r.get('/enrollments', { config: { permission: 'devices.manage' }, schema: { summary: 'DPS individual enrollments', tags } }, async () => ({ value: await enrollments.listIndividual() }));
          r.get('/enrollment-groups', { config: { permission: 'devices.manage' }, schema: { summary: 'DPS enrollment groups', tags } }, async () => ({ value: await enrollments.listGroups() }));
          r.put<{ Params: IdParams }>('/enrollments/:id', { config: { permission: 'devices.manage' }, schema: { summary: 'Create or replace an individual enrollment', tags } }, async (request) =>
            enrollments.putIndividual(request.params.id, (request.body ?? {}) as EnrollmentInput),
          );
          r.put<{ Params: IdParams }>('/enrollment-groups/:id', { config: { permission: 'devices.manage' }, schema: { summary: 'Create or replace an enrollment group', tags } }, async (request) =>
            enrollments.putGroup(request.params.id, (request.body ?? {}) as EnrollmentInput),
          );
          for (const [path, kind] of [
            ['/enrollments/:id', 'individual'],
            ['/enrollment-groups/:id', 'group'],
          ] as const) {
            r.get<{ Params: IdParams }>(path, { config: { permission: 'devices.manage' }, schema: { summary: `A DPS ${kind} enrollment`, tags } }, async (request) => {
              const e = kind === 'individual' ? await enrollments.individual(request.params.id) : await enrollments.group(request.params.id);
              if (!e) throw HubErrors.create('enrollment_not_found', `no ${kind} enrollment '${request.params.id}'`, { id: request.params.id });
              return e;
            });
            r.delete<{ Params: IdParams }>(path, { config: { permission: 'devices.manage' }, schema: { summary: `Delete a DPS ${kind} enrollment`, tags } }, async (request, reply) => {
              await enrollments.delete(kind, request.params.id);
              return reply.code(204).send();
            });
          }
          r.get<{ Params: IdParams }>('/registrations/:id', { config: { permission: 'platform.read' }, schema: { summary: 'DPS registration state', tags } }, async (request) => {
            const s = await enrollments.registration(request.params.id);
            if (!s) throw HubErrors.create('enrollment_not_found', `registration '${request.params.id}' has not been provisioned`, { id: request.params.id });
            return s;
          });
          r.get('/policies', { config: { permission: 'devices.manage' }, schema: { summary: 'Shared access policies (names and rights)', tags } }, async () => ({
            value: policies.list().map((p) => ({ keyName: p.keyName, rights: p.rights })),
          }));
        },
        { prefix: '/api/hub' },
      );
    },
  };
}
