/**
 * Turning `pg` failures into the storage catalogue. SQLSTATE classes from the PostgreSQL manual,
 * Appendix A "PostgreSQL Error Codes".
 */
export type PgFailure = 'unavailable' | 'retry' | 'other';

const NODE_NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

export function classifyPgError(err: unknown): PgFailure {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof code === 'string') {
    if (NODE_NETWORK_CODES.has(code)) return 'unavailable';
    // 40001 serialization_failure, 40P01 deadlock_detected: the transaction rolled back whole; run it again.
    if (code === '40001' || code === '40P01') return 'retry';
    // 08 connection exception, 57P01..57P03 shutdown / cannot connect now, 53300 too many connections,
    // 3D000 database does not exist, 28xxx authentication: the database is not usable right now.
    if (code.startsWith('08') || code.startsWith('57P') || code === '53300' || code === '3D000' || code.startsWith('28')) return 'unavailable';
  }
  // pg raises these without a code when the socket goes away mid-query or the pool was ended.
  if (/Connection terminated|connection timeout|Client has encountered a connection error|Cannot use a pool after calling end/i.test(message)) return 'unavailable';
  return 'other';
}

/** The URL without its password, for messages and details. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable database URL)';
  }
}
