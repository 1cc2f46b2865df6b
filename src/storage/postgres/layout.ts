/**
 * Where time-series points live in PostgreSQL: a TimescaleDB hypertable when the server can give us
 * one, else a plain table with a (series, time) index. Pure, so every branch is unit-tested without a
 * TimescaleDB server (none runs in CI; the plain path is what the integration test exercises).
 */
export interface TimescaleFacts {
  /** The `timescale` option: 'off' forces the plain table. */
  readonly wanted: 'auto' | 'off';
  /** `timescaledb` is listed in pg_available_extensions (its files are installed on the server). */
  readonly available: boolean;
  /** installed_version from pg_available_extensions: CREATE EXTENSION already ran in this database. */
  readonly installedVersion: string | null;
  /** `SHOW shared_preload_libraries`, raw. TimescaleDB refuses to load unless preloaded. */
  readonly preloadLibraries: string;
}

export type PointsLayout =
  | { readonly kind: 'hypertable'; readonly createExtension: boolean }
  | { readonly kind: 'plain'; readonly reason: string };

/** Library names from a shared_preload_libraries value, e.g. `'pg_stat_statements, "timescaledb"'`. */
export function parsePreloadLibraries(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim().replace(/^["']|["']$/g, ''))
    .map((s) => s.replace(/^\$libdir\//, '').replace(/\.so$/, ''))
    .filter((s) => s.length > 0);
}

export function decidePointsLayout(f: TimescaleFacts): PointsLayout {
  if (f.wanted === 'off') return { kind: 'plain', reason: 'disabled by the timescale option' };
  if (!f.available && f.installedVersion === null) return { kind: 'plain', reason: 'the timescaledb extension is not installed on the server' };
  // TimescaleDB versioned library names look like timescaledb-2.14.2; the loader is plain "timescaledb".
  const preloaded = parsePreloadLibraries(f.preloadLibraries).some((lib) => lib === 'timescaledb' || lib.startsWith('timescaledb-'));
  if (!preloaded) return { kind: 'plain', reason: 'timescaledb is not in shared_preload_libraries' };
  return { kind: 'hypertable', createExtension: f.installedVersion === null };
}
