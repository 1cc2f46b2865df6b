import { join } from 'node:path';
import type { PlatformConfig } from '../config/index.js';
import { createDuckDbStorage, createPostgresStorage, type StorageAdapter } from '../storage/index.js';
import { createInProcessBus, createNatsBus, type EventBus } from '../bus/index.js';
import type { Logger } from '../observability/index.js';

/**
 * The only place that chooses adapters. Embedded defaults: a DuckDB file in the data dir and the
 * in-process bus. Scale-out: PostgreSQL (`--database postgres://…[?schema=NAME]`) and NATS
 * JetStream (`--bus nats://…[?stream=NAME&prefix=NAME]`). The query parameters are Twinworks's own
 * and are removed before the URL reaches the driver.
 */
export function chooseStorage(config: PlatformConfig): StorageAdapter {
  const url = config.database;
  if (url?.startsWith('postgres')) {
    const { base, params } = splitParams(url, ['schema']);
    return createPostgresStorage({ url: base, ...(params['schema'] ? { schema: params['schema'] } : {}) });
  }
  const file = url?.startsWith('duckdb:') && url.length > 'duckdb:'.length ? url.slice('duckdb:'.length) : join(config.data, 'twinworks.duckdb');
  return createDuckDbStorage({ file });
}

export async function chooseBus(config: PlatformConfig, logger: Logger): Promise<EventBus> {
  const busLogger = logger.child({ context: 'bus' });
  if (config.bus.startsWith('nats://')) {
    const { base, params } = splitParams(config.bus, ['stream', 'prefix']);
    return createNatsBus({
      url: base,
      logger: busLogger,
      ...(params['stream'] ? { stream: params['stream'] } : {}),
      ...(params['prefix'] ? { subjectPrefix: params['prefix'] } : {}),
    });
  }
  return createInProcessBus({ logger: busLogger });
}

/** Splits our own query parameters off a connection URL. */
export function splitParams(url: string, names: readonly string[]): { base: string; params: Record<string, string> } {
  const q = url.indexOf('?');
  if (q < 0) return { base: url, params: {} };
  const search = new URLSearchParams(url.slice(q + 1));
  const params: Record<string, string> = {};
  for (const n of names) {
    const v = search.get(n);
    if (v !== null) params[n] = v;
    search.delete(n);
  }
  const rest = search.toString();
  return { base: url.slice(0, q) + (rest ? `?${rest}` : ''), params };
}
