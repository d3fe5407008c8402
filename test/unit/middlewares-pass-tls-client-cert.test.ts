import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent, request } from 'undici';
import { certificateInfo, passTLSClientCert } from '../../src/middlewares/pass-tls-client-cert.js';
import type { RequestContext } from '../../src/runtime/context.js';
import { buildMiddleware } from '../helpers/middlewares-harness.js';

/** A self-signed client certificate made by openssl for these tests. */
let certPem = '';
let keyPem = '';
let server: Server;
let url = '';

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portier-mtls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-subj',
      '/DC=org/DC=example/C=FR/ST=IDF/L=Paris/O=Acme/OU=Dev/CN=client.test',
      '-addext',
      'subjectAltName=DNS:client.test,email:me@example.org,IP:10.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  certPem = readFileSync(join(dir, 'cert.pem'), 'utf8');
  keyPem = readFileSync(join(dir, 'key.pem'), 'utf8');

  const middleware = buildMiddleware(passTLSClientCert, {
    pem: true,
    info: { sans: true, subject: { commonName: true, organization: true }, issuer: { country: true } },
  });
  const echo = middleware((ctx) => {
    ctx.res.end(JSON.stringify(ctx.req.headers));
  });
  // The server reuses the client's self-signed pair as its own certificate: one file pair suffices.
  server = createServer({ key: keyPem, cert: certPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    void echo({ req, res, path: req.url ?? '/', query: '' } as unknown as RequestContext);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('passTLSClientCert', () => {
  it('formats the chosen certificate fields as Traefik does', () => {
    const cert = new X509Certificate(certPem);
    const info = certificateInfo(cert, {
      notAfter: false,
      notBefore: true,
      sans: true,
      serialNumber: true,
      subject: {
        country: true,
        province: false,
        locality: true,
        organization: true,
        organizationalUnit: true,
        commonName: true,
        serialNumber: false,
        domainComponent: true,
      },
    });
    const nb = Math.floor(Date.parse(cert.validFrom) / 1000);
    const serial = BigInt(`0x${cert.serialNumber}`).toString();
    assert.equal(
      info,
      `Subject="DC=org,DC=example,C=FR,L=Paris,O=Acme,OU=Dev,CN=client.test";SerialNumber="${serial}";NB="${nb}";SAN="client.test,me@example.org,10.0.0.1"`,
    );
  });

  it('passes the client certificate of a mutual-TLS request upstream', async () => {
    const dispatcher = new Agent({ connect: { cert: certPem, key: keyPem, rejectUnauthorized: false } });
    const response = await request(url, { dispatcher });
    const headers = (await response.body.json()) as Record<string, string>;
    await dispatcher.close();
    const der = new X509Certificate(certPem).raw.toString('base64');
    assert.equal(headers['x-forwarded-tls-client-cert'], der);
    assert.equal(
      decodeURIComponent(headers['x-forwarded-tls-client-cert-info']!.replace(/\+/g, ' ')),
      'Subject="O=Acme,CN=client.test";Issuer="C=FR";SAN="client.test,me@example.org,10.0.0.1"',
    );
  });

  it('adds nothing without a client certificate', async () => {
    const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
    const response = await request(url, { dispatcher });
    const headers = (await response.body.json()) as Record<string, string>;
    await dispatcher.close();
    assert.equal(headers['x-forwarded-tls-client-cert'], undefined);
  });
});
