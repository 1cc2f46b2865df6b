import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where `npm run build:web` writes the app: dist/webapp at the project root. Not dist/web, which is
 * where tsc puts this very context's compiled server code (tsconfig.build.json: src → dist); the
 * two would share a folder, the Vite build would empty it, and server modules would be served.
 * Found from this file whether it runs from src/ (tsx) or dist/ (compiled).
 */
export const WEB_BUILD_DIR = join('dist', 'webapp');

export function defaultWebRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && isTwinworks(pkg)) return join(dir, WEB_BUILD_DIR);
    dir = dirname(dir);
  }
  return join(process.cwd(), WEB_BUILD_DIR);
}

function isTwinworks(pkg: string): boolean {
  try {
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'twinworks';
  } catch {
    return false;
  }
}
