/**
 * The service worker: precaches the app shell (every built file, listed at build time), serves it
 * cache-first so the app opens offline, and answers navigations with the cached index.html when
 * the network is gone. API data is not cached here: the app keeps its own last answers (see
 * api/client.ts), because reads such as /query are POSTs, which Cache Storage cannot key.
 */
interface PrecacheManifest {
  readonly version: string;
  readonly files: readonly string[];
}
// Replaced at build time by the precache plugin (web/build/precache.ts).
const MANIFEST = '__PRECACHE__' as unknown as PrecacheManifest;

interface ExtendableEvent extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(r: Promise<Response> | Response): void;
}
interface SwScope {
  addEventListener(type: 'install' | 'activate', l: (e: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', l: (e: FetchEvent) => void): void;
  skipWaiting(): Promise<void>;
  readonly clients: { claim(): Promise<void> };
  readonly location: Location;
}
const sw = self as unknown as SwScope;
const SHELL = `tw-shell-${MANIFEST.version}`;
const API = /^\/(api|digitaltwins|models|query|eventroutes|jobs|healthz|readyz|metrics)(\/|$|\?)/;

sw.addEventListener('install', (e) => {
  e.waitUntil(
    caches
      .open(SHELL)
      .then((c) => c.addAll(MANIFEST.files.map((f) => new Request(f, { cache: 'reload' }))))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener('activate', (e) => {
  e.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('tw-shell-') && k !== SHELL).map((k) => caches.delete(k))))
      .then(() => sw.clients.claim()),
  );
});

sw.addEventListener('fetch', (e) => {
  const req = e.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== sw.location.origin || API.test(url.pathname)) return;
  if (req.mode === 'navigate') {
    // Network first for the page so a deploy shows at once; the cached shell when offline.
    e.respondWith(
      fetch(req).catch(async () => (await caches.match('/', { cacheName: SHELL })) ?? new Response('offline', { status: 503, headers: { 'content-type': 'text/plain' } })),
    );
    return;
  }
  // Built files are content-hashed: cache first is always right for them.
  e.respondWith(
    caches.match(req, { cacheName: SHELL }).then(
      (hit) =>
        hit ??
        fetch(req).then(async (res) => {
          if (res.ok && url.pathname.startsWith('/assets/')) await (await caches.open(SHELL)).put(req, res.clone());
          return res;
        }),
    ),
  );
});
