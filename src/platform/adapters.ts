import { join } from 'node:path';
import type { PlatformConfig } from '../config/index.js';
import { createDuckDbStorage, createPostgresStorage, type StorageAdapter } from '../storage/index.js';
import { createInProcessBus, createNatsBus, type EventBus } from '../bus/index.js';
import type { Logger } from '../observability/index.js';

/**
 * The only place that chooses adapters. Embedded defaults: a DuckDB file in the data dir and the
 * in-process bus. Scale-out: PostgreSQL (`--database postgres://…`) and NATS JetStream (`--bus nats://…`).
 */
export function chooseStorage(config: PlatformConfig): StorageAdapter {
  const url = config.database;
  if (url?.startsWith('postgres')) return createPostgresStorage({ url });
  const file = url?.startsWith('duckdb:') && url.length > 'duckdb:'.length ? url.slice('duckdb:'.length) : join(config.data, 'twinworks.duckdb');
  return createDuckDbStorage({ file });
}

export async function chooseBus(config: PlatformConfig, logger: Logger): Promise<EventBus> {
  if (config.bus.startsWith('nats://')) return createNatsBus({ url: config.bus, logger: logger.child({ context: 'bus' }) });
  return createInProcessBus({ logger: logger.child({ context: 'bus' }) });
}
