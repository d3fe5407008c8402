import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { CHROMIUM, launchBrowser } from './api-browser.js';
import { freePort, startPortier, tempDir, type RunningPortier } from './portier.js';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * The `skip` option of a dashboard suite: skipped only in a hand run without Chromium; under CI a
 * missing browser must fail, not pass silently.
 */
export const skipWithoutChromium =
  !existsSync(CHROMIUM) && !process.env.CI && `${CHROMIUM} is missing (npm test installs it)`;

export type OverviewKind = 'routers' | 'services' | 'middlewares';

/** One count card of `/api/overview`. */
export interface OverviewSection {
  total: number;
  warnings: number;
  errors: number;
}

export type OverviewSections = Record<OverviewKind, OverviewSection>;

export interface DashboardBrowser {
  browser: Awaited<ReturnType<typeof launchBrowser>>;
  page: Page;
  /** Uncaught errors of the page's scripts: a suite ends by asserting there were none. */
  pageErrors: string[];
  /** The text of the first element with this test id. */
  text: (testid: string) => Promise<string>;
}

/** Chromium with one page open, its script errors collected. */
export async function openDashboardBrowser(): Promise<DashboardBrowser> {
  const browser = await launchBrowser();
  const page = await browser.context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { browser, page, pageErrors, text: (testid) => page.getByTestId(testid).first().innerText() };
}

/** Portier serving its dashboard, and a browser to look at it. */
export interface DashboardSession extends DashboardBrowser {
  portier: RunningPortier;
  /** Holds portier.yml and the watched dynamic.yml. */
  dir: string;
  apiUrl: string;
  /** The API's JSON answer for a path such as `/api/overview`. */
  getJson<T>(path: string): Promise<T>;
  /** Opens a dashboard page (`#/udp/routers`…) and waits until it shows. */
  open(hash: string): Promise<void>;
  /** Replaces the watched dynamic.yml. */
  writeDynamic(yaml: string): void;
  /** Closes the browser, stops Portier and removes `dir`. */
  close(): Promise<void>;
}

/**
 * Starts Portier with the given entry points (YAML lines under `entryPoints:`), the insecure API
 * on a `traefik` entry point of its own, and `dynamic` in a watched file, then opens a browser.
 */
export async function startDashboardSession(entryPoints: string, dynamic: string): Promise<DashboardSession> {
  const apiUrl = `http://127.0.0.1:${await freePort()}`;
  const dir = tempDir({
    'portier.yml': `entryPoints:
${entryPoints}
  traefik:
    address: "${apiUrl.slice('http://'.length)}"
api:
  insecure: true
providers:
  providersThrottleDuration: 10ms
  file:
    filename: dynamic.yml
    watch: true
`,
    'dynamic.yml': dynamic,
  });
  const portier = await startPortier(['-c', join(dir, 'portier.yml')], { readyPattern: /portier started/ });
  const browser = await openDashboardBrowser();
  return {
    ...browser,
    portier,
    dir,
    apiUrl,
    getJson: async <T>(path: string) => (await (await fetch(apiUrl + path)).json()) as T,
    open: async (hash) => {
      await browser.page.goto(`${apiUrl}/dashboard/${hash}`);
      await browser.page.locator('.page').first().waitFor();
    },
    writeDynamic: (yaml) => writeFileSync(join(dir, 'dynamic.yml'), yaml),
    close: async () => {
      await browser.browser.close();
      await portier.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The overview's count cards `count-<prefix><kind>-…` show the totals, warnings and errors the API
 * reports. The kinds are named by the caller, not read from the answer, so a section missing from
 * `/api/overview` fails instead of being checked less (UDP passes `['routers', 'services']`).
 */
export async function assertOverviewCounts(
  text: DashboardBrowser['text'],
  sections: Partial<Record<OverviewKind, OverviewSection>>,
  { prefix = '', kinds = ['routers', 'services', 'middlewares'] }: { prefix?: string; kinds?: OverviewKind[] } = {},
): Promise<void> {
  for (const kind of kinds) {
    const id = `count-${prefix}${kind}`;
    const section = sections[kind];
    assert.ok(section, `/api/overview has a ${prefix}${kind} section`);
    assert.equal(Number(await text(`${id}-total`)), section.total, `${id} total`);
    assert.match(await text(`${id}-warnings`), new RegExp(`^${section.warnings} warning`));
    assert.match(await text(`${id}-errors`), new RegExp(`^${section.errors} error`));
  }
}

/** Each dashboard page (`hashes`) fits a phone's width without horizontal scrolling. */
export async function assertFitsPhone(browser: DashboardBrowser['browser'], apiUrl: string, hashes: string[]) {
  const phone = await browser.context.newPage();
  try {
    await phone.setViewportSize({ width: 390, height: 844 });
    for (const hash of hashes) {
      await phone.goto(`${apiUrl}/dashboard/${hash}`);
      await phone.getByTestId('connection').filter({ hasText: 'Live' }).waitFor();
      await phone.locator('.page').first().waitFor();
      const width = await phone.evaluate<number>('document.documentElement.scrollWidth');
      assert.ok(width <= 390, `${hash}: no horizontal scrolling (page is ${width}px wide)`);
    }
  } finally {
    await phone.close();
  }
}

/**
 * Saves the page to `test/artifacts/<artifact>`; the docs' picture `docs/<docsPicture>` is
 * refreshed on purpose only, with `UPDATE_DOCS_SCREENSHOT=1`.
 */
export async function saveScreenshot(page: Page, artifact: string, docsPicture: string): Promise<void> {
  const path = resolve(ROOT, 'test/artifacts', artifact);
  mkdirSync(resolve(ROOT, 'test/artifacts'), { recursive: true });
  await page.screenshot({ path, fullPage: true });
  assert.ok(existsSync(path));
  if (process.env.UPDATE_DOCS_SCREENSHOT) copyFileSync(path, resolve(ROOT, 'docs', docsPicture));
}
