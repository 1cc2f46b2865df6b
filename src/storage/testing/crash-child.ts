/**
 * Child process for the crash tests: opens a store, writes documents and points one after another
 * and prints a line for each write only after `write`/`appendPoints` resolved (= acknowledged).
 * The parent SIGKILLs it mid-stream and checks that everything acknowledged survived.
 *
 *   node --import tsx crash-child.ts duckdb <file> [settingsJson]
 *   node --import tsx crash-child.ts postgres <url> <schema>
 */
import type { StorageAdapter } from '../port.js';
import { DuckDbStorage } from '../duckdb/duckdb.js';
import { PostgresStorage } from '../postgres/postgres.js';
import { crashBody, crashPoints, CRASH_MAX_ROUNDS } from './crash-shared.js';

const [kind, target, extra] = process.argv.slice(2);

function adapter(): StorageAdapter {
  if (kind === 'duckdb' && target) return new DuckDbStorage({ file: target, settings: extra ? (JSON.parse(extra) as Record<string, string>) : {} });
  if (kind === 'postgres' && target && extra) return new PostgresStorage({ url: target, schema: extra });
  throw new Error(`usage: crash-child.ts duckdb <file> [settings] | postgres <url> <schema>`);
}

const storage = adapter();
await storage.open();
process.stdout.write('open\n');
for (let i = 0; i < CRASH_MAX_ROUNDS; i++) {
  await storage.write([
    { op: 'put', collection: 'twins', id: `doc-${i}`, body: crashBody(i), expectVersion: 'absent' },
    // Keeps rewriting one hot document too, so updates (not only inserts) are in flight at the kill.
    { op: 'put', collection: 'settings', id: 'progress', body: { last: i } },
  ]);
  process.stdout.write(`doc ${i}\n`);
  await storage.appendPoints(crashPoints(i));
  process.stdout.write(`points ${i}\n`);
}
await storage.close();
process.stdout.write('done\n');
