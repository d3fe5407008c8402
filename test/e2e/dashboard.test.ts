import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sampleDynamic, startDashboardSetup, type DashboardSetup } from '../helpers/api-e2e.js';
import {
  assertFitsPhone,
  assertOverviewCounts,
  openDashboardBrowser,
  saveScreenshot,
  skipWithoutChromium,
  type DashboardBrowser,
  type OverviewSections,
} from '../helpers/dashboard-e2e.js';
import { waitFor } from '../helpers/portier.js';

interface OverviewBody {
  http: OverviewSections;
}

/**
 * The dashboard in Debian's chromium against the real CLI: what it shows must be what the API
 * says, and a change of the watched file must reach the open page without a reload.
 */
describe('dashboard in a real browser', { skip: skipWithoutChromium }, () => {
  let setup: DashboardSetup;
  let browser: DashboardBrowser['browser'];
  let page: DashboardBrowser['page'];
  let pageErrors: string[];
  let text: DashboardBrowser['text'];

  before(async () => {
    setup = await startDashboardSetup();
    // Some traffic, so the request rate and the per-server chart have something to show.
    for (let i = 0; i < 12; i++) await (await fetch(setup.webUrl + '/app/')).text();
    ({ browser, page, pageErrors, text } = await openDashboardBrowser());
  });
  after(async () => {
    await browser?.close();
    await setup?.close();
  });

  it('redirects / to /dashboard/ and shows the overview counts the API reports', async () => {
    await page.goto(setup.apiUrl + '/');
    assert.equal(new URL(page.url()).pathname, '/dashboard/');
    await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor();
    const overview = await setup.getJson<OverviewBody>('/api/overview');
    await assertOverviewCounts(text, overview.http);
    assert.equal(overview.http.routers.errors, 1, 'the broken router counts as an error');
    // Errors first: the broken router and its fix are on the overview.
    const problems = await text('problems');
    assert.match(problems, /broken@file/);
    assert.match(problems, /the service "missing@file" does not exist/);
    assert.match(problems, /Fix: Define the service missing@file/);
  });

  it("shows a router's rule, entry points, middleware chain and service as the API does", async () => {
    const router = await setup.getJson<{ rule: string; using: string[]; service: string; middlewares: string[] }>(
      '/api/http/routers/app@file',
    );
    await page.goto(`${setup.apiUrl}/dashboard/#/routers/app%40file`);
    assert.equal(await text('object-name'), 'app@file');
    assert.equal(await text('router-rule'), router.rule);
    assert.equal(await text('router-entrypoints'), router.using.join(', '));
    // Traefik's API shows references as written (`app`); the dashboard names what they resolve to.
    assert.equal(await text('router-service'), 'app@file');
    assert.match(await text('router-chain'), /middleware\s+strip@file/);
  });

  it('shows each server with its weight and the UP/DOWN state the API reports', async () => {
    const service = await setup.getJson<{ serverStatus: Record<string, string> }>('/api/http/services/app@file');
    await page.getByTestId('router-service').click();
    await page.getByTestId('server').first().waitFor();
    const rows = await page.getByTestId('server').all();
    assert.equal(rows.length, 2);
    for (const row of rows) {
      const url = (await row.getAttribute('data-url'))!;
      assert.equal(await row.getByTestId('server-state').innerText(), service.serverStatus[url]);
    }
    assert.equal(service.serverStatus[setup.deadUrl], 'DOWN');
    assert.match(await page.getByTestId('server').filter({ hasText: setup.upstream.url }).innerText(), /\b3\b/);
  });

  it('updates the open page when the file changes, without reloading it', async () => {
    await page.goto(`${setup.apiUrl}/dashboard/#/`);
    await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor();
    // Strings run in the page (this file is type-checked without the DOM library).
    await page.evaluate('window.stillHere = true');
    const before = Number(await text('count-routers-total'));
    setup.writeDynamic(
      sampleDynamic(
        setup.upstream.url,
        setup.deadUrl,
        '    added:\n      rule: "PathPrefix(`/added`)"\n      service: app\n    typo:\n      rule: "PathPrefix(`/typo`)"\n      service: app\n      middlewares: [nope]\n',
      ),
    );
    await waitFor(async () => Number(await text('count-routers-total')) === before + 2, 5000, 'the page to update');
    const overview = await setup.getJson<OverviewBody>('/api/overview');
    assert.equal(Number(await text('count-routers-total')), overview.http.routers.total);
    assert.match(await text('count-routers-errors'), new RegExp(`^${overview.http.routers.errors} error`));
    assert.match(await text('problems'), /middleware "nope@file" does not exist/);
    assert.equal(await page.evaluate('window.stillHere'), true, 'the page was not reloaded');
  });

  it('is usable on a phone-sized screen', async () => {
    const hashes = ['#/', '#/routers', '#/routers/broken%40file', '#/services/app%40file', '#/providers'];
    await assertFitsPhone(browser, setup.apiUrl, hashes);
  });

  it('saves a screenshot of the overview', async () => {
    await page.goto(`${setup.apiUrl}/dashboard/#/`);
    await page.getByTestId('request-rate').waitFor();
    await page.waitForTimeout(300);
    await saveScreenshot(page, 'dashboard-overview.png', 'dashboard.png');
    assert.deepEqual(pageErrors, []);
  });
});
