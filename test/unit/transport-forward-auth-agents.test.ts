import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { forwardAuth } from '../../src/middlewares/forward-auth.js';
import { forwardAuthAgents } from '../../src/middlewares/forward-auth-agents.js';
import { buildMiddleware, MiddlewareHarness } from '../helpers/middlewares-harness.js';
import { waitFor } from '../helpers/proxy-harness.js';
import { makeCa, makeLeaf, type TestCert } from '../helpers/tls-certs.js';
import { startHttpsUpstream, type CountedUpstream } from '../helpers/transport-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'portier-forward-auth-tls-'));
let ca: TestCert;
let otherCa: TestCert;
let auth: CountedUpstream;
const harnesses: MiddlewareHarness[] = [];

before(async () => {
  ca = makeCa(dir);
  otherCa = makeCa(dir, 'other');
  const leaf = makeLeaf(dir, ca, 'auth', ['localhost', 'IP:127.0.0.1']);
  auth = await startHttpsUpstream({ cert: leaf.cert, key: leaf.key }, (_req, res) => res.writeHead(200).end());
});

after(async () => {
  await Promise.all(harnesses.map((h) => h.close()));
  await auth.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Builds a forwardAuth with these TLS settings, as one configuration build would, and serves it. */
async function build(tls: Record<string, unknown>): Promise<MiddlewareHarness> {
  const harness = await MiddlewareHarness.start(buildMiddleware(forwardAuth, { address: `${auth.url}/`, tls }));
  harnesses.push(harness);
  return harness;
}

test('forwardAuth TLS settings reach the auth server connection', async () => {
  assert.equal((await (await build({ ca: ca.cert })).request('/')).status, 200);
  assert.equal((await (await build({ ca: otherCa.cert })).request('/')).status, 500, 'an untrusted auth server');
});

test('agents are shared by equal settings and closed after a build that no longer has them', async () => {
  forwardAuthAgents.sweep();
  const first = await build({ ca: ca.cert });
  const twin = await build({ ca: ca.cert });
  forwardAuthAgents.sweep();
  await Promise.all([first.request('/'), twin.request('/')]);
  assert.equal(forwardAuthAgents.size, 1, 'one agent for both, none left from the previous test');

  const next = await build({ ca: ca.cert, insecureSkipVerify: true });
  forwardAuthAgents.sweep();
  assert.equal((await next.request('/')).status, 200);
  assert.equal(forwardAuthAgents.size, 1, "the first build's agent was closed");

  // A middleware of an older configuration still works: it gets a fresh agent…
  assert.equal((await first.request('/')).status, 200);
  assert.equal(forwardAuthAgents.size, 2);
  // …which the next build without it closes again.
  await build({ ca: ca.cert, insecureSkipVerify: true });
  forwardAuthAgents.sweep();
  assert.equal(forwardAuthAgents.size, 1);
});

test('a build without any TLS forwardAuth closes the last agent and its connection', async () => {
  const last = await build({ ca: ca.cert });
  forwardAuthAgents.sweep();
  assert.equal((await last.request('/')).status, 200);
  assert.equal(forwardAuthAgents.size, 1);
  await waitFor(() => auth.open === 1); // the agent keeps its connection to the auth server

  forwardAuthAgents.sweep();
  assert.equal(forwardAuthAgents.size, 0);
  await waitFor(() => auth.open === 0);
});
