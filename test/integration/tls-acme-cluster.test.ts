/**
 * Several Portier instances sharing ACME state in Redis or etcd, against a real pebble: one order per
 * certificate, challenges answered by whichever instance the CA reaches, certificates served by
 * all of them, and an instance that dies mid-order replaced by another once its lock expires.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort, startPortier, tempDir, waitFor, type RunningPortier } from '../helpers/portier.js';
import { startKvServer, type KvServer } from '../helpers/kv-servers.js';
import { makeCa, makeLeaf, type TestCert } from '../helpers/tls-certs.js';
import { tlsGet } from '../helpers/tls-client.js';
import { startPebble, type Pebble } from '../helpers/tls-pebble.js';
import { startEchoUpstream, type Upstream } from '../helpers/upstream.js';

/** A CA and the cluster store its instances share. */
interface Site {
  pebble: Pebble;
  /** The CA's root certificate: the only trust anchor when checking what instances serve. */
  root: string;
  /** The static `cluster` section, YAML. */
  cluster: string;
}

interface Instance {
  name: string;
  site: Site;
  dir: string;
  websecure: number;
  portier: RunningPortier;
  /** Hosts routed over HTTPS, each with its resolver. */
  route(hosts: Record<string, 'http01' | 'alpn'>): void;
}

let redis: KvServer;
let site: Site;
let upstream: Upstream;
let dir: string;
let localCa: TestCert;
/** Left by a single-instance run in a's acme.json: close to expiry, so due for renewal. */
let expiring: TestCert;
/** The CA validates challenges at instance `a` only: orders placed by `b` need `a` to answer. */
const aPorts = { web: 0, websecure: 0 };
const instances: Instance[] = [];

async function startInstance(
  name: string,
  { site, ports, acmeJson }: { site: Site; ports?: { web: number; websecure: number }; acmeJson?: string },
): Promise<Instance> {
  const home = join(dir, name);
  mkdirSync(home);
  if (acmeJson) writeFileSync(join(home, 'acme.json'), acmeJson);
  const web = ports?.web ?? (await freePort());
  const websecure = ports?.websecure ?? (await freePort());
  const acme = (challenge: string) =>
    `{ email: ops@example.com, storage: acme.json, caServer: "${site.pebble.directory}", ${challenge} }`;
  writeFileSync(
    join(home, 'portier.yml'),
    `entryPoints:
  web: { address: "127.0.0.1:${web}" }
  websecure: { address: "127.0.0.1:${websecure}" }
certificatesResolvers:
  http01: { acme: ${acme('httpChallenge: { entryPoint: web }')} }
  alpn: { acme: ${acme('tlsChallenge: {}')} }
cluster: ${site.cluster}
providers:
  file: { filename: dynamic.yml }
`,
  );
  const route = (hosts: Record<string, 'http01' | 'alpn'>) => {
    const routers = Object.entries(hosts).map(
      ([host, resolver]) => `    ${host.replaceAll('.', '-')}:
      rule: "Host(\`${host}\`)"
      entryPoints: [websecure]
      service: echo
      tls: { certResolver: ${resolver} }`,
    );
    writeFileSync(
      join(home, 'dynamic.yml'),
      `http:
  routers:${routers.length ? `\n${routers.join('\n')}` : ' {}'}
  services:
    echo: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }
`,
    );
  };
  route({});
  const portier = await startPortier(['-c', join(home, 'portier.yml')], {
    env: { NODE_EXTRA_CA_CERTS: localCa.certFile },
  });
  const instance = { name, site, dir: home, websecure, portier, route };
  instances.push(instance);
  return instance;
}

/** Lines in which an instance logged `message` for exactly this domain list. */
function logged(instance: Instance, message: string, host: string): number {
  const line = new RegExp(`"domains":\\["${host.replaceAll('.', '\\.')}"\\][^\\n]*"msg":"${message}"`, 'g');
  return instance.portier.logs().match(line)?.length ?? 0;
}

const orders = (host: string, among: Instance[]) =>
  among.reduce((sum, instance) => sum + logged(instance, 'ordering a certificate', host), 0);

/** The SHA-256 fingerprint of the certificate an instance serves for `host`, once it answers 200. */
async function servedFingerprint(instance: Instance, host: string, timeoutMs = 20_000): Promise<string> {
  let fingerprint = '';
  await waitFor(
    async () => {
      const reply = await tlsGet(instance.websecure, host, '/', { ca: instance.site.root });
      fingerprint = reply.peer.fingerprint256;
      return reply.status === 200;
    },
    timeoutMs,
    `${instance.name} to serve a trusted certificate for ${host}`,
  );
  return fingerprint;
}

let a: Instance;
let b: Instance;

before(async () => {
  dir = tempDir();
  localCa = makeCa(dir);
  [aPorts.web, aPorts.websecure] = [await freePort(), await freePort()];
  [redis, upstream] = await Promise.all([startKvServer('redis'), startEchoUpstream('echo')]);
  site = await startSite(dir, aPorts, `{ redis: { endpoint: "${redis.endpoint}" } }`);
  expiring = makeLeaf(dir, localCa, 'expiring', ['renew.example.com']);
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  const stored = { domain: { main: 'renew.example.com' }, certificate: b64(expiring.cert), key: b64(expiring.key) };
  const acmeJson = JSON.stringify({ http01: { Certificates: [{ ...stored, Store: 'default' }] } });
  [a, b] = await Promise.all([startInstance('a', { site, ports: aPorts, acmeJson }), startInstance('b', { site })]);
});

/** Pebble validating at `ports` (one instance's entry points), for instances sharing `cluster`. */
async function startSite(home: string, ports: { web: number; websecure: number }, cluster: string): Promise<Site> {
  const pebble = await startPebble(home, localCa, { httpPort: ports.web, tlsPort: ports.websecure });
  cleanups.push(() => pebble.stop());
  return { pebble, root: await pebble.root(), cluster };
}

