/**
 * IoT Hub's REST surfaces on the platform's HTTP(S) ports, so unchanged IoT Hub clients work:
 * - device-facing: `POST /devices/{id}/messages/events` (HTTP telemetry; device SAS or key);
 * - service-facing, as the `azure-iothub` SDK calls them: `/devices/{id}` (PUT/GET/DELETE),
 *   `GET /devices`, `GET /statistics/devices`, `/twins/{id}` (GET/PATCH/PUT),
 *   `POST /twins/{id}/methods`.
 * These routes are `permission: 'public'` for the platform guard: they do not take platform users.
 * Each one checks an IoT Hub SAS token itself (shared access policy with the right IoT Hub requires:
 * RegistryRead, RegistryWrite or ServiceConnect; for device telemetry the device's own token).
 * Errors use IoT Hub's body shape (iothub-errors.ts).
 */
import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiModule } from '../../api/index.js';
import { HubErrors } from '../errors.js';
import { hostAliases } from '../identity/hosts.js';
import type { Right } from '../identity/policies.js';
import { refusalError } from '../identity/authenticate.js';
import type { HubParts } from '../hub.js';
import { deviceView, type DeviceInput } from '../registry/device.js';
import { readServiceTwinBody, twinView } from '../registry/twin.js';
import { iothubErrorHandler } from './iothub-errors.js';

export function requestHosts(request: FastifyRequest, configured: readonly string[]): Set<string> {
  const socket = request.raw.socket as Partial<TLSSocket>;
  const hosts = hostAliases(configured, { address: socket.localAddress, port: socket.localPort, servername: typeof socket.servername === 'string' ? socket.servername : undefined });
  // The SDKs sign the HostName of their connection string, which they also send as Host.
  const host = request.headers.host?.toLowerCase();
  if (host) {
    hosts.add(host);
    hosts.add(host.replace(/:\d+$/, ''));
  }
  return hosts;
}

function authorization(request: FastifyRequest): string {
  const a = request.headers.authorization;
  if (!a) throw HubErrors.create('unauthorized', 'the request has no Authorization header (an IoT Hub SAS token)', { reason: 'no_credentials' });
  return a;
}

interface IdParams {
  id: string;
}

/** Reads IoT Hub's `PUT /devices/{id}` body. */
function deviceInput(id: string, body: unknown): DeviceInput {
  const b = (body ?? {}) as Record<string, unknown>;
  if (b['deviceId'] !== undefined && b['deviceId'] !== id) throw HubErrors.create('invalid_device', `body deviceId '${String(b['deviceId'])}' differs from the URL's '${id}'`, { deviceId: id });
  return {
    deviceId: id,
    ...(b['status'] !== undefined ? { status: b['status'] as 'enabled' | 'disabled' } : {}),
    ...(b['statusReason'] !== undefined ? { statusReason: b['statusReason'] as string | null } : {}),
    ...(b['authentication'] !== undefined ? { authentication: b['authentication'] as DeviceInput['authentication'] } : {}),
    ...(b['capabilities'] !== undefined ? { capabilities: b['capabilities'] as DeviceInput['capabilities'] } : {}),
  };
}

