/**
 * The app in a real browser (Debian's chromium through playwright-core) against the platform
 * started in-process: sign-in, the 3D plant, live colour change, the machine panel, role limits,
 * Spanish, offline reload, alert acknowledgement. Skips when chromium is absent.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, startHarness, type Harness } from './harness.js';
import { connectTestDevice } from './device.js';

// The page globals these tests read inside page.evaluate (the root tsconfig has no DOM library).
interface FactoryProbe {
  readonly machines: number;
  readonly frames: number;
  readonly drawCalls: number;
  readonly layout: { lines: Array<{ id: string; machineIds: string[] }>; machines: Array<{ id: string; kind: string }> };
  colorOf(id: string): string | undefined;
  stateOf(id: string): string | undefined;
  severityOf(id: string): string | undefined;
  screenOf(id: string): { x: number; y: number } | undefined;
}
declare const window: { __twinworks?: { factory?: FactoryProbe } };
declare const document: { documentElement: { lang: string } };
declare const navigator: { serviceWorker: { ready: Promise<{ active: { state: string } | null }> } };

const skip = existsSync(CHROMIUM) ? false : `no chromium at ${CHROMIUM}: apt-get install -y chromium, or set TWINWORKS_CHROMIUM`;
const SHOTS = process.env['TWINWORKS_SCREENSHOTS'] ?? join(tmpdir(), 'twinworks-screenshots');
let h: Harness;
let browser: Browser;

before(async () => {
  if (skip) return;
  h = await startHarness();
  if (h.missing.length) process.stdout.write(`# served beside the platform (not wired in src/platform yet): ${h.missing.join('; ')}\n`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist'] });
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await h?.stop();
});

async function signIn(context: BrowserContext, username: string, password: string, lang = 'en-GB'): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${h.url}/`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('nav[aria-label=main] a');
  void lang;
  return page;
}

async function waitForPlant(page: Page, machines: number): Promise<void> {
  await page.waitForFunction((n) => window.__twinworks?.factory?.machines === n && (window.__twinworks.factory.frames ?? 0) > 2, machines, { timeout: 20_000 });
}

const newContext = (locale = 'en-GB') => browser.newContext({ locale, viewport: { width: 1280, height: 800 } });

test('an operator signs in, lands on the 3D factory and sees the demo plant', { skip }, async () => {
  const context = await newContext();
  try {
    const page = await signIn(context, 'op', 'op-password');
    assert.equal(new URL(page.url()).pathname, '/factory', 'operators land on the 3D view');
    // The demo plant: LINE-1..3, each a CNC, a robot, a conveyor and a quality station.
    await waitForPlant(page, 12);
    const scene = await page.evaluate(() => {
      const f = window.__twinworks!.factory!;
      return {
        lines: f.layout.lines.map((l) => [l.id, l.machineIds]),
        kinds: Object.fromEntries(f.layout.machines.map((m) => [m.id, m.kind])),
        color: f.colorOf('LINE-1-CNC'),
        state: f.stateOf('LINE-1-CNC'),
        drawCalls: f.drawCalls,
      };
    });
    assert.deepEqual(
      scene.lines,
      [1, 2, 3].map((l) => [`LINE-${l}`, [`LINE-${l}-CNC`, `LINE-${l}-ROBOT`, `LINE-${l}-CONVEYOR`, `LINE-${l}-QC`]]),
    );
    assert.equal(scene.kinds['LINE-2-ROBOT'], 'robot');
    assert.equal(scene.kinds['LINE-3-QC'], 'quality');
    // Seeded twins are Idle: grey #8a96a3 (lib/state.ts).
    assert.equal(scene.state, 'Idle');
    assert.equal(scene.color, '#8a96a3');
    // Instancing: draw calls stay a few dozen, not one per machine part.
    assert.ok(scene.drawCalls > 0 && scene.drawCalls < 40, `draw calls ${scene.drawCalls}`);
    const shot = await page.locator('[data-testid=factory-canvas]').screenshot();
    writeFileSync(join(SHOTS, 'factory.png'), shot);
    await page.screenshot({ path: join(SHOTS, 'factory-page.png') });
    // A uniformly filled canvas of this size compresses to a few kB; a drawn plant does not.
    assert.ok(shot.length > 20_000, `canvas screenshot is ${shot.length} bytes: nothing drawn?`);
  } finally {
    await context.close();
  }
});

test('a twin update sent through the API recolours the machine without a reload', { skip }, async () => {
  const context = await newContext();
  try {
    const page = await signIn(context, 'op', 'op-password');
    await waitForPlant(page, 12);
    const admin = await h.token('admin', 'admin-password');
    const res = await h.call('PATCH', '/digitaltwins/LINE-2-ROBOT?api-version=2023-10-31', { token: admin, body: [{ op: 'replace', path: '/state', value: 'down' }], contentType: 'application/json-patch+json' });
    assert.equal(res.status, 204, res.body);
    // Fault is red #d64541; the live stream delivers the change (no polling in the app).
    await page.waitForFunction(() => window.__twinworks?.factory?.colorOf('LINE-2-ROBOT') === '#d64541', undefined, { timeout: 10_000 });
    const list = await page.locator('button.machine[data-id="LINE-2-ROBOT"]').innerText();
    assert.match(list, /Fault/, 'the list says the state in words too');
    const running = await h.call('PATCH', '/digitaltwins/LINE-1-CNC?api-version=2023-10-31', { token: admin, body: [{ op: 'replace', path: '/state', value: 'running' }], contentType: 'application/json-patch+json' });
    assert.equal(running.status, 204);
    await page.waitForFunction(() => window.__twinworks?.factory?.colorOf('LINE-1-CNC') === '#2e9e5b', undefined, { timeout: 10_000 });
    await page.screenshot({ path: join(SHOTS, 'factory-after-update.png') });
  } finally {
    await context.close();
  }
});

test('clicking a machine opens its panel; an operator gets commands, a viewer none and the API refuses the viewer', { skip }, async () => {
  const context = await newContext();
  try {
    const page = await signIn(context, 'op', 'op-password');
    await waitForPlant(page, 12);
    const at = await page.evaluate(() => window.__twinworks!.factory!.screenOf('LINE-3-CNC'));
    assert.ok(at);
    const box = (await page.locator('[data-testid=factory-canvas]').boundingBox())!;
    await page.mouse.click(box.x + at.x, box.y + at.y);
    await page.waitForSelector('[data-testid=machine-panel]');
    assert.match(await page.locator('[data-testid=machine-panel] h2').first().innerText(), /LINE-3-CNC/);
    assert.equal(await page.locator('[data-testid=estop]').count(), 1, 'operators may stop a machine');
    await page.click('[data-testid=estop]');
    assert.equal(await page.locator('dialog.confirm[open]').count(), 1, 'emergency stop asks first');
    await page.click('dialog.confirm button[value=cancel]');
    await page.screenshot({ path: join(SHOTS, 'machine-panel.png') });
    // Keyboard only: Tab reaches the machine list beside the canvas, Enter opens a machine's panel.
    await page.click('[data-testid=machine-panel] header button');
    let focused = '';
    for (let i = 0; i < 80 && focused !== 'LINE-1-QC'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }).document.activeElement?.getAttribute('data-id') ?? '');
    }
    assert.equal(focused, 'LINE-1-QC', 'the machine list is reachable with Tab');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /LINE-1-QC/.test((globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }).document.querySelector('[data-testid=machine-panel] h2')?.textContent ?? ''));
  } finally {
    await context.close();
  }
  const viewerContext = await newContext();
  try {
    const page = await signIn(viewerContext, 'viewer', 'viewer-password');
    await page.goto(`${h.url}/factory?machine=LINE-1-ROBOT`);
    await page.waitForSelector('[data-testid=machine-panel]');
    assert.equal(await page.locator('[data-testid=estop]').count(), 0, 'a viewer sees no command buttons');
    assert.equal(await page.locator('[data-testid=commands] button').count(), 0);
  } finally {
    await viewerContext.close();
  }
  const viewer = await h.token('viewer', 'viewer-password');
  const patch = await h.call('PATCH', '/digitaltwins/LINE-1-ROBOT?api-version=2023-10-31', { token: viewer, body: [{ op: 'replace', path: '/state', value: 'plannedStop' }], contentType: 'application/json-patch+json' });
  assert.equal(patch.status, 403, 'the API refuses a viewer’s twin write');
  const command = await h.call('POST', '/api/hub/devices/LINE-1-ROBOT/methods/emergencyStop', { token: viewer, body: { responseTimeoutInSeconds: 5 } });
  assert.equal(command.status, 403, `the API refuses a viewer's command: ${command.status} ${command.body}`);
});

test('an operator’s emergency stop reaches the machine as a direct method; a refusal from the machine is shown', { skip }, async () => {
  // The machine LINE-1-CNC: accepts the stop, refuses a speed above 0.5 (as a device may).
  const device = await connectTestDevice(h, 'LINE-1-CNC', (call) =>
    call.name === 'setSpeed' && ((call.payload as { speed?: number } | null)?.speed ?? 0) > 0.5 ? { status: 400, payload: { error: 'speed above what this machine allows' } } : { status: 200, payload: { accepted: call.name } },
  );
  const context = await newContext();
  try {
    const page = await signIn(context, 'op', 'op-password');
    await page.goto(`${h.url}/factory?machine=LINE-1-CNC`);
    await page.waitForSelector('[data-testid=estop]');
    await page.click('[data-testid=estop]');
    await page.click('dialog.confirm button[value=ok]');
    await page.waitForFunction(() => /Emergency stop sent to LINE-1-CNC/.test((globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }).document.querySelector('.status-line')?.textContent ?? ''));
    assert.deepEqual(device.calls.map((c) => c.name), ['emergencyStop'], 'the device got the stop, once');
    await page.fill('form[data-command=setSpeed] input', '0.8');
    await page.click('form[data-command=setSpeed] button[type=submit]');
    await page.waitForFunction(() => /refused Set speed: speed above what this machine allows/.test((globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }).document.querySelector('.status-line.error')?.textContent ?? ''));
    // The request parameter of the DTDL command (Machine.json: setSpeed request "speed") names the payload field.
    assert.deepEqual(device.calls[1], { name: 'setSpeed', payload: { speed: 0.8 } });
  } finally {
    await context.close();
    await device.close();
  }
});

test('on a phone the 3D view, its panel and the line view fit the screen width', { skip }, async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'en-GB' });
  try {
    const page = await signIn(context, 'op', 'op-password');
    await page.goto(`${h.url}/factory?machine=LINE-2-ROBOT`);
    await waitForPlant(page, 12);
    await page.waitForSelector('[data-testid=machine-panel]');
    const overflow = () => page.evaluate(() => {
      const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
      return d.scrollWidth - d.clientWidth;
    });
    assert.equal(await overflow(), 0, 'no sideways scrolling on the 3D view');
    await page.screenshot({ path: join(SHOTS, 'phone-factory.png'), fullPage: true });
    await page.goto(`${h.url}/line`);
    await page.waitForSelector('.flow .station');
    assert.equal(await overflow(), 0, 'no sideways scrolling on the line view');
    await page.screenshot({ path: join(SHOTS, 'phone-line.png'), fullPage: true });
  } finally {
    await context.close();
  }
});

test('switching to Spanish translates the app, and the choice survives a reload', { skip }, async () => {
  const context = await newContext();
  try {
    const page = await signIn(context, 'op', 'op-password');
    assert.equal(await page.locator('nav[aria-label=main] a').first().innerText(), '3D factory');
    await page.selectOption('[data-testid=language]', 'es');
    await page.waitForFunction(() => document.documentElement.lang === 'es');
    assert.equal(await page.locator('nav[aria-label=main] a').first().innerText(), 'Fábrica 3D');
    await page.reload();
    await page.waitForSelector('nav[aria-label=main] a');
    assert.equal(await page.locator('nav[aria-label=main] a').first().innerText(), 'Fábrica 3D');
    assert.equal(await page.locator('[data-testid=language]').inputValue(), 'es');
  } finally {
    await context.close();
  }
  // A browser that prefers Spanish gets Spanish from the start.
  const es = await newContext('es-MX');
  try {
    const page = await es.newPage();
    await page.goto(`${h.url}/`);
    assert.equal(await page.locator('button[type=submit]').innerText(), 'Entrar');
  } finally {
    await es.close();
  }
});

test('offline, a reload opens the cached app with the last data and says how old it is', { skip }, async () => {
  const context = await newContext();
  try {
    const page = await signIn(context, 'op', 'op-password');
    await waitForPlant(page, 12);
    await page.waitForFunction(async () => (await navigator.serviceWorker.ready).active?.state === 'activated');
    await context.setOffline(true);
    await page.reload();
    await page.waitForSelector('[data-testid=offline-banner]:not([hidden])', { timeout: 15_000 });
    assert.match(await page.locator('[data-testid=offline-banner]').innerText(), /Offline, data from \d{2}:\d{2}/);
    // The plant still shows, from the stored answers.
    await waitForPlant(page, 12);
    await page.screenshot({ path: join(SHOTS, 'offline.png') });
  } finally {
    await context.close();
  }
});

test('a token the API no longer accepts brings back the sign-in form', { skip }, async () => {
  const context = await newContext();
  try {
    const page = await signIn(context, 'op', 'op-password');
    await page.evaluate(() => {
      const store = (globalThis as unknown as { localStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void } }).localStorage;
      const session = JSON.parse(store.getItem('tw.session')!) as Record<string, unknown>;
      store.setItem('tw.session', JSON.stringify({ ...session, token: 'not-a-token' }));
    });
    await page.reload();
    await page.waitForSelector('#username');
    assert.match(await page.locator('form.login').innerText(), /session has ended/);
  } finally {
    await context.close();
  }
});

test('the app is installable: manifest, service worker and icons pass Chromium’s own check', { skip }, async () => {
  // Incognito contexts are never installable, so this one has a profile on disk.
  const profile = mkdtempSync(join(tmpdir(), 'tw-web-profile-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
  try {
    const page = await context.newPage();
    await page.goto(`${h.url}/`);
    await page.waitForFunction(async () => (await navigator.serviceWorker.ready).active?.state === 'activated');
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: unknown[] };
    assert.deepEqual(installabilityErrors, []);
    const manifest = (await cdp.send('Page.getAppManifest')) as { errors: unknown[] };
    assert.deepEqual(manifest.errors, []);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

/** The id of the active alert the rule raised on a twin (raised from the bus event, so it may take a moment). */
async function raisedOn(twinId: string, ruleId: string, token: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const open = JSON.parse((await h.call('GET', `/api/alerts?state=active&twin=${twinId}`, { token })).body) as { value: Array<{ id: string; ruleId: string }> };
    const id = open.value.find((a) => a.ruleId === ruleId)?.id;
    if (id) return id;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`rule ${ruleId} raised no alert on ${twinId}`);
}

