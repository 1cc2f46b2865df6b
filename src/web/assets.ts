/**
 * The built web app as a catalogue of files: what each one is (content type), how long browsers
 * may keep it (cache policy), its validator (ETag) and compressed variants made once and kept.
 * Only files found by scanning the root are ever served, so no request path can reach outside it.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/**
 * immutable: content-hashed build output; the name changes when the content does (RFC 8246).
 * revalidate: the entry points that name the hashed files (index.html, the service worker, the
 *   manifest) must be checked on every use, or a deploy would never reach a returning browser.
 * short: unhashed static files (icons), kept an hour.
 */
export type CachePolicy = 'immutable' | 'revalidate' | 'short';

export const CACHE_CONTROL: Readonly<Record<CachePolicy, string>> = {
  immutable: 'public, max-age=31536000, immutable',
  revalidate: 'no-cache',
  short: 'public, max-age=3600',
};

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** Files worth compressing: text formats (images and fonts are compressed already). */
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.webmanifest', '.map', '.svg', '.txt', '.wasm']);

/** Entry points that must be revalidated on every use. */
const REVALIDATE = new Set(['/index.html', '/sw.js', '/manifest.webmanifest']);

/** Vite names hashed output `name-<8 chars of base64url>.ext` (build.rollupOptions default). */
const HASHED = /-[A-Za-z0-9_-]{8}\.[a-z0-9]+$/;

export type Encoding = 'br' | 'gzip' | 'identity';

export interface Asset {
  /** URL path, e.g. `/assets/index-AbCd1234.js`. */
  readonly path: string;
  readonly type: string;
  readonly policy: CachePolicy;
  readonly compressible: boolean;
  readonly size: number;
}

export interface AssetBody {
  readonly body: Buffer;
  readonly etag: string;
  readonly encoding: Encoding;
}

export function extensionOf(path: string): string {
  const base = posix.basename(path);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot).toLowerCase();
}

/** True when the path ends in a file extension the app's build produces (script, style, image…). */
export function hasKnownType(path: string): boolean {
  return Object.hasOwn(TYPES, extensionOf(path));
}

export function contentTypeOf(path: string): string {
  return TYPES[extensionOf(path)] ?? 'application/octet-stream';
}

export function cachePolicyOf(path: string): CachePolicy {
  if (REVALIDATE.has(path)) return 'revalidate';
  if (path.startsWith('/assets/') && HASHED.test(path)) return 'immutable';
  return 'short';
}

/**
 * The best encoding the client accepts (RFC 9110 §12.5.3): brotli, then gzip, else identity.
 * A coding with q=0 is refused; `*` stands for any coding not named.
 */
export function pickEncoding(acceptEncoding: string | undefined): Encoding {
  if (!acceptEncoding) return 'identity';
  const q = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    let weight = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p);
      if (m) weight = Number(m[1]);
    }
    q.set(name, Number.isFinite(weight) ? weight : 0);
  }
  const weightOf = (name: string) => q.get(name) ?? q.get('*') ?? 0;
  const br = weightOf('br');
  const gzipWeight = weightOf('gzip');
  if (br > 0 && br >= gzipWeight) return 'br';
  if (gzipWeight > 0) return 'gzip';
  return 'identity';
}

interface Entry extends Asset {
  readonly file: string;
  raw?: Buffer;
  etag?: string;
  variants: Map<'br' | 'gzip', Promise<Buffer>>;
}

/**
 * Scans `root` lazily and rescans when index.html changes (a rebuild while the platform runs), at
 * most once a second, so a `npm run build:web` shows without a restart.
 */
export class AssetCatalogue {
  private entries = new Map<string, Entry>();
  private indexStamp = '';
  private checkedAt = -Infinity;

  constructor(
    readonly root: string,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** True when the root holds a built app (an index.html). */
  built(): boolean {
    this.refresh();
    return this.entries.has('/index.html');
  }

  lookup(urlPath: string): Asset | undefined {
    this.refresh();
    return this.entries.get(urlPath);
  }

  paths(): string[] {
    this.refresh();
    return [...this.entries.keys()].sort();
  }

  /** The bytes to send for an asset in the best encoding the client takes. */
  async read(asset: Asset, acceptEncoding: string | undefined): Promise<AssetBody> {
    const entry = this.entries.get(asset.path);
    if (!entry) throw new Error(`asset ${asset.path} vanished`);
    if (!entry.raw) {
      entry.raw = readFileSync(entry.file);
      entry.etag = createHash('sha256').update(entry.raw).digest('base64url').slice(0, 22);
    }
    const raw = entry.raw;
    const tag = entry.etag!;
    const wanted = entry.compressible && raw.length > 256 ? pickEncoding(acceptEncoding) : 'identity';
    if (wanted === 'identity') return { body: raw, etag: `"${tag}"`, encoding: 'identity' };
    let variant = entry.variants.get(wanted);
    if (!variant) {
      variant =
        wanted === 'br'
          ? brotli(raw, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 9, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: raw.length } })
          : gz(raw, { level: 9 });
      entry.variants.set(wanted, variant);
    }
    // A distinct validator per representation (RFC 9110 §8.8.3: ETags identify a representation).
    return { body: await variant, etag: `"${tag}-${wanted}"`, encoding: wanted };
  }

  private refresh(): void {
    const now = this.now();
    if (now - this.checkedAt < 1000) return;
    this.checkedAt = now;
    let stamp = 'missing';
    try {
      const st = statSync(join(this.root, 'index.html'));
      stamp = `${st.mtimeMs}:${st.size}`;
    } catch {
      // not built (yet): an empty catalogue
    }
    if (stamp === this.indexStamp) return;
    this.indexStamp = stamp;
    const next = new Map<string, Entry>();
    if (stamp !== 'missing') walk(this.root, '', next, 0);
    this.entries = next;
  }
}

function walk(dir: string, prefix: string, out: Map<string, Entry>, depth: number): void {
  if (depth > 8) return; // a build has two levels; deeper trees are not ours
  for (const dirent of readdirSync(dir, { withFileTypes: true })) {
    if (dirent.name.startsWith('.')) continue;
    const file = join(dir, dirent.name);
    const path = `${prefix}/${dirent.name}`;
    if (dirent.isDirectory()) walk(file, path, out, depth + 1);
    else if (dirent.isFile()) {
      const ext = extensionOf(path);
      out.set(path, {
        path,
        file,
        type: contentTypeOf(path),
        policy: cachePolicyOf(path),
        compressible: COMPRESSIBLE.has(ext),
        size: statSync(file).size,
        variants: new Map(),
      });
    }
  }
}
