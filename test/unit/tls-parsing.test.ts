import assert from 'node:assert/strict';
import { connect } from 'node:tls';
import { createServer, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { wantedCertificates } from '../../src/acme/wanted-domains.js';
import type { StaticConfig } from '../../src/config/static/types.js';
import { parseClientHello } from '../../src/tls/client-hello.js';
import { opensslCipher, tlsVersion } from '../../src/tls/go-names.js';

/** The ClientHello node:tls really sends, captured on a plain TCP server. */
async function realClientHello(options: { servername?: string; ALPNProtocols?: string[] }): Promise<Buffer> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const captured = new Promise<Buffer>((resolve) =>
    server.once('connection', (socket) => {
      socket.once('data', (data: Buffer) => {
        resolve(data);
        socket.destroy();
      });
    }),
  );
  const client = connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, ...options });
  client.on('error', () => undefined);
  const hello = await captured;
  client.destroy();
  server.close();
  return hello;
}

test('the ClientHello parser reads SNI and ALPN from a real handshake', async () => {
  const hello = await realClientHello({ servername: 'Api.Example.com', ALPNProtocols: ['h2', 'http/1.1'] });
  assert.deepEqual(parseClientHello(hello), {
    complete: true,
    serverName: 'api.example.com',
    alpn: ['h2', 'http/1.1'],
  });
  assert.deepEqual(parseClientHello(hello.subarray(0, 40)), { complete: false });
  const anonymous = await realClientHello({});
  assert.equal((parseClientHello(anonymous) as { serverName?: string }).serverName, undefined);
});

test('a malformed hello is complete without a name (the handshake will refuse it)', () => {
  const garbage = Buffer.from([0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0xff, 0xff, 0xff]);
  assert.deepEqual(parseClientHello(garbage), { complete: true, alpn: [] });
});

test('Go TLS names map to OpenSSL ones; unknown names say what to write instead', () => {
  assert.equal(tlsVersion('VersionTLS13', 'k'), 'TLSv1.3');
  assert.equal(opensslCipher('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'k'), 'ECDHE-RSA-AES128-GCM-SHA256');
  assert.throws(
    () => tlsVersion('TLS1.2', 'tls.options.x.minVersion'),
    /tls\.options\.x\.minVersion: unknown TLS version "TLS1.2"; use one of VersionTLS10/,
  );
  assert.throws(() => opensslCipher('AES128', 'k'), /unknown cipher suite "AES128"; use Go's names/);
});

test('ACME wants one certificate per router: tls.domains, else the Host names of the rule', () => {
  const config = {
    entryPoints: { websecure: { address: ':443', http: { tls: { certResolver: 'le' } } }, web: { address: ':80' } },
    providers: {},
  } as StaticConfig;
  const wanted = wantedCertificates(
    {
      'a@file': { rule: 'Host(`a.example.com`) || Host(`B.example.com`)', service: 's', tls: { certResolver: 'le' } },
      'b@file': {
        rule: 'Host(`x.example.com`)',
        service: 's',
        tls: { certResolver: 'le', domains: [{ main: 'example.com', sans: ['*.example.com'] }] },
      },
      'c@file': { rule: 'Host(`ep.example.com`)', service: 's', entryPoints: ['websecure'] },
      'd@file': { rule: 'Host(`plain.example.com`)', service: 's', entryPoints: ['web'] },
    },
    config,
  );
  assert.deepEqual(wanted, [
    { resolver: 'le', names: ['a.example.com', 'b.example.com'] },
    { resolver: 'le', names: ['example.com', '*.example.com'] },
    { resolver: 'le', names: ['ep.example.com'] },
  ]);
});

test('the TLS manager lists its certificates with expiry dates, and the default one', async () => {
  const { TlsManager } = await import('../../src/tls/tls-manager.js');
  const { makeCa, makeLeaf } = await import('../helpers/tls-certs.js');
  const { tempDir } = await import('../helpers/portier.js');
  const dir = tempDir();
  const leaf = makeLeaf(dir, makeCa(dir), 'leaf', ['list.example.com']);
  const manager = new TlsManager(dir);
  try {
    manager.update({ certificates: [{ certFile: 'leaf.crt', keyFile: leaf.key }] }, {});
    const listed = manager.list();
    assert.deepEqual(listed[0]?.domains, ['list.example.com']);
    assert.equal(listed[0]?.source, 'leaf.crt');
    assert.ok(Date.parse(listed[0].notAfter) > Date.now());
    assert.equal(listed.filter((c) => c.isDefault).length, 1);
    assert.equal(manager.choose('list.example.com').certificate?.cert, leaf.cert);
  } finally {
    manager.close();
  }
});
