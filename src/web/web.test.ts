import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { createMemoryStorage } from '../storage/index.js';
import { createAuthService } from '../auth/index.js';
import { createMetrics, silentLogger } from '../observability/index.js';
import { createApiServer, type ApiServer } from '../api/index.js';
import { AssetCatalogue, cachePolicyOf, contentTypeOf, createWebModule, decodePath, pickEncoding } from './index.js';

let root: string;
let api: ApiServer;
const INDEX = '<!doctype html><html><head><title>Twinworks</title></head><body><div id="app"></div></body></html>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(2000))});`;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'tw-web-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), INDEX);
  writeFileSync(join(root, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  writeFileSync(join(root, 'manifest.webmanifest'), '{"name":"Twinworks"}');
  writeFileSync(join(root, 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(root, 'assets', 'index-AbCd12_-.js'), SCRIPT);
  writeFileSync(join(root, 'assets', 'plain.js'), 'export {};');
  const store = createMemoryStorage();
  await store.open();
  const auth = await createAuthService(store);
  await auth.ensureFirstAdmin('admin-password');
  api = await createApiServer({ logger: silentLogger(), metrics: createMetrics(), auth, readinessChecks: [] }, { modules: [createWebModule({ root })] });
});

after(async () => {
  await api.close();
  rmSync(root, { recursive: true, force: true });
});

const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

test('the root serves index.html, revalidated on every use, with a CSP', async () => {
  const res = await api.app.inject({ url: '/', headers: html });
  assert.equal(res.statusCode, 200);
  assert.equal(res.body, INDEX);
  assert.match(String(res.headers['content-type']), /^text\/html/);
  assert.equal(res.headers['cache-control'], 'no-cache');
  assert.match(String(res.headers['content-security-policy']), /default-src 'self'/);
  assert.match(String(res.headers['etag']), /^"[A-Za-z0-9_-]+"$/);
});

test('hashed build output is immutable; unhashed files are kept an hour; sw and manifest revalidate', async () => {
  const hashed = await api.app.inject({ url: '/assets/index-AbCd12_-.js' });
  assert.equal(hashed.statusCode, 200);
  assert.equal(hashed.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.match(String(hashed.headers['content-type']), /^text\/javascript/);
  assert.equal(hashed.body, SCRIPT);
  assert.equal((await api.app.inject({ url: '/assets/plain.js' })).headers['cache-control'], 'public, max-age=3600');
  assert.equal((await api.app.inject({ url: '/sw.js' })).headers['cache-control'], 'no-cache');
  const manifest = await api.app.inject({ url: '/manifest.webmanifest' });
  assert.equal(manifest.headers['cache-control'], 'no-cache');
  assert.match(String(manifest.headers['content-type']), /^application\/manifest\+json/);
});

test('client-side routes fall back to index.html for navigations only', async () => {
  const nav = await api.app.inject({ url: '/maintenance?line=LINE-2', headers: html });
  assert.equal(nav.statusCode, 200);
  assert.equal(nav.body, INDEX);
  // a twin id with a dot is still a page
  assert.equal((await api.app.inject({ url: '/explorer/twins/plant.line-1', headers: html })).body, INDEX);
  // a missing script must not come back as HTML (a service worker would cache it under the script's name)
  const script = await api.app.inject({ url: '/assets/gone-12345678.js', headers: html });
  assert.equal(script.statusCode, 404);
  assert.equal(script.json().code, 'web.asset_not_found');
  // a fetch that does not ask for HTML gets a 404 too
  const json = await api.app.inject({ url: '/maintenance', headers: { accept: 'application/json' } });
  assert.equal(json.statusCode, 404);
});

test('unknown API routes stay JSON problems, even for a browser', async () => {
  for (const url of ['/api/nope', '/digitaltwins/x/unknown/deeper', '/query']) {
    const res = await api.app.inject({ url, headers: html });
    assert.equal(res.statusCode, 404, url);
    assert.match(String(res.headers['content-type']), /application\/problem\+json/);
    assert.equal(res.json().code, 'api.route_not_found');
  }
  // the platform's own routes are untouched by the catch-all
  assert.equal((await api.app.inject({ url: '/healthz' })).statusCode, 200);
});

test('no path reaches a file outside the root', async () => {
  // the root is <tmp>/tw-web-…; a secret sits next to it
  const secret = join(root, '..', `${root.split('/').pop()}-secret.txt`);
  writeFileSync(secret, 'TOP-SECRET');
  const name = secret.split('/').pop()!;
  try {
    for (const url of [`/%2e%2e/${name}`, `/assets/%2e%2e/%2e%2e/${name}`, `/..%2f${name}`, `/assets/..%2F..%2F${name}`, '/%E0%A4%A']) {
      const res = await api.app.inject({ url, headers: html });
      assert.ok(!res.body.includes('TOP-SECRET'), url);
      // the shell (the URL normalised to a page), a 404, or the framework's 400 for a malformed escape
      assert.ok(res.body === INDEX || res.statusCode === 404 || res.statusCode === 400, `${url} → ${res.statusCode}`);
    }
  } finally {
    rmSync(secret, { force: true });
  }
});

test('compressed variants follow Accept-Encoding and have their own ETags', async () => {
  const br = await api.app.inject({ url: '/assets/index-AbCd12_-.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
  assert.equal(br.headers['content-encoding'], 'br');
  assert.equal(br.headers['vary'], 'accept-encoding');
  assert.equal(brotliDecompressSync(br.rawPayload).toString(), SCRIPT);
  const gz = await api.app.inject({ url: '/assets/index-AbCd12_-.js', headers: { 'accept-encoding': 'gzip' } });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.equal(gunzipSync(gz.rawPayload).toString(), SCRIPT);
  assert.ok(gz.rawPayload.length < SCRIPT.length / 4, 'a run of one letter compresses far');
  assert.notEqual(gz.headers['etag'], br.headers['etag']);
});

test('a matching If-None-Match gets 304 without a body', async () => {
  const first = await api.app.inject({ url: '/assets/plain.js' });
  const again = await api.app.inject({ url: '/assets/plain.js', headers: { 'if-none-match': `"other", ${String(first.headers['etag'])}` } });
  assert.equal(again.statusCode, 304);
  assert.equal(again.body, '');
  const changed = await api.app.inject({ url: '/assets/plain.js', headers: { 'if-none-match': '"other"' } });
  assert.equal(changed.statusCode, 200);
});

test('an unbuilt root answers navigations with 503 web.not_built', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'tw-web-empty-'));
  const store = createMemoryStorage();
  await store.open();
  const auth = await createAuthService(store);
  const other = await createApiServer({ logger: silentLogger(), metrics: createMetrics(), auth, readinessChecks: [] }, { modules: [createWebModule({ root: join(empty, 'missing') })] });
  try {
    const res = await other.app.inject({ url: '/line', headers: html });
    assert.equal(res.statusCode, 503);
    assert.equal(res.json().code, 'web.not_built');
  } finally {
    await other.close();
    rmSync(empty, { recursive: true, force: true });
  }
});

test('the catalogue picks up a rebuild once its index.html changes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tw-web-rebuild-'));
  let clock = 0;
  try {
    writeFileSync(join(dir, 'index.html'), 'v1');
    const cat = new AssetCatalogue(dir, () => clock);
    assert.deepEqual(cat.paths(), ['/index.html']);
    writeFileSync(join(dir, 'app-12345678.js'), '');
    writeFileSync(join(dir, 'index.html'), 'v2 with a new size');
    utimesSync(join(dir, 'index.html'), new Date(), new Date(Date.now() + 5000));
    assert.deepEqual(cat.paths(), ['/index.html'], 'checked at most once a second');
    clock = 1500;
    assert.deepEqual(cat.paths(), ['/app-12345678.js', '/index.html']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('encoding negotiation follows RFC 9110 q-values', () => {
  assert.equal(pickEncoding(undefined), 'identity');
  assert.equal(pickEncoding('gzip, deflate, br, zstd'), 'br');
  assert.equal(pickEncoding('br;q=0, gzip'), 'gzip');
  assert.equal(pickEncoding('br;q=0.5, gzip;q=0.8'), 'gzip');
  assert.equal(pickEncoding('*'), 'br');
  assert.equal(pickEncoding('*;q=0, identity'), 'identity');
  assert.equal(pickEncoding('deflate'), 'identity');
});

test('types, cache policies and path decoding', () => {
  assert.equal(contentTypeOf('/a/b.css'), 'text/css; charset=utf-8');
  assert.equal(contentTypeOf('/x.unknown'), 'application/octet-stream');
  assert.equal(cachePolicyOf('/assets/three-Bq9_zZ1x.js'), 'immutable');
  assert.equal(cachePolicyOf('/assets/three.js'), 'short');
  assert.equal(cachePolicyOf('/three-Bq9_zZ1x.js'), 'short', 'only the assets folder holds hashed output');
  assert.equal(cachePolicyOf('/index.html'), 'revalidate');
  assert.equal(decodePath('/a%20b?x=1'), '/a b');
  assert.equal(decodePath('/a/../b'), undefined);
  assert.equal(decodePath('/%zz'), undefined);
});
