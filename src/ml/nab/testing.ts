/**
 * Test helper: writes a miniature NAB corpus (same layout as NAB v1.1) into a fresh temporary directory.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface MiniSeries {
  readonly relPath: string;
  readonly values: readonly number[];
  readonly windows: ReadonlyArray<readonly [number, number]>;
}

const T0 = Date.UTC(2014, 3, 1);

export function nabTimestamp(i: number): string {
  return new Date(T0 + i * 300_000).toISOString().replace('T', ' ').slice(0, 19);
}

export function writeMiniCorpus(series: readonly MiniSeries[]): string {
  const root = mkdtempSync(join(tmpdir(), 'nab-'));
  const labels: Record<string, string[][]> = {};
  for (const s of series) {
    const [category] = s.relPath.split('/');
    mkdirSync(join(root, 'data', category!), { recursive: true });
    const rows = s.values.map((v, i) => `${nabTimestamp(i)},${v}`);
    writeFileSync(join(root, 'data', s.relPath), `timestamp,value\n${rows.join('\n')}\n`);
    labels[s.relPath] = s.windows.map(([a, b]) => [`${nabTimestamp(a)}.000000`, `${nabTimestamp(b)}.000000`]);
  }
  mkdirSync(join(root, 'labels'));
  writeFileSync(join(root, 'labels', 'combined_windows.json'), JSON.stringify(labels, null, 2));
  return root;
}
