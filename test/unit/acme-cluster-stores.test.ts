import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient } from 'redis';
import type { AcmeStore, ChallengeEvent, StoredCertificate } from '../../src/acme/store.js';
import { EtcdAcmeStore } from '../../src/cluster/etcd-acme-store.js';
import { RedisAcmeStore } from '../../src/cluster/redis-acme-store.js';
import { b64, connectEtcd } from '../../src/providers/kv/etcd-store.js';
import { startKvServer, type KvServer } from '../helpers/kv-servers.js';
import { waitFor } from '../helpers/portier.js';

const certificate = (main: string, marker: string): StoredCertificate => ({
  domain: { main, sans: [`www.${main}`] },
  certificate: Buffer.from(`cert ${marker}`).toString('base64'),
  key: Buffer.from(`key ${marker}`).toString('base64'),
  Store: 'default',
});

interface Backend {
  kind: 'redis' | 'etcd';
  open(server: KvServer): AcmeStore;
  /** Leaves a lock behind as a crashed holder would: it frees itself after about `seconds`. */
  abandonLock(server: KvServer, name: string, seconds: number): Promise<void>;
}

const backends: Backend[] = [
  {
    kind: 'redis',
    open: (server) => new RedisAcmeStore(server.endpoint),
    abandonLock: async (server, name, seconds) => {
      const client = createClient({ url: `redis://${server.endpoint}` });
      await client.connect();
      await client.set(`portier:acme:lock:${name}`, 'crashed', { expiration: { type: 'PX', value: seconds * 1000 } });
      await client.close();
    },
  },
  {
    kind: 'etcd',
    open: (server) => new EtcdAcmeStore([server.endpoint]),
    abandonLock: async (server, name, seconds) => {
      const etcd = await connectEtcd({ endpoints: [server.endpoint] });
      const { ID } = (await etcd.call('/v3/lease/grant', { TTL: seconds })) as { ID: string };
      await etcd.call('/v3/kv/put', { key: b64(`portier/acme/locks/${name}`), value: b64('crashed'), lease: ID });
      await etcd.close();
    },
  },
];

for (const backend of backends) {
  describe(`ACME store in ${backend.kind}`, () => {
    let server: KvServer;
    let first: AcmeStore;
    let second: AcmeStore;
    const heardBySecond: { resolvers: string[]; challenges: ChallengeEvent[] } = { resolvers: [], challenges: [] };

    before(async () => {
      server = await startKvServer(backend.kind);
      first = backend.open(server);
      second = backend.open(server);
      second.subscribe({
        resolverChanged: (resolver) => heardBySecond.resolvers.push(resolver),
        challenge: (event) => heardBySecond.challenges.push(event),
        resumed: () => undefined,
      });
      // The etcd watch starts once connected; a read proves the connection.
      await second.read('warm-up');
      await new Promise((resolve) => setTimeout(resolve, 200));
    });

    after(async () => {
      await first?.close();
      await second?.close();
      await server?.stop();
    });

    test('a certificate one instance stores is announced to and read by the other; a renewal replaces it', async () => {
      await first.writeAccount('le', { Email: 'ops@example.com', PrivateKey: 'a2V5', Registration: { uri: 'u' } });
      await first.writeCertificate('le', certificate('example.com', 'one'));
      await waitFor(() => heardBySecond.resolvers.includes('le'), 3000, 'the announcement');
      await first.writeCertificate('le', certificate('example.com', 'two'));
      await first.writeCertificate('other', certificate('example.org', 'three'));
      const record = await second.read('le');
      assert.equal(record.Account?.Registration?.uri, 'u');
      assert.deepEqual(
        record.Certificates.map((c) => Buffer.from(c.certificate, 'base64').toString()),
        ['cert two'],
      );
      assert.deepEqual((await second.read('nothing')).Certificates, []);
    });

    test('challenge answers reach the other instance and are withdrawn', async () => {
      await first.publishChallenge({ kind: 'http', id: 'token-1', value: 'token-1.thumbprint' });
      await first.publishChallenge({ kind: 'alpn', id: 'a.example.com', value: '{"cert":"c","key":"k"}' });
      await waitFor(() => heardBySecond.challenges.length >= 2, 3000, 'the challenges');
      assert.deepEqual(
        heardBySecond.challenges.find((c) => c.kind === 'http'),
        {
          kind: 'http',
          id: 'token-1',
          value: 'token-1.thumbprint',
        },
      );
      assert.deepEqual((await second.challenges()).map((c) => c.id).sort(), ['a.example.com', 'token-1']);
      await first.publishChallenge({ kind: 'http', id: 'token-1' });
      await waitFor(
        () => heardBySecond.challenges.some((c) => c.id === 'token-1' && c.value === undefined),
        3000,
        'the withdrawal',
      );
      assert.deepEqual(
        (await second.challenges()).map((c) => c.id),
        ['a.example.com'],
      );
    });

    test('only one instance at a time holds a lock; the other runs after it', async () => {
      const trace: string[] = [];
      const task = (who: string) => async () => {
        trace.push(`${who} in`);
        await new Promise((resolve) => setTimeout(resolve, 300));
        trace.push(`${who} out`);
        return who;
      };
      const results = await Promise.all([
        first.exclusively('le|example.com', task('first')),
        second.exclusively('le|example.com', task('second')),
      ]);
      assert.deepEqual(results, ['first', 'second']);
      assert.equal(trace.length, 4);
      assert.match(trace[1]!, / out$/, `tasks overlapped: ${trace.join(', ')}`);
      // Different names do not wait for each other.
      const started = Date.now();
      await Promise.all([first.exclusively('x', task('x')), second.exclusively('y', task('y'))]);
      assert.ok(Date.now() - started < 550, 'unrelated locks ran one after the other');
    });

    test('a lock left by a crashed instance frees itself when its TTL runs out', async () => {
      await backend.abandonLock(server, 'le|crashed.example.com', 2);
      const started = Date.now();
      await second.exclusively('le|crashed.example.com', () => Promise.resolve());
      const waited = Date.now() - started;
      assert.ok(waited > 1000 && waited < 8000, `waited ${waited} ms`);
    });

    test('a task that fails releases its lock at once', async () => {
      await assert.rejects(
        first.exclusively('le|failing', () => Promise.reject(new Error('CA said no'))),
        /CA said no/,
      );
      const started = Date.now();
      await second.exclusively('le|failing', () => Promise.resolve());
      assert.ok(Date.now() - started < 1000);
    });
  });
}
