/**
 * Serves the built single-page app at `/`. Static files are public: every figure the app shows
 * comes from authenticated API calls, so the shell itself holds nothing to protect.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrors, type ApiModule } from '../api/index.js';
import { AssetCatalogue, CACHE_CONTROL, hasKnownType, type Asset } from './assets.js';
import { WebErrors } from './errors.js';

export interface WebModuleOptions {
  /** The Vite build output (dist/webapp, see root.ts). */
  readonly root: string;
  /** Paths that always belong to the API, never to the app (their unknown routes stay JSON 404s). */
  readonly apiPrefixes?: readonly string[];
}

/** ADT's data plane and the platform's own surfaces live at the root next to the app. */
export const DEFAULT_API_PREFIXES: readonly string[] = ['/api/', '/digitaltwins', '/models', '/query', '/eventroutes', '/jobs', '/healthz', '/readyz', '/metrics'];

/**
 * The page may only talk to its own origin; styles allow inline attributes because the chart
 * library sizes its canvas through the style attribute; workers come from the same origin.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

export interface WebModule extends ApiModule {
  readonly catalogue: AssetCatalogue;
}

export function createWebModule(options: WebModuleOptions): WebModule {
  const catalogue = new AssetCatalogue(options.root);
  const prefixes = options.apiPrefixes ?? DEFAULT_API_PREFIXES;

  async function send(request: FastifyRequest, reply: FastifyReply, asset: Asset): Promise<FastifyReply> {
    const { body, etag, encoding } = await catalogue.read(asset, request.headers['accept-encoding']);
    reply.header('cache-control', CACHE_CONTROL[asset.policy]);
    reply.header('etag', etag);
    reply.header('x-content-type-options', 'nosniff');
    if (asset.compressible) reply.header('vary', 'accept-encoding');
    if (asset.type.startsWith('text/html')) {
      reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
      reply.header('referrer-policy', 'same-origin');
    }
    // RFC 9110 §13.1.2: If-None-Match is a list of entity tags (weak comparison).
    const inm = request.headers['if-none-match'];
    if (inm && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag || t.trim() === '*')) {
      return reply.code(304).send();
    }
    if (encoding !== 'identity') reply.header('content-encoding', encoding);
    return reply.type(asset.type).send(body);
  }

  return {
    name: 'web',
    catalogue,
    register(app) {
      app.get('/*', { config: { permission: 'public' }, schema: { hide: true } }, async (request, reply) => {
        const path = decodePath(request.url);
        if (path === undefined || isApiPath(path, prefixes)) throw ApiErrors.create('route_not_found', `no route GET ${request.url.split('?')[0]}`);
        const direct = catalogue.lookup(path === '/' ? '/index.html' : path);
        if (direct) return send(request, reply, direct);
        if (!isNavigation(request, path)) throw WebErrors.create('asset_not_found', `no file ${path} in the web app`, { path });
        const index = catalogue.lookup('/index.html');
        if (!index) throw WebErrors.create('not_built', `the web app is not built in ${options.root}; run npm run build:web`, { root: options.root });
        return send(request, reply, index);
      });
    },
  };
}

function isApiPath(path: string, prefixes: readonly string[]): boolean {
  return prefixes.some((p) => path === p.replace(/\/$/, '') || path.startsWith(p.endsWith('/') ? p : `${p}/`));
}

/** The URL path without query, percent-decoded; undefined when it is malformed or climbs up. */
export function decodePath(url: string): string | undefined {
  const raw = url.split('?')[0] ?? '/';
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  if (path.includes('\0') || path.split('/').some((seg) => seg === '..')) return undefined;
  return path;
}

/**
 * SPA fallback only for what a browser asks for as a page: an HTML navigation to a path that does
 * not name a file type the build produces (a twin id may hold a dot, `.js` never is one). A missing script or image gets a 404, never the HTML shell (a service worker
 * would otherwise cache HTML under a script's name).
 */
export function isNavigation(request: FastifyRequest, path: string): boolean {
  const accept = String(request.headers['accept'] ?? '');
  if (!accept.includes('text/html')) return false;
  return !hasKnownType(path);
}