test('a rule raises an alert from a twin change; the 3D view marks the machine; an operator acknowledges it in the UI', { skip }, async (t) => {
  const admin = await h.token('admin', 'admin-password');
  const probe = await h.call('GET', '/api/alerts?state=open', { token: admin });
  if (probe.status === 404) return t.skip('the alerts API (/api/alerts) is not served by the platform yet');
  // A rule on one machine's speed property (Machine.json: speed, a fraction of rated speed).
  const rule = { id: 'e2e-overspeed', name: 'Overspeed', severity: 'critical', scope: { twins: ['LINE-2-CNC', 'LINE-3-CNC'] }, condition: { kind: 'threshold', signal: 'speed', op: '>', value: 1.2 }, message: '{subject}: speed {value} is above 1.2' };
  const created = await h.call('POST', '/api/alerts/rules', { token: admin, body: rule });
  assert.equal(created.status, 201, created.body);
  const context = await newContext();
  try {
    const page = await signIn(context, 'op', 'op-password');
    await waitForPlant(page, 12);
    const patch = await h.call('PATCH', '/digitaltwins/LINE-2-CNC?api-version=2023-10-31', { token: admin, body: [{ op: 'add', path: '/speed', value: 1.4 }], contentType: 'application/json-patch+json' });
    assert.equal(patch.status, 204, patch.body);
    // The alert is raised from the twin.updated event; find it through the API.
    const id = await raisedOn('LINE-2-CNC', rule.id, admin);
    // The 3D view learns of it from the alert stream and marks the machine critical.
    await page.waitForFunction(() => window.__twinworks?.factory?.severityOf('LINE-2-CNC') === 'critical', undefined, { timeout: 10_000 });
    await page.screenshot({ path: join(SHOTS, 'factory-alert.png') });
    await page.goto(`${h.url}/maintenance`);
    const row = page.locator(`tr[data-alert="${id}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), /LINE-2-CNC: speed 1\.4 is above 1\.2/);
    await page.click(`[data-testid="ack-${id}"]`);
    await page.waitForSelector(`tr[data-alert="${id}"][data-state=acknowledged]`);
    assert.equal(await page.locator(`[data-testid="ack-${id}"]`).count(), 0, 'an acknowledged alert offers no second acknowledgement');
    await page.screenshot({ path: join(SHOTS, 'maintenance-ack.png') });
    const after = JSON.parse((await h.call('GET', `/api/alerts/${encodeURIComponent(id)}`, { token: admin })).body) as { state: string; acknowledgedBy?: string };
    assert.equal(after.state, 'acknowledged', 'the platform has the acknowledgement');
    assert.equal(after.acknowledgedBy, 'op', 'by the user who clicked');
    // A viewer may read alerts but not acknowledge them.
    const viewer = await h.token('viewer', 'viewer-password');
    const refused = await h.call('POST', `/api/alerts/${encodeURIComponent(id)}/resolve`, { token: viewer, body: {} });
    assert.equal(refused.status, 403);

    // Offline, an acknowledgement waits in the outbox (the banner counts it) and is sent on reconnect.
    const patch3 = await h.call('PATCH', '/digitaltwins/LINE-3-CNC?api-version=2023-10-31', { token: admin, body: [{ op: 'add', path: '/speed', value: 1.5 }], contentType: 'application/json-patch+json' });
    assert.equal(patch3.status, 204, patch3.body);
    const id3 = await raisedOn('LINE-3-CNC', rule.id, admin);
    await page.locator(`[data-testid="ack-${id3}"]`).waitFor();
    await context.setOffline(true);
    await page.click(`[data-testid="ack-${id3}"]`);
    await page.waitForSelector('[data-testid=offline-banner]:not([hidden])');
    assert.match(await page.locator('[data-testid=offline-banner]').innerText(), /1 action\(s\) waiting/);
    assert.equal(JSON.parse((await h.call('GET', `/api/alerts/${encodeURIComponent(id3)}`, { token: admin })).body).state, 'active', 'nothing reached the platform while offline');
    await context.setOffline(false);
    for (let i = 0; i < 100; i++) {
      if (JSON.parse((await h.call('GET', `/api/alerts/${encodeURIComponent(id3)}`, { token: admin })).body).state === 'acknowledged') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const sent = JSON.parse((await h.call('GET', `/api/alerts/${encodeURIComponent(id3)}`, { token: admin })).body) as { state: string; acknowledgedBy?: string };
    assert.deepEqual([sent.state, sent.acknowledgedBy], ['acknowledged', 'op'], 'the queued acknowledgement was sent on reconnect');
  } finally {
    await context.close();
    await h.call('DELETE', `/api/alerts/rules/${rule.id}`, { token: admin });
  }
});
