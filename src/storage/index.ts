/**
 * The storage context's public face. Other contexts import the port types, the collection catalogue
 * and the errors from here; only src/platform calls the factories (CONTRIBUTING §Ports and adapters).
 */
import { DuckDbStorage, type DuckDbStorageOptions } from './duckdb/duckdb.js';
import { MemoryStorage } from './memory/memory.js';
import { PostgresStorage, type PostgresStorageOptions } from './postgres/postgres.js';
import type { StorageAdapter } from './port.js';

export type { StorageAdapter, StoredDocument, WriteOp, WriteResult, ListOptions, TimePoint, PointQuery } from './port.js';
export type { TextPoint, AggregateQuery, AggregateRow, AggregateBuckets, AggregateFunction, EdgeQuery, PointRange, ArchivePage, ArchiveTarget, ArchiveCounts } from './port-series.js';
export { AGGREGATE_FUNCTIONS } from './port-series.js';
export { SERIES_LIMITS } from './validate-series.js';
export { COLLECTIONS, isCollectionName, type CollectionName } from './collections.js';
export { StorageErrors } from './errors.js';
export { LIMITS as STORAGE_LIMITS } from './validate.js';
export type { DuckDbStorageOptions, PostgresStorageOptions };

/** Not opened yet: call `open()` (connects and migrates). */
export function createMemoryStorage(): StorageAdapter {
  return new MemoryStorage();
}

/** The embedded default: one DuckDB file, e.g. `<data dir>/twinworks.duckdb`. One process per file. */
export function createDuckDbStorage(options: DuckDbStorageOptions): StorageAdapter {
  return new DuckDbStorage(options);
}

/** Scale-out: `--database postgres://…`. Several replicas may share one database and schema. */
export function createPostgresStorage(options: PostgresStorageOptions): StorageAdapter {
  return new PostgresStorage(options);
}
