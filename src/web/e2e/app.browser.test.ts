/**
 * The app in a real browser (Debian's chromium through playwright-core) against the platform
 * started in-process: sign-in, the 3D plant, live colour change, the machine panel by mouse and by
 * keyboard, role limits, phone width, Spanish, offline reload, installability. Skips when chromium
 * is absent. Commands and alerts: actions.browser.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM } from './harness.js';
import { browserSuite, SHOTS, skip, type FactoryProbe } from './browser.js';

// The page globals these tests read inside page.evaluate (the root tsconfig has no DOM library).
declare const window: { __twinworks?: { factory?: FactoryProbe } };
declare const document: { documentElement: { lang: string } };
declare const navigator: { serviceWorker: { ready: Promise<{ active: { state: string } | null }> } };

const suite = browserSuite();
const { signIn, waitForPlant, newContext } = suite;

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
    const admin = await suite.h.token('admin', 'admin-password');
    const res = await suite.h.call('PATCH', '/digitaltwins/LINE-2-ROBOT?api-version=2023-10-31', { token: admin, body: [{ op: 'replace', path: '/state', value: 'down' }], contentType: 'application/json-patch+json' });
    assert.equal(res.status, 204, res.body);
    // Fault is red #d64541; the live stream delivers the change (no polling in the app).
    await page.waitForFunction(() => window.__twinworks?.factory?.colorOf('LINE-2-ROBOT') === '#d64541', undefined, { timeout: 10_000 });
    const list = await page.locator('button.machine[data-id="LINE-2-ROBOT"]').innerText();
    assert.match(list, /Fault/, 'the list says the state in words too');
    const running = await suite.h.call('PATCH', '/digitaltwins/LINE-1-CNC?api-version=2023-10-31', { token: admin, body: [{ op: 'replace', path: '/state', value: 'running' }], contentType: 'application/json-patch+json' });
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
    await page.goto(`${suite.h.url}/factory?machine=LINE-1-ROBOT`);
    await page.waitForSelector('[data-testid=machine-panel]');
    assert.equal(await page.locator('[data-testid=estop]').count(), 0, 'a viewer sees no command buttons');
    assert.equal(await page.locator('[data-testid=commands] button').count(), 0);
  } finally {
    await viewerContext.close();
  }
  const viewer = await suite.h.token('viewer', 'viewer-password');
  const patch = await suite.h.call('PATCH', '/digitaltwins/LINE-1-ROBOT?api-version=2023-10-31', { token: viewer, body: [{ op: 'replace', path: '/state', value: 'plannedStop' }], contentType: 'application/json-patch+json' });
  assert.equal(patch.status, 403, 'the API refuses a viewer’s twin write');
  const command = await suite.h.call('POST', '/api/twins/LINE-1-ROBOT/commands/emergencyStop', { token: viewer });
  assert.equal(command.status, 403, `the API refuses a viewer's command: ${command.status} ${command.body}`);
});

test('on a phone the 3D view, its panel and the line view fit the screen width', { skip }, async () => {
  const context = await suite.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'en-GB' });
  try {
    const page = await signIn(context, 'op', 'op-password');
    await page.goto(`${suite.h.url}/factory?machine=LINE-2-ROBOT`);
    await waitForPlant(page, 12);
    await page.waitForSelector('[data-testid=machine-panel]');
    const overflow = () => page.evaluate(() => {
      const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
      return d.scrollWidth - d.clientWidth;
    });
    assert.equal(await overflow(), 0, 'no sideways scrolling on the 3D view');
    await page.screenshot({ path: join(SHOTS, 'phone-factory.png'), fullPage: true });
    await page.goto(`${suite.h.url}/line`);
    await page.waitForSelector('.flow .station');
    assert.equal(await overflow(), 0, 'no sideways scrolling on the line view');
    await page.screenshot({ path: join(SHOTS, 'phone-line.png'), fullPage: true });
  } finally {
    await context.close();
  }
});

test('the twin explorer: a query as table and graph, and an edit sent as JSON Patch that the API keeps', { skip }, async () => {
  const context = await newContext();
  try {
    const page = await signIn(context, 'admin', 'admin-password');
    await page.goto(`${suite.h.url}/explorer`);
    await page.fill('[data-testid=query-text]', "SELECT L, M FROM DIGITALTWINS L JOIN M RELATED L.contains WHERE L.$dtId = 'LINE-2'");
    await page.click('form.query button[type=submit]');
    await page.waitForSelector('[data-testid=query-table] tbody tr');
    // LINE-2 contains its four machines: four rows, and the graph has the line and its machines.
    assert.equal(await page.locator('[data-testid=query-table] tbody tr').count(), 4);
    assert.equal(await page.locator('svg.graph circle').count(), 5);
    // Projected twins show as their ids.
    assert.deepEqual((await page.locator('[data-testid=query-table] tbody tr td:nth-child(2)').allInnerTexts()).sort(), ['LINE-2-CNC', 'LINE-2-CONVEYOR', 'LINE-2-QC', 'LINE-2-ROBOT']);
    await page.click('button.link:text-is("LINE-1-QC")');
    const area = page.locator('[data-testid=twin-json]');
    await area.waitFor();
    const doc = JSON.parse(await area.inputValue()) as Record<string, unknown>;
    await area.fill(JSON.stringify({ ...doc, speed: 0.75 }, null, 2));
    await page.click('button:text-is("Save changes")');
    await page.waitForFunction(() => /Saved 1 change/.test((globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }).document.querySelector('[data-testid=twin-status]')?.textContent ?? ''));
    const twin = JSON.parse((await suite.h.call('GET', '/digitaltwins/LINE-1-QC?api-version=2023-10-31', { token: await suite.h.token('admin', 'admin-password') })).body) as { speed: number };
    assert.equal(twin.speed, 0.75);
    await page.screenshot({ path: join(SHOTS, 'explorer.png'), fullPage: true });
  } finally {
    await context.close();
  }
});

test('a viewer lands on the executive view: OEE of the plant and each line, the trend, and each figure’s method', { skip }, async () => {
  const context = await newContext();
  try {
    const page = await signIn(context, 'viewer', 'viewer-password');
    assert.equal(new URL(page.url()).pathname, '/executive');
    const rows = page.locator('.oee-table tbody tr th');
    await rows.first().waitFor();
    assert.deepEqual(await rows.allInnerTexts(), ['Plant', 'LINE-1', 'LINE-2', 'LINE-3']);
    // The trend is drawn (or says there is no data), never left loading; methods stand beside figures.
    await page.waitForSelector('.trend .uplot, .trend .placeholder:not(.loading)', { timeout: 60_000 });
    assert.ok((await page.locator('.costs .kpi .method').count()) >= 5, 'every cost figure shows its method');
    await page.screenshot({ path: join(SHOTS, 'executive.png'), fullPage: true });
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
    await page.goto(`${suite.h.url}/`);
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
    await page.goto(`${suite.h.url}/`);
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