function ifMatch(request: FastifyRequest): string | undefined {
  const v = request.headers['if-match'];
  if (!v) return undefined;
  return v.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

export function iothubRestModule(parts: HubParts): ApiModule {
  const { operations, policies, devices, ingestor, hubMetrics } = parts;
  const service = (request: FastifyRequest, right: Right) => {
    try {
      policies.verify(authorization(request), requestHosts(request, parts.hostNames), right);
    } catch (err) {
      hubMetrics.refuse('http', HubErrors.is(err) ? String(err.details['reason'] ?? err.code.slice(4)) : 'error');
      throw err;
    }
  };
  const hidden = { hide: true, tags: ['iothub'] };
  return {
    name: 'hub-iothub-rest',
    async register(app: FastifyInstance) {
      app.setErrorHandler(iothubErrorHandler);

      // Device telemetry over HTTP: the body is opaque bytes, whatever its content type says.
      await app.register(async (scope) => {
        scope.removeAllContentTypeParsers();
        scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 256 * 1024 + 1 }, (_req, body, done) => done(null, body));
        scope.post<{ Params: IdParams }>('/devices/:id/messages/events', { config: { permission: 'public' }, schema: { ...hidden, summary: 'IoT Hub device-to-cloud message over HTTP' } }, async (request, reply) => {
          const deviceId = request.params.id;
          const r = await devices.authenticate({ deviceId, secret: authorization(request), hosts: requestHosts(request, parts.hostNames) });
          if (!r.ok) {
            hubMetrics.refuse('http', r.reason);
            throw refusalError(r);
          }
          const h = request.headers;
          const system: Record<string, string> = {};
          const app: Record<string, string> = {};
          const ct = h['content-type'];
          // HTTP clients always send some content type; only JSON ones declare a JSON body.
          if (ct && ct !== 'application/octet-stream') system['content-type'] = ct;
          for (const [name, key] of [
            ['iothub-messageid', 'message-id'],
            ['iothub-correlationid', 'correlation-id'],
            ['iothub-userid', 'user-id'],
            ['iothub-to', 'to'],
            ['iothub-contentencoding', 'content-encoding'],
            ['content-encoding', 'content-encoding'],
            ['iothub-creation-time-utc', 'iothub-creation-time-utc'],
          ] as const) {
            const v = h[name];
            if (typeof v === 'string') system[key] = v;
          }
          for (const [k, v] of Object.entries(h)) if (k.startsWith('iothub-app-') && typeof v === 'string') app[k.slice(11)] = v;
          const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
          try {
            await ingestor.ingest({ deviceId, source: 'http', body, system, app, arrivalMs: Date.now(), device: r.device });
          } catch (err) {
            hubMetrics.refuse('http', HubErrors.is(err) ? err.code.slice(4) : 'error');
            throw err;
          }
          return reply.code(204).send();
        });
      });

      app.put<{ Params: IdParams }>('/devices/:id', { config: { permission: 'public' }, schema: hidden }, async (request) => {
        service(request, 'RegistryWrite');
        const { device } = await operations.putDevice(deviceInput(request.params.id, request.body), ifMatch(request));
        return deviceView(device);
      });
      const list = async (request: FastifyRequest<{ Querystring: { top?: string } }>) => {
        service(request, 'RegistryRead');
        const top = Math.min(Number(request.query.top ?? 1000) || 1000, 1000);
        return (await operations.listDevices({ limit: top })).map(deviceView);
      };
      app.get<{ Params: IdParams; Querystring: { top?: string } }>('/devices/:id', { config: { permission: 'public' }, schema: hidden }, async (request) => {
        if (request.params.id === '') return list(request); // the SDK lists with GET /devices/
        service(request, 'RegistryRead');
        return deviceView(await operations.getDevice(request.params.id));
      });
      app.get<{ Querystring: { top?: string } }>('/devices', { config: { permission: 'public' }, schema: hidden }, list);
      app.delete<{ Params: IdParams }>('/devices/:id', { config: { permission: 'public' }, schema: hidden }, async (request, reply) => {
        service(request, 'RegistryWrite');
        await operations.deleteDevice(request.params.id, ifMatch(request));
        return reply.code(204).send();
      });
      app.get('/statistics/devices', { config: { permission: 'public' }, schema: hidden }, async (request) => {
        service(request, 'RegistryRead');
        let total = 0;
        let enabled = 0;
        let after: string | undefined;
        for (let page = 0; page < 1000; page++) {
          const batch = await operations.listDevices({ limit: 1000, ...(after ? { after } : {}) });
          for (const d of batch) {
            total++;
            if (d.status === 'enabled') enabled++;
          }
          if (batch.length < 1000) break;
          after = batch[batch.length - 1]!.deviceId;
        }
        return { totalDeviceCount: total, enabledDeviceCount: enabled, disabledDeviceCount: total - enabled };
      });

      app.get<{ Params: IdParams }>('/twins/:id', { config: { permission: 'public' }, schema: hidden }, async (request) => {
        service(request, 'ServiceConnect');
        return twinView(await operations.getTwin(request.params.id));
      });
      app.patch<{ Params: IdParams }>('/twins/:id', { config: { permission: 'public' }, schema: hidden }, async (request) => {
        service(request, 'ServiceConnect');
        const m = ifMatch(request);
        return twinView(await operations.updateTwin(request.params.id, readServiceTwinBody(request.body), m ? { ifMatch: m } : {}));
      });
      app.put<{ Params: IdParams }>('/twins/:id', { config: { permission: 'public' }, schema: hidden }, async (request) => {
        service(request, 'ServiceConnect');
        const m = ifMatch(request);
        return twinView(await operations.updateTwin(request.params.id, readServiceTwinBody(request.body), { replace: true, ...(m ? { ifMatch: m } : {}) }));
      });
      app.post<{ Params: IdParams }>('/twins/:id/methods', { config: { permission: 'public' }, schema: hidden }, async (request) => {
        service(request, 'ServiceConnect');
        const b = (request.body ?? {}) as { methodName?: string; payload?: unknown; responseTimeoutInSeconds?: number; connectTimeoutInSeconds?: number };
        return operations.invokeMethod(request.params.id, {
          methodName: b.methodName as string,
          payload: b.payload,
          ...(b.responseTimeoutInSeconds !== undefined ? { responseTimeoutInSeconds: b.responseTimeoutInSeconds } : {}),
          ...(b.connectTimeoutInSeconds !== undefined ? { connectTimeoutInSeconds: b.connectTimeoutInSeconds } : {}),
        });
      });
    },
  };
}
