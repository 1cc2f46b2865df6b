import { randomBytes, timingSafeEqual } from 'node:crypto';
import { runSimulator, type SimulatorHandle } from '../sim/index.js';
import type { Logger } from '../observability/index.js';

/**
 * The demo plant that `npm start` runs. The simulator talks to the platform only over MQTT, like
 * real machines. Until the device hub's provisioning is wired in, it publishes on the generic
 * topics (`factory/{line}/{machine}/telemetry`) with a per-process credential that only this
 * process knows.
 */
export class EmbeddedSimulator {
  readonly username = 'twinworks-simulator';
  private readonly secret = randomBytes(24).toString('base64url');
  private handle: SimulatorHandle | undefined;

  /** True when the MQTT credentials are this process's simulator credentials. */
  accepts(username: string | undefined, password: string | undefined): boolean {
    if (username !== this.username || password === undefined) return false;
    const a = Buffer.from(password);
    const b = Buffer.from(this.secret);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  start(options: { mqttHost: string; mqttPort: number; logger: Logger }): void {
    const log = options.logger.child({ context: 'sim' });
    this.handle = runSimulator({
      mqtt: { url: `mqtt://${options.mqttHost}:${options.mqttPort}`, protocol: 'generic', username: this.username, password: this.secret },
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
