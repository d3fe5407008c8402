import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeKvPairs } from '../../src/providers/kv/decode.js';

const WHERE = 'etcd http://127.0.0.1:2379';

function decode(pairs: Record<string, string>, rootKey = 'traefik') {
  return decodeKvPairs(
    Object.entries(pairs).map(([key, value]) => ({ key, value })),
    rootKey,
    WHERE,
  );
}

describe('KV decoding (Traefik key layout)', () => {
  it('builds routers, services and middlewares, with numbered children as arrays', () => {
    const { config, issues } = decode({
      'traefik/http/routers/web/rule': 'Host(`example.com`)',
      'traefik/http/routers/web/entrypoints/0': 'web',
      'traefik/http/routers/web/entrypoints/1': 'websecure',
      'traefik/http/routers/web/middlewares/0': 'strip',
      'traefik/http/routers/web/service': 'app',
      'traefik/http/routers/web/priority': '42',
      'traefik/http/services/app/loadbalancer/servers/1/url': 'http://10.0.0.2:80',
      'traefik/http/services/app/loadbalancer/servers/0/url': 'http://10.0.0.1:80',
      'traefik/http/services/app/loadbalancer/passhostheader': 'false',
      'traefik/http/services/app/loadbalancer/healthcheck/path': '/health',
      'traefik/http/middlewares/strip/stripprefix/prefixes/0': '/api',
      'traefik/http/middlewares/strip/stripprefix/prefixes/1': '/v1',
      'traefik/http/middlewares/hdr/headers/customrequestheaders/X-Token': 'abc',
      'traefik/http/middlewares/hdr/headers/stsseconds': '300',
      'traefik/http/middlewares/rl/RateLimit/Average': '10',
      'other/http/routers/ignored/rule': 'Host(`x`)',
    });
    assert.deepEqual(issues, []);
    assert.deepEqual(config.http.routers, {
      web: {
        rule: 'Host(`example.com`)',
        entryPoints: ['web', 'websecure'],
        middlewares: ['strip'],
        service: 'app',
        priority: 42,
      },
    });
    assert.deepEqual(config.http.services?.app?.loadBalancer?.servers, [
      { url: 'http://10.0.0.1:80' },
      { url: 'http://10.0.0.2:80' },
    ]);
    assert.equal(config.http.services?.app?.loadBalancer?.passHostHeader, false);
    assert.equal(config.http.services?.app?.loadBalancer?.healthCheck?.path, '/health');
    assert.deepEqual(config.http.middlewares, {
      strip: { stripPrefix: { prefixes: ['/api', '/v1'] } },
      hdr: { headers: { customRequestHeaders: { 'X-Token': 'abc' }, stsSeconds: 300 } },
      rl: { rateLimit: { average: 10 } },
    });
  });

  it('builds serversTransports, whatever the case of the section and its keys', () => {
    const { config, issues } = decode({
      'traefik/http/serversTransports/secure/serverName': 'backend.internal',
      'traefik/http/serversTransports/secure/insecureSkipVerify': 'true',
      'traefik/http/serversTransports/secure/rootCAs/0': 'ca.pem',
      'traefik/http/serversTransports/secure/rootCAs/1': 'ca2.pem',
      'traefik/http/serversTransports/secure/certificates/0/certFile': 'client.pem',
      'traefik/http/serversTransports/secure/certificates/0/keyFile': 'client-key.pem',
      'traefik/http/serversTransports/secure/maxIdleConnsPerHost': '7',
      'traefik/http/serversTransports/secure/forwardingTimeouts/dialTimeout': '5s',
      'traefik/http/services/app/loadbalancer/servers/0/url': 'https://10.0.0.1',
      'traefik/http/services/app/loadbalancer/serverstransport': 'secure',
    });
    assert.deepEqual(issues, []);
    assert.deepEqual(config.http.serversTransports, {
      secure: {
        serverName: 'backend.internal',
        insecureSkipVerify: true,
        rootCAs: ['ca.pem', 'ca2.pem'],
        certificates: [{ certFile: 'client.pem', keyFile: 'client-key.pem' }],
        maxIdleConnsPerHost: 7,
        forwardingTimeouts: { dialTimeout: '5s' },
      },
    });
    assert.equal(config.http.services?.app?.loadBalancer?.serversTransport, 'secure');
    const lower = decode({ 'traefik/http/serverstransports/plain/disablehttp2': 'true' });
    assert.deepEqual(lower.issues, []);
    assert.deepEqual(lower.config.http.serversTransports, { plain: { disableHTTP2: true } });
  });

  it('reads the configured root key, with or without slashes, and comma lists as Traefik does', () => {
    const { config, issues } = decode(
      {
        '/portier/prod/http/routers/r/rule': 'Path(`/`)',
        '/portier/prod/http/routers/r/service': 's',
        '/portier/prod/http/routers/r/entryPoints': 'web, websecure',
        '/portier/prod/http/services/s/loadBalancer/servers/0/url': 'http://127.0.0.1:1',
      },
      '/portier/prod/',
    );
    assert.deepEqual(issues, []);
    assert.deepEqual(config.http.routers?.r?.entryPoints, ['web', 'websecure']);
  });

  it('disables only the object a malformed value belongs to, naming the exact KV key', () => {
    const { config, issues } = decode({
      'traefik/http/routers/good/rule': 'Host(`good`)',
      'traefik/http/routers/good/service': 'app',
      'traefik/http/routers/bad/rule': 'Host(`bad`)',
      'traefik/http/routers/bad/service': 'app',
      'traefik/http/routers/bad/Priority': 'high',
      'traefik/http/services/app/loadbalancer/servers/0/url': 'http://127.0.0.1:1',
    });
    assert.deepEqual(Object.keys(config.http.routers ?? {}), ['good']);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.key, 'traefik/http/routers/bad/Priority');
    assert.equal(issues[0]!.location, WHERE);
    assert.deepEqual(issues[0]!.object, { kind: 'router', name: 'bad' });
  });

  it('reports a misspelt key with the KV key and a suggestion', () => {
    const { config, issues } = decode({
      'traefik/http/routers/r/rule': 'Host(`r`)',
      'traefik/http/routers/r/servce': 'app',
    });
    assert.deepEqual(config.http.routers, {});
    assert.ok(
      issues.some(
        (issue) => issue.key === 'traefik/http/routers/r/servce' && /did you mean "service"/.test(issue.message),
      ),
      JSON.stringify(issues),
    );
  });

  it('reports a value that also has keys under it', () => {
    const { issues } = decode({
      'traefik/http/routers/r/rule': 'Host(`r`)',
      'traefik/http/routers/r/rule/extra': 'x',
      'traefik/http/routers/r/service': 'app',
    });
    assert.equal(issues[0]?.key, 'traefik/http/routers/r/rule/extra');
  });

  it('translates the old v1 layout (backends and frontends)', () => {
    const { config, issues } = decode({
      'traefik/backends/backend1/servers/server1/url': 'http://127.0.0.1:8081',
      'traefik/frontends/frontend1/backend': 'backend1',
      'traefik/frontends/frontend1/routes/test_1/rule': 'Host:v1.example.com',
    });
    assert.deepEqual(issues, []);
    assert.equal(Object.keys(config.http.routers ?? {}).length, 1);
    assert.equal(
      Object.values(config.http.services ?? {})[0]?.loadBalancer?.servers?.[0]?.url,
      'http://127.0.0.1:8081',
    );
  });
});

describe('KV decoding: missing keys', () => {
  it('names the KV key to write when a required one is missing', () => {
    const { config, issues } = decode({ 'traefik/http/routers/r/rule': 'Host(`r`)' });
    assert.deepEqual(config.http.routers, {});
    assert.equal(issues[0]?.key, 'traefik/http/routers/r/service');
  });
});
