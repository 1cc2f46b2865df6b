/**
 * Shared by the browser tests: one harness (build + platform) and one chromium per test file,
 * sign-in, waiting for the 3D plant, and the scene probe's shape.
 */
import { after, before } from 'node:test';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, startHarness, type Harness } from './harness.js';

/** What `window.__twinworks.factory` offers (web/src/views/factory/scene.ts SceneInfo + layout). */
export interface FactoryProbe {
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

export const skip = existsSync(CHROMIUM) ? false : `no chromium at ${CHROMIUM}: apt-get install -y chromium, or set TWINWORKS_CHROMIUM`;
export const SHOTS = process.env['TWINWORKS_SCREENSHOTS'] ?? join(tmpdir(), 'twinworks-screenshots');

export interface BrowserSuite {
  readonly h: Harness;
  readonly browser: Browser;
  signIn(context: BrowserContext, username: string, password: string): Promise<Page>;
  waitForPlant(page: Page, machines: number): Promise<void>;
  newContext(locale?: string): Promise<BrowserContext>;
}

/** Registers the file's before/after hooks; the harness and browser exist once `before` ran. */
export function browserSuite(): BrowserSuite {
  let h: Harness | undefined;
  let browser: Browser | undefined;
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
  const suite: BrowserSuite = {
    get h() {
      if (!h) throw new Error('the harness is not started');
      return h;
    },
    get browser() {
      if (!browser) throw new Error('the browser is not started');
      return browser;
    },
    async signIn(context, username, password) {
      const page = await context.newPage();
      await page.goto(`${suite.h.url}/`);
      await page.fill('#username', username);
      await page.fill('#password', password);
      await page.click('button[type=submit]');
      await page.waitForSelector('nav[aria-label=main] a');
      return page;
    },
    async waitForPlant(page, machines) {
      await page.waitForFunction((n) => window.__twinworks?.factory?.machines === n && (window.__twinworks.factory.frames ?? 0) > 2, machines, { timeout: 20_000 });
    },
    newContext: (locale = 'en-GB') => suite.browser.newContext({ locale, viewport: { width: 1280, height: 800 } }),
  };
  return suite;
}
