import assert from 'node:assert/strict';
import type { Socket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import {
  assertFitsPhone,
  assertOverviewCounts,
  startDashboardSession,
  skipWithoutChromium,
  type DashboardBrowser,
  type DashboardSession,
  type OverviewSection,
} from '../helpers/dashboard-e2e.js';
import { freePort, waitFor } from '../helpers/portier.js';
import { startUdpEcho, udpClient, udpExchange, type UdpEcho } from '../helpers/udp-echo.js';

type UdpSections = Record<'routers' | 'services', OverviewSection>;

interface UdpRouterBody {
  name: string;
  using: string[];
  service: string;
  status: string;
  error?: string[];
}

/**
 * A UDP router to the echo server, one pointing at a service nobody defined, one with a misspelt
 * `service` key (the provider reports the key, the router is listed disabled), and a weighted
 * service. `nowhere` is defined when `fixed` is set.
 */
function udpDynamic(echoPort: number, fixed = false): string {
  const nowhere = fixed
    ? `    nowhere:\n      loadBalancer:\n        servers:\n          - address: "127.0.0.1:${echoPort}"\n`
    : '';
  return `udp:
  routers:
    good:
      entryPoints: [dns]
      service: echo
    lost:
      entryPoints: [syslog]
      service: nowhere
    typo:
      entryPoints: [spare]
      servce: echo
  services:
    echo:
      loadBalancer:
        servers:
          - address: "127.0.0.1:${echoPort}"
    split:
      weighted:
        services:
          - name: echo
            weight: 2
${nowhere}`;
}

describe('UDP pages of the dashboard in a real browser', { skip: skipWithoutChromium }, () => {
  let echo: UdpEcho;
  let client: Socket;
  let session: DashboardSession;
  let page: DashboardBrowser['page'];
  let dnsPort: number;
  const rowNames = () => page.getByTestId('row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')));
  const problemLinks = () =>
    page
      .getByTestId('problems')
      .locator('.problem-head a')
      .evaluateAll((anchors) => anchors.map((a) => a.getAttribute('href')));

  before(async () => {
    echo = await startUdpEcho('echo');
    client = await udpClient();
    const [webPort, syslogPort, sparePort] = await Promise.all([freePort(), freePort(), freePort()]);
    dnsPort = await freePort();
    session = await startDashboardSession(
      `  web:
    address: "127.0.0.1:${webPort}"
  dns:
    address: "127.0.0.1:${dnsPort}/udp"
  syslog:
    address: "127.0.0.1:${syslogPort}/udp"
  spare:
    address: "127.0.0.1:${sparePort}/udp"`,
      udpDynamic(echo.port),
    );
    ({ page } = session);
  });
  after(async () => {
    await session?.close();
    client?.close();
    await echo?.close();
  });

  it('routes a datagram through the good UDP router to the echo server', async () => {
    assert.match(await udpExchange(client, dnsPort, 'ping'), /^echo:\d+:ping$/);
  });

  it('shows the UDP counts the API reports, and each broken router once among the problems', async () => {
    await session.open('#/');
    await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor();
    const overview = await session.getJson<{ udp: UdpSections }>('/api/overview');
    assert.deepEqual(overview.udp.routers, { total: 3, warnings: 0, errors: 2 });
    assert.deepEqual(overview.udp.services, { total: 2, warnings: 0, errors: 0 });
    await assertOverviewCounts(session.text, overview.udp, { prefix: 'udp-', kinds: ['routers', 'services'] });
    assert.equal(await page.getByTestId('count-udp-middlewares').count(), 0, 'UDP has no middlewares');

    // The API reports the typo four times (two router errors, two provider issues): it is one mistake.
    const typo = await session.getJson<UdpRouterBody>('/api/udp/routers/typo@file');
    assert.equal(typo.error?.length, 2);
    assert.equal(await session.text('problem-count'), '2 problems');
    assert.deepEqual((await problemLinks()).sort(), ['#/udp/routers/lost%40file', '#/udp/routers/typo%40file']);

    const lost = await session.getJson<UdpRouterBody>('/api/udp/routers/lost@file');
    const lostProblem = page.getByTestId('problem').filter({ hasText: 'lost@file' });
    assert.match(await lostProblem.innerText(), /UDP router\s+lost@file/i);
    assert.ok((await lostProblem.innerText()).includes(lost.error![0]!));
    assert.match(await lostProblem.innerText(), /Fix: Define the UDP service nowhere@file/);

    const typoProblem = await page.getByTestId('problem').filter({ hasText: 'typo@file' }).innerText();
    assert.match(typoProblem, /unknown key "servce" \(did you mean "service"\?\)/);
    assert.match(typoProblem, /key udp\.routers\.typo\.servce/);
    assert.match(typoProblem, /udp\.routers\.typo\.service: is required/);
    assert.match(typoProblem, /Fix: Rename the key servce to service/);
  });

  it('lists UDP routers broken first with their entry points, service and error, as the API does', async () => {
    await session.open('#/udp/routers');
    const api = await session.getJson<UdpRouterBody[]>('/api/udp/routers');
    const names = await rowNames();
    assert.deepEqual([...names].sort(), api.map((r) => r.name).sort());
    assert.deepEqual(names.slice(0, 2).sort(), ['lost@file', 'typo@file'], 'broken routers come first');
    const good = api.find((r) => r.name === 'good@file')!;
    const goodRow = await page.getByTestId('row').filter({ hasText: 'good@file' }).innerText();
    assert.ok(goodRow.includes(good.using.join(', ')) && goodRow.includes(good.service));
    const lost = api.find((r) => r.name === 'lost@file')!;
    assert.equal(
      await page.getByTestId('row').filter({ hasText: 'lost@file' }).getByTestId('row-error').innerText(),
      lost.error![0],
    );
    assert.equal(await page.locator('th', { hasText: 'Rule' }).count(), 0, 'UDP routers have no rule');
    assert.equal(await page.getByTestId('tab-middlewares').count(), 0);
  });

  it("shows a UDP router's entry points, service and errors, and links to the service's servers", async () => {
    const router = await session.getJson<UdpRouterBody>('/api/udp/routers/good@file');
    await session.open('#/udp/routers/good%40file');
    assert.equal(await session.text('object-name'), 'good@file');
    assert.equal(await session.text('router-entrypoints'), router.using.join(', '));
    assert.equal(await session.text('router-service'), 'echo@file');
    assert.equal(await page.getByTestId('router-rule').count(), 0);

    await page.getByTestId('router-service').click();
    await page.getByTestId('server').first().waitFor();
    assert.equal(new URL(page.url()).hash, '#/udp/services/echo%40file');
    const service = await session.getJson<{ loadBalancer: { servers: { address: string }[] } }>(
      '/api/udp/services/echo@file',
    );
    const shown = await page.getByTestId('server').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-url')));
    assert.deepEqual(
      shown,
      service.loadBalancer.servers.map((s) => s.address),
    );

    const lost = await session.getJson<UdpRouterBody>('/api/udp/routers/lost@file');
    await session.open('#/udp/routers/lost%40file');
    const errors = await session.text('errors');
    for (const error of lost.error!) assert.ok(errors.includes(error), `the page shows "${error}"`);
  });

  it('lists UDP services with their type and servers, and weighted children', async () => {
    await session.open('#/udp/services');
    const api = await session.getJson<{ name: string }[]>('/api/udp/services');
    assert.deepEqual((await rowNames()).sort(), api.map((s) => s.name).sort());
    assert.match(await page.getByTestId('row').filter({ hasText: 'split@file' }).innerText(), /weighted/);
    await page.getByTestId('row').filter({ hasText: 'split@file' }).locator('a').click();
    await page.getByTestId('child-service').waitFor();
    assert.match(await session.text('child-service'), /echo@file\s+weight 2/);
  });

  it('finds UDP routers by their service and UDP services by name in the search', async () => {
    await session.open('#/');
    await page.getByRole('search').getByRole('searchbox').fill('nowhere');
    await page.getByRole('search').getByRole('searchbox').press('Enter');
    assert.match(await session.text('results-udp-routers'), /lost@file/);
    await page.getByRole('search').getByRole('searchbox').fill('split');
    await page.getByRole('search').getByRole('searchbox').press('Enter');
    assert.match(await session.text('results-udp-services'), /split@file/);
  });

  it('updates open UDP pages when the file changes, without reloading them', async () => {
    await session.open('#/udp/routers/lost%40file');
    await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor();
    await page.evaluate('window.stillHere = true');
    session.writeDynamic(udpDynamic(echo.port, true));
    const badge = page.locator('.page-head [data-status]');
    await waitFor(async () => (await badge.getAttribute('data-status')) === 'enabled', 5000, 'the router to be OK');
    assert.equal(await page.getByTestId('errors').count(), 0);

    await page.evaluate("window.location.hash = '#/'");
    const overview = await session.getJson<{ udp: UdpSections }>('/api/overview');
    assert.deepEqual(overview.udp.services, { total: 3, warnings: 0, errors: 0 });
    await waitFor(
      async () => Number(await session.text('count-udp-services-total')) === 3,
      5000,
      'the UDP count to update',
    );
    await assertOverviewCounts(session.text, overview.udp, { prefix: 'udp-', kinds: ['routers', 'services'] });
    assert.deepEqual(await problemLinks(), ['#/udp/routers/typo%40file']);
    assert.equal(await page.evaluate('window.stillHere'), true, 'the page was not reloaded');
  });

  it('is usable on a phone-sized screen', async () => {
    await assertFitsPhone(session.browser, session.apiUrl, [
      '#/',
      '#/udp/routers',
      '#/udp/routers/typo%40file',
      '#/udp/services/split%40file',
    ]);
    assert.deepEqual(session.pageErrors, []);
  });
});
