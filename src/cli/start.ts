import { loadConfig, startHelp } from '../config/index.js';
import { startPlatform } from '../platform/index.js';
import type { CliCommand } from './command.js';

export const startCommand: CliCommand = {
  name: 'start',
  summary: 'run the platform (API, MQTT broker, store, simulator, web app)',
  usage: startHelp(),
  async run(argv, io) {
    const { config } = loadConfig(argv, io.env);
    const platform = await startPlatform({ config, env: io.env });
    const { ports } = platform;
    io.stderr(
      `Twinworks is running: http://localhost:${ports.http}  https://localhost:${ports.https ?? '-'}  mqtt://localhost:${ports.mqtt}  mqtts://localhost:${ports.mqtts ?? '-'}  (data: ${config.data})`,
    );
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        platform.logger.info({ signal }, 'stopping');
        platform.stop().then(resolve, resolve);
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
    return 0;
  },
};
