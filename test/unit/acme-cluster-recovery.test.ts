/**
 * An AcmeManager on a real Redis or etcd store, through the faults the code review found: a
 * malformed challenge value, a link to the store cut while another instance stores a certificate,
 * and (etcd) a store that is down when Portier starts.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { AcmeManager } from '../../src/acme/acme-manager.js';
import type { AcmeStore, StoredCertificate } from '../../src/acme/store.js';
import { EtcdAcmeStore } from '../../src/cluster/etcd-acme-store.js';
import { RedisAcmeStore } from '../../src/cluster/redis-acme-store.js';
import type { StaticConfig } from '../../src/config/static/types.js';
import { startLinkCutter, type LinkCutter } from '../helpers/acme-link-cutter.js';
import { startKvServer, type KvServer } from '../helpers/kv-servers.js';
import { tempDir, waitFor } from '../helpers/portier.js';

const certificate = (main: string): StoredCertificate => ({
  domain: { main },
  certificate: Buffer.from(`cert of ${main}`).toString('base64'),
  key: Buffer.from(`key of ${main}`).toString('base64'),
  Store: 'default',
});

const served = (manager: AcmeManager) => manager.certificates().map((pair) => pair.certFile);

function managerOn(resolvers: Record<string, string>, onChange: () => void = () => undefined): AcmeManager {
  const config: StaticConfig = {
    entryPoints: {},
    providers: {},
    certificatesResolvers: Object.fromEntries(
      Object.entries(resolvers).map(([name, storage]) => [name, { acme: { storage, tlsChallenge: {} } }]),
    ),
  };
  return new AcmeManager(config, tempDir(), onChange);
}

const backends = [
  { kind: 'redis', open: (endpoint: string): AcmeStore => new RedisAcmeStore(endpoint) },
  { kind: 'etcd', open: (endpoint: string): AcmeStore => new EtcdAcmeStore([endpoint]) },
] as const;

for (const backend of backends) {
  describe(`ACME manager on ${backend.kind}`, () => {
    let server: KvServer;
    let link: LinkCutter;
    let other: AcmeStore;
    const closing: (() => unknown)[] = [];

    before(async () => {
      server = await startKvServer(backend.kind);
      link = await startLinkCutter(server.endpoint);
      other = backend.open(server.endpoint);
    });

    after(async () => {
      for (const close of closing) await close();
      await other?.close();
      await link?.close();
      await server?.stop();
    });

    /** A manager whose only resolver `le` keeps its state in the store, reached through the cutter. */
    async function startManager(): Promise<AcmeManager> {
      let changes = 0;
      const manager = managerOn({ le: `${backend.kind}://${link.endpoint}` }, () => changes++);
      closing.push(() => manager.close());
      await waitFor(() => changes > 0, 5000, 'the manager to read the stored certificates');
      return manager;
    }

    test('a malformed TLS-ALPN-01 value in the store is ignored, before and after the manager starts', async () => {
      await other.writeCertificate('le', certificate('seed.example.com'));
      await other.publishChallenge({ kind: 'alpn', id: 'early.example.com', value: 'not json' });
      const manager = await startManager();
      await other.publishChallenge({ kind: 'alpn', id: 'late.example.com', value: '{"cert":' });
      const pair = { cert: 'CERT', key: 'KEY' };
      await other.publishChallenge({ kind: 'alpn', id: 'good.example.com', value: JSON.stringify(pair) });
      await waitFor(() => manager.alpnChallenge('good.example.com') !== undefined, 3000, 'the valid challenge');
      assert.deepEqual(manager.alpnChallenge('good.example.com'), pair);
      assert.equal(manager.alpnChallenge('early.example.com'), undefined);
      assert.equal(manager.alpnChallenge('late.example.com'), undefined);
    });

    test('what another instance stored while the link was cut is read once it is back', async () => {
      const manager = await startManager();
      link.cut();
      await other.writeCertificate('le', certificate('during-outage.example.com'));
      await other.publishChallenge({ kind: 'http', id: 'outage-token', value: 'outage-token.thumbprint' });
      // Long enough for the watch or subscription to notice it is gone.
      await new Promise((resolve) => setTimeout(resolve, 700));
      assert.ok(!served(manager).includes('cert of during-outage.example.com'));
      link.restore();
      await waitFor(
        () => served(manager).includes('cert of during-outage.example.com'),
        8000,
        'the certificate stored during the outage',
      );
      // Read in parallel with the certificates.
      await waitFor(
        () => manager.httpChallenge('/.well-known/acme-challenge/outage-token') === 'outage-token.thumbprint',
        3000,
        'the challenge published during the outage',
      );
    });
  });
}

describe('etcd down when Portier starts', () => {
  let etcd: KvServer;

  before(async () => {
    etcd = await startKvServer('etcd');
    await etcd.kill();
  });

  after(async () => {
    await etcd?.stop();
  });

  test('a resolver on acme.json is not held up, and the etcd one recovers once etcd is up', async () => {
    const dir = tempDir();
    const file = join(dir, 'acme.json');
    writeFileSync(file, JSON.stringify({ local: { Certificates: [certificate('local.example.com')] } }));
    const manager = managerOn({ remote: `etcd://${etcd.endpoint}`, local: file });
    try {
      await waitFor(() => served(manager).includes('cert of local.example.com'), 3000, 'the file resolver');
      await etcd.start();
      const writer = new EtcdAcmeStore([etcd.endpoint]);
      await writer.writeCertificate('remote', certificate('remote.example.com'));
      await writer.close();
      // The manager retries its first read every 2 s.
      await waitFor(() => served(manager).includes('cert of remote.example.com'), 8000, 'the etcd resolver');
    } finally {
      manager.close();
    }
  });
});
