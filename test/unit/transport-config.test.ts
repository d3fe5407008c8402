import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { validateDynamicConfig } from '../../src/config/dynamic/index.js';
import { parseConfigText } from '../../src/config/source/index.js';
import { ConfigError } from '../../src/config/errors.js';
import { Aggregator, type Configuration } from '../../src/providers/aggregator.js';
import { loadDynamicFiles } from '../../src/providers/file/index.js';
import { buildWebRouting } from '../helpers/runtime-build.js';
import { createServiceLayer } from '../../src/runtime/service-layer.js';
import { transportOptions } from '../../src/runtime/transport/transport-options.js';
import { loadStaticConfig } from '../../src/config/static/index.js';

const dir = mkdtempSync(join(tmpdir(), 'portier-transport-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function validate(text: string) {
  const source = parseConfigText(text, 'dynamic.yml');
  return validateDynamicConfig(source.data, { location: source.locate });
}

const DYNAMIC = `
http:
  serversTransports:
    secure:
      serverName: backend.internal
      insecureSkipVerify: false
      rootCAs: [ca.pem]
      maxIdleConnsPerHost: 10
      disableHTTP2: true
      forwardingTimeouts: { dialTimeout: 5, responseHeaderTimeout: 2s, readIdleTimeout: 10s }
      spiffe: { ids: ["spiffe://example.org/a"] }
    typo:
      insecureSkipVerfy: true
  services:
    app:
      loadBalancer:
        servers: [{ url: "https://127.0.0.1:9443" }]
        serversTransport: secure
`;

test('http.serversTransports are validated one by one: durations normalised, misspelt keys named, spiffe ignored', () => {
  const { config, issues } = validate(DYNAMIC);
  assert.deepEqual(config.http.serversTransports?.secure?.forwardingTimeouts, {
    dialTimeout: '5',
    responseHeaderTimeout: '2s',
    readIdleTimeout: '10s',
  });
  assert.equal(config.http.serversTransports?.typo, undefined, 'the broken transport alone is left out');
  const messages = issues.map((issue) => `${issue.key}: ${issue.message}`);
  assert.ok(
    messages.some((m) => m.includes('http.serversTransports.typo') && m.includes('did you mean "insecureSkipVerify"')),
    messages.join('\n'),
  );
  assert.ok(
    messages.some((m) => m.startsWith('http.serversTransports.secure.spiffe:')),
    messages.join('\n'),
  );
  assert.equal(config.http.services.app?.loadBalancer?.serversTransport, 'secure');
});

test('transports are qualified by provider and reach the services that name them', () => {
  const file = validate(DYNAMIC).config;
  const docker = validate(`
http:
  services:
    api:
      loadBalancer: { servers: [{ url: "https://127.0.0.1:9444" }], serversTransport: secure@file }
    lost:
      loadBalancer: { servers: [{ url: "https://127.0.0.1:9445" }], serversTransport: secur }
`).config;
  let configuration: Configuration | undefined;
  const aggregator = new Aggregator(0, (merged) => (configuration = merged));
  aggregator.update('file', { config: file, issues: [] });
  aggregator.update('docker', { config: docker, issues: [] });
  assert.deepEqual(Object.keys(configuration!.http.serversTransports), ['secure@file']);

  writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----\n');
  const layer = createServiceLayer(
    { entryPoints: {}, providers: {}, source: { file: join(dir, 'portier.yml') } },
    () => {},
  );
  const routing = buildWebRouting(configuration!, layer.build, dir);
  assert.equal(routing.services['app@file']?.view.error, undefined);
  assert.equal(routing.services['api@docker']?.view.error, undefined);
  assert.match(
    routing.services['lost@docker']?.view.error?.join() ?? '',
    /serversTransport "secur@docker" does not exist; define it under http.serversTransports/,
  );
  void layer.close();
});

test('transport settings: Traefik defaults and the meaning of maxIdleConnsPerHost', () => {
  const defaults = transportOptions({}, 'serversTransport', dir);
  assert.deepEqual(
    [defaults.connectTimeout, defaults.headersTimeout, defaults.keepAliveTimeout, defaults.maxIdle, defaults.http2],
    [30_000, 0, 90_000, 200, true],
  );
  assert.equal(defaults.tls.rejectUnauthorized, true);
  assert.equal(transportOptions({ maxIdleConnsPerHost: 0 }, 'k', dir).maxIdle, 2, "Go's default for 0");
  assert.equal(transportOptions({ maxIdleConnsPerHost: -1 }, 'k', dir).maxIdle, 0, 'no reuse');
  const tls = transportOptions({ insecureSkipVerify: true, minVersion: 'VersionTLS13' }, 'k', dir).tls;
  assert.deepEqual([tls.rejectUnauthorized, tls.minVersion], [false, 'TLSv1.3']);
});

test('transport errors name the exact key and say how to fix it', () => {
  const failure = (settings: Parameters<typeof transportOptions>[0]): string => {
    try {
      transportOptions(settings, 'http.serversTransports.t@file', dir);
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      return error.describe();
    }
    assert.fail('expected a ConfigError');
  };
  assert.match(
    failure({ rootCAs: ['ca.pem', 'missing.pem'] }),
    /^http\.serversTransports\.t@file\.rootCAs\[1\]: cannot read "missing\.pem" .*give a PEM file path or the PEM text/,
  );
  assert.match(
    failure({ certificates: [{ certFile: 'nope.crt', keyFile: 'nope.key' }] }),
    /http\.serversTransports\.t@file\.certificates\[0\]\.certFile: cannot read "nope\.crt"/,
  );
  assert.match(failure({ maxVersion: 'TLS1.2' }), /maxVersion: unknown TLS version "TLS1.2"; use one of VersionTLS10/);
  assert.match(
    failure({ forwardingTimeouts: { pingTimeout: 'soon' } }),
    /^http\.serversTransports\.t@file\.forwardingTimeouts\.pingTimeout: "soon" is not a duration/,
  );
});

test('the static serversTransport takes insecureSkipVerify and rootCAs, read next to the static file', () => {
  writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nstatic\n-----END CERTIFICATE-----\n');
  const file = join(dir, 'static.yml');
  writeFileSync(file, 'serversTransport:\n  insecureSkipVerify: true\n  rootCAs: [ca.pem]\n');
  const { config, errors, warnings } = loadStaticConfig({ configFile: file, args: [], env: {} });
  assert.deepEqual([errors, warnings], [[], []]);
  assert.deepEqual(config.serversTransport, { insecureSkipVerify: true, rootCAs: ['ca.pem'] });
  const tls = transportOptions(config.serversTransport, 'serversTransport', dir).tls;
  assert.equal(tls.rejectUnauthorized, false);
  assert.match(String(tls.ca), /static/);
});

test('a v1 file’s InsecureSkipVerify and RootCAs (list or comma-separated) become the static serversTransport', () => {
  const file = join(dir, 'traefik.toml');
  writeFileSync(file, 'InsecureSkipVerify = true\nRootCAs = "a.pem, b.pem"\nMaxIdleConnsPerHost = 5\n');
  const { config, errors, warnings } = loadStaticConfig({ configFile: file, args: [], env: {} });
  assert.deepEqual(errors, []);
  assert.ok(!warnings.some((warning) => /insecureSkipVerify|rootCAs/i.test(warning)), warnings.join('\n'));
  assert.deepEqual(config.serversTransport, {
    insecureSkipVerify: true,
    rootCAs: ['a.pem', 'b.pem'],
    maxIdleConnsPerHost: 5,
  });
});

test('the file provider merges serversTransports from several files, the first file winning a duplicate', async () => {
  const files = join(dir, 'dynamic');
  mkdirSync(files);
  writeFileSync(join(files, 'a.yml'), 'http:\n  serversTransports:\n    shared: { insecureSkipVerify: true }\n');
  writeFileSync(
    join(files, 'b.yml'),
    'http:\n  serversTransports:\n    shared: { serverName: b }\n    own: { maxIdleConnsPerHost: 1 }\n',
  );
  const snapshot = await loadDynamicFiles({ directory: files }, dir);
  assert.deepEqual(snapshot.config.http.serversTransports, {
    shared: { insecureSkipVerify: true },
    own: { maxIdleConnsPerHost: 1 },
  });
  assert.match(
    snapshot.issues.map((issue) => issue.message).join('\n'),
    /serversTransport "shared" is defined in both/,
  );
});
