import { randomBytes } from 'node:crypto';
import { runSimulator, type SimulatorHandle } from '../sim/index.js';
import type { DeviceHub } from '../hub/index.js';
import type { Logger } from '../observability/index.js';

/** The enrollment group the embedded simulator provisions its machines through. */
export const SIMULATOR_GROUP = 'twinworks-demo-simulator';

/** DTDL models the simulated machines announce (IoT Plug and Play), the demo plant's (models/). */
const MODEL_IDS = {
  cnc: 'dtmi:twinworks:plant:Cnc;1',
  robot: 'dtmi:twinworks:plant:Robot;1',
  conveyor: 'dtmi:twinworks:plant:Conveyor;1',
  quality: 'dtmi:twinworks:plant:QualityStation;1',
} as const;

/**
 * The demo plant that `npm start` runs. The simulator talks to the platform only the way real
 * machines do: each machine provisions itself through the Device Provisioning protocol (a
 * symmetric-key enrollment group; its device key derived from the group key) and then speaks the
 * IoT Hub MQTT protocol. The group key is new at every start and known only to this process; the
 * devices' twins are the demo plant's twins of the same id.
 */
export class EmbeddedSimulator {
  private handle: SimulatorHandle | undefined;

  async start(options: { hub: DeviceHub; mqttHost: string; mqttPort: number; logger: Logger }): Promise<void> {
    const log = options.logger.child({ context: 'sim' });
    const groupKey = randomBytes(32).toString('base64');
    await options.hub.parts.enrollments.putGroup(SIMULATOR_GROUP, { attestation: { type: 'symmetricKey', symmetricKey: { primaryKey: groupKey } } });
    this.handle = runSimulator({
      mqtt: { url: `mqtt://${options.mqttHost}:${options.mqttPort}`, protocol: 'iothub', dps: { idScope: options.hub.config.idScope, groupKey }, modelIds: MODEL_IDS },
      rate: 1,
      speed: 1,
      log: (line) => log.info(line),
    });
    this.handle.done.catch((err: unknown) => log.error({ err }, 'simulator stopped with an error'));
  }

  async stop(): Promise<void> {
    await this.handle?.stop();
  }
}

/** Where a local client reaches a server bound to `host`. */
export function localAddressFor(host: string): string {
  return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
}