const cleanups: (() => Promise<unknown>)[] = [];

after(async () => {
  await Promise.all(instances.map((instance) => instance.portier.stop()));
  await Promise.all(cleanups.map((cleanup) => cleanup()));
  await redis?.stop();
  await upstream?.close();
});

test('a certificate ordered by one instance, validated at another (HTTP-01 and TLS-ALPN-01), is served by both', async () => {
  b.route({ 'http.example.com': 'http01', 'alpn.example.com': 'alpn' });
  const fromB = {
    http: await servedFingerprint(b, 'http.example.com'),
    alpn: await servedFingerprint(b, 'alpn.example.com'),
  };
  a.route({ 'http.example.com': 'http01', 'alpn.example.com': 'alpn' });
  assert.equal(await servedFingerprint(a, 'http.example.com'), fromB.http);
  assert.equal(await servedFingerprint(a, 'alpn.example.com'), fromB.alpn);
  for (const host of ['http.example.com', 'alpn.example.com']) {
    assert.equal(logged(b, 'certificate obtained', host), 1, `b obtained ${host}`);
    assert.equal(orders(host, [a]), 0, `a ordered ${host} too`);
  }
});

test('two instances wanting the same certificate at once: one order, one certificate', async () => {
  const hosts = { 'http.example.com': 'http01', 'alpn.example.com': 'alpn', 'both.example.com': 'http01' } as const;
  a.route(hosts);
  b.route(hosts);
  const [onA, onB] = await Promise.all([
    servedFingerprint(a, 'both.example.com'),
    servedFingerprint(b, 'both.example.com'),
  ]);
  assert.equal(onA, onB);
  assert.equal(orders('both.example.com', [a, b]), 1);
  const issued = site.pebble.logs().match(/Issued certificate serial/g)?.length ?? 0;
  assert.equal(issued, 3, `pebble issued ${issued} certificates for 3 domain lists`);
});

test('an acme.json seeds the empty store once, and its expiring certificate is renewed by one instance', async () => {
  await waitFor(() => /imported acme\.json into the cluster store/.test(a.portier.logs()), 5000, a.portier.logs());
  const hosts = {
    'http.example.com': 'http01',
    'both.example.com': 'http01',
    'renew.example.com': 'http01',
  } as const;
  a.route(hosts);
  b.route(hosts);
  // Served with pebble's root as the only trust anchor: the expiring certificate is not.
  const [onA, onB] = await Promise.all([
    servedFingerprint(a, 'renew.example.com'),
    servedFingerprint(b, 'renew.example.com'),
  ]);
  assert.equal(onA, onB);
  const renewals = [a, b].reduce(
    (sum, instance) => sum + logged(instance, 'certificate renewed', 'renew.example.com'),
    0,
  );
  assert.equal(renewals, 1);
  assert.equal(orders('renew.example.com', [a, b]), 1);
});

test('an instance killed mid-order: another orders once its lock expires, and serves everything', async () => {
  const before = await servedFingerprint(a, 'http.example.com');
  b.route({ 'crash.example.com': 'http01' });
  await waitFor(() => logged(b, 'ordering a certificate', 'crash.example.com') === 1, 10_000, 'b to start ordering');
  b.portier.process.kill('SIGKILL');
  a.route({ 'http.example.com': 'http01', 'both.example.com': 'http01', 'crash.example.com': 'http01' });
  await servedFingerprint(a, 'crash.example.com', 30_000);
  assert.equal(logged(a, 'certificate obtained', 'crash.example.com'), 1);
  assert.equal(logged(b, 'certificate obtained', 'crash.example.com'), 0, 'b was killed too late');
  assert.equal(await servedFingerprint(a, 'http.example.com'), before);
});

test('a new instance serves the stored certificates without ordering', async () => {
  const c = await startInstance('c', { site });
  c.route({ 'http.example.com': 'http01', 'both.example.com': 'http01' });
  assert.equal(await servedFingerprint(c, 'http.example.com'), await servedFingerprint(a, 'http.example.com'));
  assert.equal(await servedFingerprint(c, 'both.example.com'), await servedFingerprint(a, 'both.example.com'));
  assert.equal(orders('http.example.com', [c]) + orders('both.example.com', [c]), 0);
});

test('etcd as the cluster store: one order, validated at the instance that did not order, served by both', async () => {
  const etcd = await startKvServer('etcd');
  cleanups.push(() => etcd.stop());
  const home = join(dir, 'etcd-site');
  mkdirSync(home);
  const dPorts = { web: await freePort(), websecure: await freePort() };
  const etcdSite = await startSite(home, dPorts, `{ etcd: { endpoints: ["${etcd.endpoint}"] } }`);
  const [d, e] = await Promise.all([
    startInstance('d', { site: etcdSite, ports: dPorts }),
    startInstance('e', { site: etcdSite }),
  ]);
  const hosts = { 'etcd.example.com': 'http01', 'alpn.etcd.example.com': 'alpn' } as const;
  e.route(hosts);
  const fromE = await servedFingerprint(e, 'etcd.example.com');
  const alpnFromE = await servedFingerprint(e, 'alpn.etcd.example.com');
  d.route(hosts);
  assert.equal(await servedFingerprint(d, 'etcd.example.com'), fromE);
  assert.equal(await servedFingerprint(d, 'alpn.etcd.example.com'), alpnFromE);
  for (const host of Object.keys(hosts)) {
    assert.equal(logged(e, 'certificate obtained', host), 1, `e obtained ${host}`);
    assert.equal(orders(host, [d]), 0, `d ordered ${host} too`);
  }
});
