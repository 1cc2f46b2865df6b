/**
 * A hub in its own process, for the kill test and the benchmark: a DuckDB store in the given file
 * (or PostgreSQL with a postgres:// target), the in-process bus, plain MQTT on an ephemeral port.
 * Prints one JSON line `{ "ready": true, "port": …, "keys": { deviceId: key } }` on stdout.
 *
 *   node --import tsx src/hub/testing/hub-child.ts <store file|postgres url> <device count> [hub config JSON] [WAL dir]
 *
 * With a WAL dir the hub acknowledges after its write-ahead log's fsync (and replays the log on start).
 * HUB_CHILD_APPEND_DELAY_MS slows every store append (see below).
 */
import { createInProcessBus } from '../../bus/index.js';
import { createMetrics, silentLogger } from '../../observability/index.js';
import { createDuckDbStorage, createPostgresStorage } from '../../storage/index.js';
import { createDeviceHub, parseHubConfig } from '../index.js';

const [target, countText, configJson, walDir] = process.argv.slice(2);
if (!target || !countText) {
  process.stderr.write('usage: hub-child.ts <store file|postgres url> <device count> [hub config JSON] [WAL dir]\n');
  process.exit(2);
}
const store = /^postgres(ql)?:\/\//.test(target) ? createPostgresStorage({ url: target }) : createDuckDbStorage({ file: target });
await store.open();
// HUB_CHILD_APPEND_DELAY_MS: every store append waits this long first, as in a checkpoint stall, so
// that with the write-ahead log acknowledged messages are still only in the log when the test kills us.
const appendDelay = Number(process.env['HUB_CHILD_APPEND_DELAY_MS'] ?? 0);
if (appendDelay > 0) {
  const append = store.appendPoints.bind(store);
  store.appendPoints = async (points) => {
    await new Promise((r) => setTimeout(r, appendDelay));
    return append(points);
  };
}
const logger = silentLogger();
const bus = createInProcessBus({ logger });
const hub = await createDeviceHub({ store, bus, logger, metrics: createMetrics(), hostName: 'hub.twinworks.test', config: parseHubConfig(configJson ? JSON.parse(configJson) : {}), ...(walDir ? { walDir } : {}) });
const keys: Record<string, string> = {};
for (let i = 0; i < Number(countText); i++) {
  const deviceId = `dev-${i}`;
  const existing = await hub.registry.read(deviceId);
  const d = existing ?? (await hub.operations.createDevice({ deviceId }));
  keys[deviceId] = d.authentication.symmetricKey!.primaryKey;
}
const ports = await hub.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ ready: true, port: ports.port, keys })}\n`);
process.on('SIGTERM', () => {
  void hub.close().then(() => store.close()).then(() => process.exit(0));
});
