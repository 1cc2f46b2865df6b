import { randomBytes } from 'node:crypto';
import { runSimulator, type SimulatorHandle } from '../sim/index.js';
import type { DeviceHub } from '../hub/index.js';
import type { Logger } from '../observability/index.js';
import type { StorageAdapter } from '../storage/index.js';

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
 * IoT Hub MQTT protocol. The group key is generated at the first start and kept in the store like any
 * enrollment; the devices' twins are the demo plant's twins of the same id.
 */
export class EmbeddedSimulator {
  private handle: SimulatorHandle | undefined;

  async start(options: { hub: DeviceHub; mqttHost: string; mqttPort: number; logger: Logger; from?: number }): Promise<void> {
    const log = options.logger.child({ context: 'sim' });
    // The group (and so each device's derived key) survives restarts: the same devices re-provision.
    const groups = options.hub.parts.enrollments;
    const existing = await groups.group(SIMULATOR_GROUP);
    const group = existing ?? (await groups.putGroup(SIMULATOR_GROUP, { attestation: { type: 'symmetricKey', symmetricKey: { primaryKey: randomBytes(32).toString('base64') } } }));
    if (group.attestation.type !== 'symmetricKey') throw new Error(`enrollment group ${SIMULATOR_GROUP} must use symmetric keys`);
    const groupKey = group.attestation.symmetricKey.primaryKey;
    this.handle = runSimulator({
      mqtt: { url: `mqtt://${options.mqttHost}:${options.mqttPort}`, protocol: 'iothub', dps: { idScope: options.hub.config.idScope, groupKey }, modelIds: MODEL_IDS },
      rate: 1,
      speed: 1,
      // Backfill first (source timestamps in the past, one sample a minute), then live.
      ...(options.from !== undefined ? { from: options.from } : {}),
      log: (line) => log.info(line),
    });
    this.handle.done.catch((err: unknown) => log.error({ err }, 'simulator stopped with an error'));
  }

  async stop(): Promise<void> {
    await this.handle?.stop();
  }
}

/**
 * Where the demo's history should resume: `days` before now on a first start; after a restart, just
 * after the last state the simulator left (so the plant "kept running" while the platform was down
 * and the shift's OEE has no hole), never further back than `days`. Undefined: no backfill.
 */
export async function backfillStart(store: StorageAdapter, days: number, now = Date.now()): Promise<number | undefined> {
  if (!(days > 0)) return undefined;
  const earliest = now - days * 86_400_000;
  const [last] = await store.edgeTextPoints({ series: ['LINE-1-CNC/state'], at: new Date(now), side: 'before', lookbackMs: Math.min(400, Math.ceil(days)) * 86_400_000 });
  const from = last ? Math.max(earliest, last.time.getTime() + 60_000) : earliest;
  // Less than two minutes to fill: go live at once.
  return now - from > 120_000 ? from : undefined;
}

/** Where a local client reaches a server bound to `host`. */
export function localAddressFor(host: string): string {
  return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
}
