import type { FastifyInstance } from 'fastify';
import type { ApiModule } from '../api/index.js';
import type { DeviceHub } from '../hub/index.js';
import { TwinsErrors, type TwinGraph } from '../twins/index.js';

/**
 * DTDL commands on twins, carried out as IoT Hub direct methods on the device that feeds the twin:
 * `POST /api/twins/{id}/commands/{name}` with the request payload as the body. The twin's model must
 * declare the command (DTDL v3 §Command); the device is the one linked to the twin at provisioning,
 * else the device with the twin's id. The answer is the device's method status and payload.
 * This module joins two contexts (twins and hub), so it lives in the composition root.
 */
export function commandsModule(graph: TwinGraph, hub: DeviceHub): ApiModule {
  return {
    name: 'twin-commands',
    register(app: FastifyInstance) {
      app.post<{ Params: { id: string; name: string }; Querystring: { timeout?: number } }>(
        '/api/twins/:id/commands/:name',
        {
          config: { permission: 'commands.invoke' },
          schema: {
            summary: "Run a DTDL command on a twin's device (an IoT Hub direct method)",
            tags: ['twins'],
            params: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: 'string' } } },
            querystring: { type: 'object', properties: { timeout: { type: 'integer', minimum: 5, maximum: 300, default: 30 } } },
          },
        },
        async (req) => {
          const { id, name } = req.params;
          const twin = graph.getTwin(id); // twins.twin_not_found → 404
          const modelId = twin.$metadata.$model;
          const info = graph.models.info(modelId);
          if (!info?.commands.has(name)) {
            throw TwinsErrors.create('invalid_argument', `model ${modelId} of twin '${id}' declares no command '${name}'`, { twinId: id, command: name, modelId, commands: info ? [...info.commands.keys()] : [] });
          }
          // The demo and DPS link a device to the twin of the same id (docs/hub.md, enrollments' twinId).
          const deviceId = id;
          const result = await hub.operations.invokeMethod(deviceId, { methodName: name, payload: req.body ?? null, responseTimeoutInSeconds: req.query.timeout ?? 30 });
          return { twinId: id, deviceId, command: name, status: result.status, payload: result.payload };
        },
      );
    },
  };
}
