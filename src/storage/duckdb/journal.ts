/**
 * Document writes in the DuckDB file go to one append-only journal table; a compaction folds the
 * journal into the per-collection base tables from time to time.
 *
 * Why: DuckDB is a columnar engine. Measured at 1M rows (docs/storage.md, "Documents"): a keyed
 * UPDATE, a version read by id list and even `WHERE id = $1` scan the whole table (3–600 ms per
 * statement), and deleting 100k rows from a table with a PRIMARY KEY index took 9 s plus an 18 s
 * commit. Appending is what DuckDB does fast. So a write is: plan against the in-memory version map
 * (overlay.ts), append the net changes to `document_journal` through the appender (one flush = one
 * committed transaction), then record them in the overlay. The base tables have no index (migration
 * 5): ids stay unique because every write is planned against the version map, and a compaction
 * replaces whole rows (delete + insert) in one transaction.
 */
import { BIGINT, DuckDBDataChunk, DuckDBTimestampTZValue, TIMESTAMPTZ, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import type { CollectionName } from '../collections.js';
import { CHUNK_ROWS } from './chunks.js';
import type { JournalRow } from './overlay.js';
import { inTransaction } from './transaction.js';

const JOURNAL_TYPES = [BIGINT, VARCHAR, VARCHAR, BIGINT, VARCHAR, TIMESTAMPTZ];

/**
 * Appends the rows as one transaction. Inside BEGIN … COMMIT the appender's synchronous flush only
 * hands the rows to the transaction; the durable commit (WAL write and fsync) is the async COMMIT,
 * off the main thread. Without the explicit transaction `flushSync` commits on the main thread: in a
 * profile of the HTTP patch benchmark it held the event loop for 20 % of the time.
 */
export async function appendJournal(conn: DuckDBConnection, rows: readonly JournalRow[], at: Date): Promise<void> {
  await inTransaction(conn, () => appendRows(conn, rows, at));
}

async function appendRows(conn: DuckDBConnection, rows: readonly JournalRow[], at: Date): Promise<void> {
  const appender = await conn.createAppender('document_journal');
  try {
    const time = new DuckDBTimestampTZValue(BigInt(at.getTime()) * 1000n);
    for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, rows.length - start);
      const chunk = DuckDBDataChunk.create(JOURNAL_TYPES, n);
      const column = (i: number, get: (r: JournalRow) => string | bigint | null | DuckDBTimestampTZValue) => {
        const v = chunk.getColumnVector(i);
        for (let k = 0; k < n; k++) v.setItem(k, get(rows[start + k] as JournalRow));
        v.flush();
      };
      column(0, (r) => BigInt(r.seq));
      column(1, (r) => r.collection);
      column(2, (r) => r.id);
      column(3, (r) => BigInt(r.version));
      column(4, (r) => r.bodyText);
      column(5, () => time);
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** Every (id, version) of a base table, read in chunks (first write to a collection). */
export async function readVersions(conn: DuckDBConnection, c: CollectionName): Promise<Map<string, number>> {
  const map = new Map<string, number>();
  const result = await conn.stream(`SELECT id, version FROM "${c}"`);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) break;
    const ids = chunk.getColumnVector(0);
    const versions = chunk.getColumnVector(1);
    for (let i = 0; i < chunk.rowCount; i++) map.set(ids.getItem(i) as string, Number(versions.getItem(i) as bigint));
  }
  return map;
}

export interface JournalExtent {
  readonly rows: number;
  readonly maxSeq: number;
}

export async function journalExtent(conn: DuckDBConnection): Promise<JournalExtent> {
  const reader = await conn.runAndReadAll('SELECT count(*), coalesce(max(seq), 0) FROM document_journal');
  const row = reader.getRows()[0] ?? [0n, 0n];
  return { rows: Number(row[0]), maxSeq: Number(row[1]) };
}

/**
 * Folds journal rows with seq ≤ upTo into their base tables and deletes them from the journal, all
 * inside the caller's transaction. Per collection: delete the base rows of every journalled id, then
 * insert each id's newest journal row unless it is a delete. Returns the journal rows removed.
 */
export async function compactJournal(conn: DuckDBConnection, upTo: number): Promise<number> {
  const seq = BigInt(upTo);
  const collections = (await conn.runAndReadAll('SELECT DISTINCT collection FROM document_journal WHERE seq <= $1', [seq])).getRows().map((r) => r[0] as CollectionName);
  for (const c of collections) {
    const journalled = `SELECT id FROM document_journal WHERE collection = $1 AND seq <= $2`;
    await conn.run(`DELETE FROM "${c}" WHERE id IN (${journalled})`, [c, seq]);
    await conn.run(
      `INSERT INTO "${c}" (id, version, body, updated_at)
       SELECT id, version, body::JSON, updated_at FROM (
         SELECT id, version, body, updated_at FROM document_journal WHERE collection = $1 AND seq <= $2
         QUALIFY row_number() OVER (PARTITION BY id ORDER BY seq DESC) = 1
       ) WHERE body IS NOT NULL`,
      [c, seq],
    );
  }
  return (await conn.run('DELETE FROM document_journal WHERE seq <= $1', [seq])).rowsChanged;
}
