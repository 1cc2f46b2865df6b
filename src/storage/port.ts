/**
 * The storage port: everything the platform persists goes through this interface.
 * Adapters: DuckDB file (embedded default) and PostgreSQL (scale-out). Both pass
 * `testing/contract.ts`. Only src/platform chooses one.
 *
 * Documents: JSON bodies in named collections, keyed by id, with an integer version that
 * increments on every write (ETags derive from it). Writes are batches applied atomically:
 * all ops succeed or none does.
 *
 * Time series: append-only points keyed by series; the history context builds on this.
 *
 * Input rules (ids, bodies, limits) are the same for every adapter: see validate.ts and docs/storage.md.
 */
import type { CollectionName } from './collections.js';
import type { AggregateQuery, AggregateRow, ArchiveCounts, ArchiveTarget, EdgeQuery, PointRange, TextPoint } from './port-series.js';

export interface StoredDocument<T = unknown> {
  readonly id: string;
  /** Starts at 1 on create, +1 on every put. */
  readonly version: number;
  readonly body: T;
  readonly updatedAt: Date;
}

/** `expectVersion`: a number = must currently be at that version; 'absent' = must not exist (create-only). */
export type WriteOp =
  | { readonly op: 'put'; readonly collection: CollectionName; readonly id: string; readonly body: unknown; readonly expectVersion?: number | 'absent' }
  | { readonly op: 'delete'; readonly collection: CollectionName; readonly id: string; readonly expectVersion?: number };

export interface WriteResult {
  readonly collection: CollectionName;
  readonly id: string;
  /** New version after a put; the deleted version after a delete (0 if the document did not exist). */
  readonly version: number;
  /** True only when a delete removed an existing document. */
  readonly deleted: boolean;
}

export interface ListOptions {
  /** Only ids strictly greater than this (keyset paging, ids in byte order). */
  readonly after?: string;
  /** Only ids starting with this. */
  readonly prefix?: string;
  /** Default 1000. */
  readonly limit?: number;
}

export interface TimePoint {
  readonly series: string;
  /** Source time (when the value was measured). */
  readonly time: Date;
  /** Arrival time (when the platform accepted it). */
  readonly arrival: Date;
  readonly value: number;
}

export interface PointQuery {
  readonly series: string;
  readonly from: Date; // inclusive
  readonly to: Date; // exclusive
  /** Default 100 000 (max 1 000 000). */
  readonly limit?: number;
}

export interface StorageAdapter {
  /** 'duckdb' | 'postgres' | 'memory' */
  readonly kind: string;
  /** Connects and applies pending migrations. Idempotent. */
  open(): Promise<void>;
  close(): Promise<void>;
  /** Versions of the migrations applied, ascending. */
  appliedMigrations(): Promise<number[]>;

  get(collection: CollectionName, id: string): Promise<StoredDocument | undefined>;
  /** The documents that exist, in id order, each once (missing ids are left out). */
  getMany(collection: CollectionName, ids: readonly string[]): Promise<StoredDocument[]>;
  /** Ordered by id ascending. */
  list(collection: CollectionName, options?: ListOptions): Promise<StoredDocument[]>;
  /** Every document of a collection, in id order, streamed in pages (for loading indexes at start). */
  scan(collection: CollectionName, pageSize?: number): AsyncIterable<StoredDocument>;
  count(collection: CollectionName): Promise<number>;
  /** Atomic batch; throws storage.version_conflict (with details {collection,id,expected,actual}) and changes nothing on a mismatch. */
  write(ops: readonly WriteOp[]): Promise<WriteResult[]>;

  /** All-or-nothing; duplicates (same series and time) are kept. */
  appendPoints(points: readonly TimePoint[]): Promise<void>;
  /** Ordered by time, then arrival. */
  readPoints(query: PointQuery): Promise<TimePoint[]>;

  // Time series beyond append/read (port-series.ts; added for the history context).
  /** Like appendPoints, for string values (all-or-nothing, duplicates kept). */
  appendTextPoints(points: readonly TextPoint[]): Promise<void>;
  /** Like readPoints. */
  readTextPoints(query: PointQuery): Promise<TextPoint[]>;
  /** Per-bucket aggregates computed in the database; only non-empty buckets, ordered by series then bucket. */
  aggregatePoints(query: AggregateQuery): Promise<AggregateRow[]>;
  /** At most one point per series: the neighbour of `at` on the given side (ties: latest arrival before, earliest after). */
  edgePoints(query: EdgeQuery): Promise<TimePoint[]>;
  edgeTextPoints(query: EdgeQuery): Promise<TextPoint[]>;
  /** Deletes points and text points in the range; returns how many of each. */
  deletePoints(range: PointRange): Promise<{ points: number; textPoints: number }>;
  /**
   * Moves every point and text point in [from, to) to Parquet files: writes them (itself, or through
   * target.writePages), calls target.finish, then deletes exactly the rows written, in one
   * transaction (rows appended meanwhile stay). All-or-nothing unless the process dies between
   * finish and the commit, when the rows are in both places (the caller recovers with deletePoints).
   */
  archivePoints(range: { from: Date; to: Date }, target: ArchiveTarget): Promise<ArchiveCounts>;
}
