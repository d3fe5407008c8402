import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { waitFor } from '../helpers/portier.js';
import { send } from '../helpers/proxy-harness.js';
import { makeCa, makeLeaf, type TestCert } from '../helpers/tls-certs.js';
import { startHttpsUpstream, transportRig, type CountedUpstream } from '../helpers/transport-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'portier-transport-rotation-'));
let ca: TestCert;
let otherCa: TestCert;
let serverLeaf: TestCert;
const upstreams: CountedUpstream[] = [];
const rig = transportRig();

before(() => {
  ca = makeCa(dir);
  otherCa = makeCa(dir, 'other');
  serverLeaf = makeLeaf(dir, ca, 'local', ['localhost', 'IP:127.0.0.1']);
});

after(async () => {
  await Promise.all(upstreams.map((u) => u.close()));
  await rig.close();
  rmSync(dir, { recursive: true, force: true });
});

async function upstream(...args: Parameters<typeof startHttpsUpstream>): Promise<CountedUpstream> {
  const started = await startHttpsUpstream(...args);
  upstreams.push(started);
  return started;
}

/** Replaces a file the way secrets are rotated: a new file renamed over the old one. */
function replace(path: string, content: string): void {
  writeFileSync(`${path}.new`, content);
  renameSync(`${path}.new`, path);
}

test('a rootCAs file replaced on disk is read again within seconds, and at once by the next build', async () => {
  const backend = await upstream({ cert: serverLeaf.cert, key: serverLeaf.key });
  const trust = join(dir, 'trust.crt');
  replace(trust, otherCa.cert);
  const services = { 'app@file': { loadBalancer: { servers: [{ url: backend.url }], serversTransport: 'rotating' } } };
  const transports = { 'rotating@file': { rootCAs: [trust] } };
  const first = await rig.apply(services, transports);
  assert.equal((await send(first['app@file']!.url!)).status, 502, 'the server is not signed by the CA in the file');

  replace(trust, ca.cert);
  await waitFor(async () => (await send(first['app@file']!.url!)).status === 200, 6000, 'the new CA without a rebuild');
  assert.equal(backend.open, 1, 'the trusted connection is kept alive');

  // Synchronously after the replacement, so that the build, not the periodic check, sees it.
  replace(trust, otherCa.cert);
  const second = rig.apply(services, transports);
  assert.equal((await send((await second)['app@file']!.url!)).status, 502, 'the build read the file again');
  await waitFor(() => backend.open === 0, 3000, 'the connection made with the old CA to close');
});

test('rotated client certificate files are presented on new connections; an unreadable file keeps the old ones', async () => {
  const backend = await upstream({
    cert: serverLeaf.cert,
    key: serverLeaf.key,
    ca: ca.cert,
    requestCert: true,
    rejectUnauthorized: true,
  });
  const certFile = join(dir, 'client.pem');
  const keyFile = join(dir, 'client-key.pem');
  const before = makeLeaf(dir, ca, 'client-before', ['client-before'], true);
  replace(certFile, before.cert);
  replace(keyFile, before.key);
  const services = { 'mtls@file': { loadBalancer: { servers: [{ url: backend.url }], serversTransport: 'mtls' } } };
  const transports = { 'mtls@file': { rootCAs: [ca.cert], certificates: [{ certFile, keyFile }] } };
  const proxies = await rig.apply(services, transports);
  const url = proxies['mtls@file']!.url!;
  assert.equal((await send(url)).status, 200);
  assert.equal(backend.seen.at(-1)?.clientCn, 'client-before');

  const rotated = makeLeaf(dir, ca, 'client-after', ['client-after'], true);
  replace(certFile, rotated.cert);
  replace(keyFile, rotated.key);
  await waitFor(
    async () => (await send(url)).status === 200 && backend.seen.at(-1)?.clientCn === 'client-after',
    6000,
    'the rotated client certificate',
  );

  unlinkSync(keyFile);
  const rebuilt = await rig.apply(services, transports);
  assert.equal((await send(rebuilt['mtls@file']!.url!)).status, 200, 'a missing key file keeps the last good pair');
  assert.equal(backend.seen.at(-1)?.clientCn, 'client-after');
});
