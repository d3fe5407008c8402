import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createConnection, createServer, type AddressInfo, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  assertFitsPhone,
  assertOverviewCounts,
  startDashboardSession,
  saveScreenshot,
  skipWithoutChromium,
  type DashboardBrowser,
  type DashboardSession,
  type OverviewSections,
} from '../helpers/dashboard-e2e.js';
import { freePort, waitFor } from '../helpers/portier.js';

interface TcpRouterBody {
  rule: string;
  using: string[];
  service: string;
  middlewares?: string[];
  tls?: { passthrough?: boolean };
}

/** A TCP server that answers each chunk with `echo:<chunk>`. */
async function startTcpEcho(): Promise<{ server: Server; address: string }> {
  const server = createServer((socket) => socket.on('data', (chunk) => socket.write(`echo:${chunk.toString()}`)));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, address: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Sends some text over a plain TCP connection and returns the first answer. */
async function exchange(port: number, text: string): Promise<string> {
  const socket = createConnection({ host: '127.0.0.1', port });
  try {
    socket.write(text);
    const [data] = (await once(socket, 'data', { signal: AbortSignal.timeout(3000) })) as [Buffer];
    return data.toString();
  } finally {
    socket.destroy();
  }
}

/**
 * A plain TCP router to the echo server (through an ipAllowList), a passthrough router by SNI, a
 * weighted service, and one router with a typo in its keys: the provider reports the key, the
 * router is listed disabled.
 */
function tcpDynamic(echo: string, extraServers: string[] = [], extraRouters = ''): string {
  const servers = [echo, ...extraServers].map((address) => `          - address: "${address}"`).join('\n');
  return `tcp:
  routers:
    echo:
      rule: "HostSNI(\`*\`)"
      entryPoints: [tcp]
      service: echo
      middlewares: [local]
    secure:
      rule: "HostSNI(\`db.localhost\`)"
      entryPoints: [tcp]
      service: split
      tls:
        passthrough: true
    broken:
      rule: "HostSNI(\`broken.localhost\`)"
      entryPoints: [tcp]
      servce: echo
${extraRouters}
  middlewares:
    local:
      ipAllowList:
        sourceRange: ["127.0.0.1/32"]
  services:
    echo:
      loadBalancer:
        servers:
${servers}
    split:
      weighted:
        services:
          - name: echo
            weight: 2
`;
}

describe('TCP pages of the dashboard in a real browser', { skip: skipWithoutChromium }, () => {
  let echo: Awaited<ReturnType<typeof startTcpEcho>>;
  let session: DashboardSession;
  let page: DashboardBrowser['page'];
  let tcpPort: number;

  before(async () => {
    echo = await startTcpEcho();
    const webPort = await freePort();
    tcpPort = await freePort();
    session = await startDashboardSession(
      `  web:
    address: "127.0.0.1:${webPort}"
  tcp:
    address: "127.0.0.1:${tcpPort}"`,
      tcpDynamic(echo.address),
    );
    ({ page } = session);
  });
  after(async () => {
    await session?.close();
    await new Promise((done) => echo?.server.close(done));
  });

  it('routes a plain connection through the HostSNI(`*`) router to the echo server', async () => {
    assert.equal(await exchange(tcpPort, 'ping'), 'echo:ping');
  });

  it('shows the TCP counts the API reports next to the HTTP ones, and the broken router with its key', async () => {
    await session.open('#/');
    await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor();
    const overview = await session.getJson<{ http: OverviewSections; tcp: OverviewSections }>('/api/overview');
    assert.deepEqual(overview.tcp.routers, { total: 3, warnings: 0, errors: 1 });
    await assertOverviewCounts(session.text, overview.http);
    await assertOverviewCounts(session.text, overview.tcp, { prefix: 'tcp-' });
    const problems = await session.text('problems');
    assert.match(problems, /tcp router\s+broken@file/i);
    assert.match(problems, /unknown key "servce" \(did you mean "service"\?\)/);
    assert.match(problems, /key tcp\.routers\.broken\.servce/);
    // The router's two errors and the provider's two issues are one misspelt key: one problem, on the
    // TCP router's page by its qualified name.
    const links = await page
      .getByTestId('problems')
      .locator('.problem-head a')
      .evaluateAll((anchors) => anchors.map((a) => a.getAttribute('href')));
    assert.deepEqual(links, ['#/tcp/routers/broken%40file']);
  });

  it("shows a TCP router's rule, entry points, middlewares, service and TLS as the API does", async () => {
    const router = await session.getJson<TcpRouterBody>('/api/tcp/routers/echo@file');
    await session.open('#/tcp/routers/echo%40file');
    assert.equal(await session.text('object-name'), 'echo@file');
    assert.equal(await session.text('router-rule'), router.rule);
    assert.equal(await session.text('router-entrypoints'), router.using.join(', '));
    // Traefik's API shows references as written (`echo`); the dashboard names what they resolve to.
    assert.equal(await session.text('router-service'), 'echo@file');
    assert.match(await session.text('router-chain'), /middleware\s+local@file/);
    assert.equal(await page.getByTestId('router-tls').count(), 0, 'a plain router has no TLS field');

    const secure = await session.getJson<TcpRouterBody>('/api/tcp/routers/secure@file');
    assert.equal(secure.tls?.passthrough, true);
    await session.open('#/tcp/routers/secure%40file');
    assert.match(await session.text('router-tls'), /^passthrough/);

    const broken = await session.getJson<{ error: string[] }>('/api/tcp/routers/broken@file');
    await session.open('#/tcp/routers/broken%40file');
    const errors = await session.text('errors');
    for (const error of broken.error) assert.ok(errors.includes(error), `the page shows "${error}"`);
  });

  it("links a TCP router to its service's servers and weighted children, and a middleware to its users", async () => {
    await session.open('#/tcp/routers/echo%40file');
    await page.getByTestId('router-service').click();
    await page.getByTestId('server').first().waitFor();
    assert.equal(new URL(page.url()).hash, '#/tcp/services/echo%40file');
    const service = await session.getJson<{ loadBalancer: { servers: { address: string }[] } }>(
      '/api/tcp/services/echo@file',
    );
    const shown = await page.getByTestId('server').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-url')));
    assert.deepEqual(
      shown,
      service.loadBalancer.servers.map((s) => s.address),
    );

    await session.open('#/tcp/services/split%40file');
    assert.match(await session.text('child-service'), /echo@file\s+weight 2/);
    await page.getByTestId('child-service').locator('a').click();
    await page.getByTestId('server').first().waitFor();

    await session.open('#/tcp/middlewares/local%40file');
    assert.match(await session.text('middleware-settings'), /127\.0\.0\.1\/32/);
    assert.equal(await page.locator('.links a').first().getAttribute('href'), '#/tcp/routers/echo%40file');
  });

  it('lists TCP routers broken first, and finds TCP objects in the search', async () => {
    await session.open('#/tcp/routers');
    const names = await page.getByTestId('row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')));
    const api = await session.getJson<{ name: string }[]>('/api/tcp/routers');
    assert.deepEqual([...names].sort(), api.map((r) => r.name).sort());
    assert.equal(names[0], 'broken@file');
    assert.match(await page.getByTestId('row').filter({ hasText: 'secure@file' }).innerText(), /passthrough/);
    await page.getByTestId('tab-services').click();
    await page.getByTestId('row').filter({ hasText: 'split@file' }).waitFor();

    await page.getByRole('search').getByRole('searchbox').fill('db.localhost');
    await page.getByRole('search').getByRole('searchbox').press('Enter');
    assert.match(await session.text('results-tcp-routers'), /secure@file/);
  });

  it('updates open TCP pages when the file changes, without reloading them', async () => {
    await session.open('#/tcp/services/echo%40file');
    await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor();
    await page.evaluate('window.stillHere = true');
    const extra = '127.0.0.1:1';
    session.writeDynamic(
      tcpDynamic(
        echo.address,
        [extra],
        '    added:\n      rule: "HostSNI(`added.localhost`)"\n      entryPoints: [tcp]\n      service: echo\n      tls: {}\n',
      ),
    );
    await waitFor(async () => (await page.getByTestId('server').count()) === 2, 5000, 'the second server to show');
    assert.equal(await page.getByTestId('server').last().getAttribute('data-url'), extra);

    await page.evaluate("window.location.hash = '#/'");
    const overview = await session.getJson<{ tcp: OverviewSections }>('/api/overview');
    assert.equal(overview.tcp.routers.total, 4);
    await waitFor(
      async () => Number(await session.text('count-tcp-routers-total')) === 4,
      5000,
      'the TCP count to update',
    );
    assert.equal(await page.evaluate('window.stillHere'), true, 'the page was not reloaded');
  });

  it('saves a screenshot of the TCP routers', async () => {
    await session.open('#/tcp/routers');
    await page.getByTestId('row').first().waitFor();
    // Hash changes keep the document: drop the earlier search's focus and hover from the picture.
    await page.evaluate('document.activeElement.blur()');
    await page.mouse.move(0, 600);
    await saveScreenshot(page, 'dashboard-tcp.png', 'dashboard-tcp.png');
  });

  it('is usable on a phone-sized screen', async () => {
    await assertFitsPhone(session.browser, session.apiUrl, [
      '#/',
      '#/tcp/routers',
      '#/tcp/routers/secure%40file',
      '#/tcp/services/echo%40file',
      '#/tcp/middlewares/local%40file',
    ]);
    assert.deepEqual(session.pageErrors, []);
  });
});
