/**
 * Opening a DuckDB file safely. DuckDB allows one process per file (an OS file lock) and, inside one
 * process, would let two instances open the same file and overwrite each other's checkpoints. So:
 * - another process holding the file → storage.unavailable naming the file and the holder;
 * - a second open in this process → the same error, from a process-wide registry.
 */
import { mkdirSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { StorageErrors } from '../errors.js';

const openFiles = new Set<string>();

/** The absolute path with symlinks in the directory resolved, so two spellings of one file match. */
export function canonicalPath(file: string): string {
  const abs = resolve(file);
  mkdirSync(dirname(abs), { recursive: true });
  return join(realpathSync(dirname(abs)), basename(abs));
}

export function unavailable(file: string, reason: string, cause?: unknown): Error {
  return StorageErrors.create('unavailable', `DuckDB file ${file} is unavailable: ${reason}`, { adapter: 'duckdb', target: file, reason }, cause);
}

export async function openInstance(file: string, settings: Record<string, string>): Promise<DuckDBInstance> {
  if (openFiles.has(file)) throw unavailable(file, 'already open in this process');
  openFiles.add(file);
  try {
    return await DuckDBInstance.create(file, settings);
  } catch (err) {
    openFiles.delete(file);
    const message = err instanceof Error ? err.message : String(err);
    // DuckDB: `IO Error: Could not set lock on file "…": Conflicting lock is held in /usr/bin/node (PID 42)`
    const holder = /Conflicting lock is held in (.*?)(?:\.\s|$)/.exec(message)?.[1];
    if (message.includes('Could not set lock')) {
      throw unavailable(file, `locked by another process${holder ? ` (${holder})` : ''}; only one Twinworks process can use an embedded database`, err);
    }
    throw unavailable(file, message, err);
  }
}

export function releaseFile(file: string): void {
  openFiles.delete(file);
}
