/**
 * Browser-test harness: builds the app into a temp folder, starts the platform in-process on
 * ephemeral ports with a temp data dir, and finds where the app, the ADT data plane and the live
 * change stream are served. While the platform does not wire a part yet, the harness serves it
 * beside the platform from that context's own index.ts (the same code the platform will wire);
 * `missing` lists what came from there, and the live-stream stand-in is named as such.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../config/index.js';
import { createApiServer, type ApiModule, type ApiServer } from '../../api/index.js';
import { createMetrics, silentLogger } from '../../observability/index.js';
import { startPlatform, type RunningPlatform } from '../../platform/index.js';
import { createAdtModule } from '../../adt/index.js';
import { createTwinGraph, seedDemoPlant } from '../../twins/index.js';
import { createWebModule } from '../index.js';
import { twinEventStandIn } from './stand-in-events.js';
import { proxyModule } from './proxy.js';

export const CHROMIUM = process.env['TWINWORKS_CHROMIUM'] ?? '/usr/bin/chromium';

export interface Harness {
  /** Base URL of the server that serves the app (and, through it, the API). */
  readonly url: string;
  readonly platform: RunningPlatform;
  /** Parts served beside the platform because it does not wire them yet. */
  readonly missing: readonly string[];
  token(username: string, password: string): Promise<string>;
  call(method: string, path: string, options?: { token?: string; body?: unknown; contentType?: string; headers?: Record<string, string> }): Promise<{ status: number; body: string }>;
  stop(): Promise<void>;
}

/** Builds web/ with Vite into `outDir` (the repo's vite, the repo's config). */
export function buildApp(outDir: string): void {
  const root = resolve(import.meta.dirname, '..', '..', '..');
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  execFileSync(process.execPath, [vite, 'build', '--config', join(root, 'web', 'vite.config.ts'), '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

export async function startHarness(): Promise<Harness> {
  const data = mkdtempSync(join(tmpdir(), 'tw-web-e2e-'));
  const appDir = join(data, 'webapp');
  buildApp(appDir);
  if (!existsSync(join(appDir, 'index.html'))) throw new Error('the web build produced no index.html');
  const args = ['--host', '127.0.0.1', '--http-port', '0', '--https-port', '0', '--mqtt-port', '0', '--mqtts-port', '0', '--mqtt-ws-port', '0', '--mqtt-wss-port', '0', '--no-pdm-bootstrap', '--no-simulator', '--data', data];
  const env = { TWINWORKS_ADMIN_PASSWORD: 'admin-password', TWINWORKS_WEB_ROOT: appDir };
  const platform = await startPlatform({ config: loadConfig(args, env).config, env, logger: silentLogger() });
  const base = `http://127.0.0.1:${platform.ports.http}`;
  const probe = async (path: string, init: RequestInit = {}) => (await fetch(`${base}${path}`, init)).status;
  const missing: string[] = [];
  const modules: ApiModule[] = [];
  const adminToken = async () => ((await (await fetch(`${base}/api/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'admin-password' }) })).json()) as { access_token: string }).access_token;
  const auth = { authorization: `Bearer ${await adminToken()}` };

  const servesApp = (await fetch(`${base}/`, { headers: { accept: 'text/html' } }).then((r) => r.text())).includes('<div id="app"');
  const servesAdt = (await probe('/query?api-version=2023-10-31', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"query":"SELECT * FROM DIGITALTWINS"}' })) === 200;
  const servesStream = await (async () => {
    const abort = new AbortController();
    const res = await fetch(`${base}/api/events/stream`, { headers: auth, signal: abort.signal });
    abort.abort();
    return res.status !== 404;
  })();
  if (!servesAdt) {
    const graph = createTwinGraph({ store: platform.store, bus: platform.bus });
    await graph.load();
    await seedDemoPlant(graph);
    modules.push(createAdtModule(graph));
    missing.push('twins (ADT data plane + demo plant)');
  }
  if (!servesStream) {
    modules.push(twinEventStandIn(platform.bus));
    missing.push('live twin change stream (test stand-in)');
  }
  let side: ApiServer | undefined;
  let url = base;
  // Everything wired in the platform: the tests talk to it alone.
  if (!servesApp || modules.length > 0) {
    if (!servesApp) missing.push('web app');
    // Whatever else the platform serves is reached through the proxy.
    modules.push(proxyModule(base, [...(servesAdt ? ['/digitaltwins', '/models', '/query', '/eventroutes'] : []), '/api/timeseries', '/api/analytics', '/api/alerts', '/api/ml', '/api/twins', '/api/hub', ...(servesStream ? ['/api/events'] : [])]));
    side = await createApiServer({ logger: silentLogger(), metrics: createMetrics(), auth: platform.auth, readinessChecks: [] }, { modules: [...modules, createWebModule({ root: appDir })] });
    url = `http://127.0.0.1:${(await side.listen({ host: '127.0.0.1', httpPort: 0 })).httpPort}`;
  }
  for (const [username, role] of [
    ['op', 'operator'],
    ['tech', 'technician'],
    ['viewer', 'viewer'],
  ] as const) {
    await platform.auth.users.create({ username, password: `${username}-password`, roles: [role] });
  }

  const call: Harness['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    const res = await fetch(`${url}${path}`, { method, headers, body: options.body === undefined ? null : JSON.stringify(options.body) });
    return { status: res.status, body: await res.text() };
  };
  return {
    url,
    platform,
    missing,
    call,
    async token(username, password) {
      const res = await call('POST', '/api/auth/token', { body: { username, password } });
      if (res.status !== 200) throw new Error(`sign-in of ${username} failed: ${res.status} ${res.body}`);
      return (JSON.parse(res.body) as { access_token: string }).access_token;
    },
    async stop() {
      await side?.close();
      await platform.stop();
      rmSync(data, { recursive: true, force: true });
    },
  };
}
