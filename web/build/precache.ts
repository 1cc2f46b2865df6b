import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import type { Plugin } from 'vite';

/**
 * Replaces the `"__PRECACHE__"` placeholder in sw.js with the built files plus the public folder's
 * (the app shell) and a version derived from their names, so each build gets its own cache and the
 * service worker drops the old one on activation.
 */
export function precacheManifest(): Plugin {
  let publicDir = '';
  return {
    name: 'twinworks-precache',
    apply: 'build',
    configResolved(config) {
      publicDir = config.publicDir;
    },
    generateBundle(_options, bundle) {
      const sw = bundle['sw.js'];
      if (!sw || sw.type !== 'chunk') return;
      const publicFiles = publicDir && existsSync(publicDir) ? readdirSync(publicDir).filter((f) => !f.startsWith('.')) : [];
      // The page itself is cached under '/': Vite's HTML output may not be in the bundle yet when this runs.
      const files = [
        '/',
        ...[...Object.keys(bundle), ...publicFiles]
          .filter((f) => f !== 'sw.js' && f !== 'index.html' && !f.endsWith('.map'))
          .sort()
          .map((f) => `/${f}`),
      ];
      const version = createHash('sha256').update(Object.values(bundle).map((b) => b.fileName).sort().join('\n')).digest('hex').slice(0, 12);
      if (!sw.code.includes('"__PRECACHE__"')) this.error('sw.js lost its "__PRECACHE__" placeholder');
      sw.code = sw.code.replace('"__PRECACHE__"', JSON.stringify({ version, files }));
    },
  };
}
