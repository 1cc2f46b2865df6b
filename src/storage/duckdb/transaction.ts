import type { DuckDBConnection } from '@duckdb/node-api';

/** Runs `body` between BEGIN and COMMIT on `conn`, rolling back when it throws. */
export async function inTransaction<T>(conn: DuckDBConnection, body: () => Promise<T>): Promise<T> {
  await conn.run('BEGIN TRANSACTION');
  try {
    const result = await body();
    await conn.run('COMMIT');
    return result;
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
