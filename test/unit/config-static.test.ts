import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadStaticConfig } from '../../src/config/static/index.js';
import { tempFile } from '../helpers/config-temp-files.js';

const load = (configFile: string | undefined, args: string[] = [], env: NodeJS.ProcessEnv = {}) =>
  loadStaticConfig({ configFile, args, env });

const messages = (result: ReturnType<typeof load>) => result.errors.map((error) => error.describe());

describe('static configuration: files', () => {
  it('reads a v3 YAML file with canonical keys', () => {
    const file = tempFile(
      'traefik.yml',
      [
        'entryPoints:',
        '  web:',
        '    address: ":8000"',
        '    transport:',
        '      respondingTimeouts: { readTimeout: 10s }',
        'providers:',
        '  providersThrottleDuration: 1s',
        '  file: { directory: /etc/portier, watch: true }',
        '  docker:',
        '    exposedByDefault: false',
        '    network: proxy',
        'log: { level: debug }',
        'accessLog: { format: json, fields: { headers: { defaultMode: redact } } }',
      ].join('\n'),
    );
    const result = load(file);
    assert.deepEqual(messages(result), []);
    assert.deepEqual(result.config.entryPoints, {
      web: { address: ':8000', transport: { respondingTimeouts: { readTimeout: '10s' } } },
    });
    assert.deepEqual(result.config.providers, {
      providersThrottleDuration: '1s',
      file: { directory: '/etc/portier', watch: true },
      docker: { exposedByDefault: false, network: 'proxy' },
    });
    assert.equal(result.config.log?.level, 'DEBUG');
    assert.equal(result.config.accessLog?.fields?.headers?.defaultMode, 'redact');
    assert.equal(result.config.source?.file, file);
  });

  it('reads TOML and matches keys ignoring case, as Traefik does', () => {
    const file = tempFile(
      'traefik.toml',
      '[entrypoints.websecure]\naddress = ":443"\n[providers.docker]\nexposedbydefault = false\n[api]\ninsecure = true\n',
    );
    const result = load(file);
    assert.deepEqual(messages(result), []);
    assert.deepEqual(result.config.entryPoints.websecure, { address: ':443' });
    assert.equal(result.config.providers.docker?.exposedByDefault, false);
    assert.deepEqual(result.config.entryPoints.traefik, { address: ':8080' });
  });

  it('names an unknown YAML key with file:line:col and the closest valid key', () => {
    const file = tempFile('traefik.yml', 'entryPoints:\n  web:\n    adress: ":80"\n');
    const result = load(file);
    const [unknown] = result.errors.filter((error) => error.message.startsWith('unknown key'));
    assert.ok(unknown);
    assert.equal(unknown.key, 'entryPoints.web.adress');
    assert.equal(unknown.location, `${file}:3:5`);
    assert.match(unknown.message, /did you mean "address"/);
  });

  it('names an unknown TOML key with its line, inside nested tables', () => {
    const file = tempFile(
      'traefik.toml',
      '[entryPoints.web]\naddress = ":80"\n\n[entryPoints.web.transport.respondingTimeouts]\n  readTimout = "10s"\n',
    );
    const result = load(file);
    assert.deepEqual(messages(result), [
      `${file}:5:3: entryPoints.web.transport.respondingTimeouts.readTimout: unknown key "readTimout" (did you mean "readTimeout"?)`,
    ]);
    assert.equal(result.config.entryPoints.web?.address, ':80', 'the valid part is kept');
  });

  it('reports a syntax error with its position', () => {
    const file = tempFile('traefik.toml', '[api]\ninsecure = = true\n');
    const [error] = load(file).errors;
    assert.equal(error?.location, `${file}:2:12`);
    assert.match(error?.message ?? '', /TOML syntax error/);
  });

  it('rejects bad values with the key and a fix', () => {
    const file = tempFile('p.yml', 'providers:\n  providersThrottleDuration: soon\nping:\n  entryPoint: nowhere\n');
    const result = load(file);
    assert.deepEqual(messages(result), [
      `${file}:2:3: providers.providersThrottleDuration: "soon" is not a duration: write a duration like "10s", "250ms" or "1m30s", or a number of seconds`,
      `${file}:4:3: ping.entryPoint: names the entry point "nowhere", which is not declared: declare entryPoints.nowhere.address or use one of "web"`,
    ]);
  });

  it('warns about Traefik settings it does not act on instead of failing', () => {
    const file = tempFile('t.yml', 'global:\n  checkNewVersion: false\ntracing: { otlp: {} }\n');
    const result = load(file);
    assert.deepEqual(messages(result), []);
    assert.equal(result.warnings.length, 2);
    assert.match(result.warnings[0]!, /"global" is a Traefik setting Portier does not support/);
  });

  it('reports a missing file', () => {
    const [error] = load('/nonexistent/portier.yml').errors;
    assert.match(error?.message ?? '', /does not exist/);
  });
});

describe('static configuration: flags and env', () => {
  it('reads flags alone, with typed values and canonical keys', () => {
    const result = load(undefined, [
      '--entrypoints.web.address=:8000',
      '--api.insecure',
      '--providers.file.directory=/x',
      '--providers.file.watch=false',
      '--entryPoints.web.forwardedHeaders.trustedIPs=10.0.0.0/8,127.0.0.1',
      '--metrics.prometheus.buckets=0.1,0.3',
      '--entryPoints.websecure.address=:443',
      '--entryPoints.websecure.http.tls',
    ]);
    assert.deepEqual(messages(result), []);
    assert.deepEqual(result.config.entryPoints, {
      web: { address: ':8000', forwardedHeaders: { trustedIPs: ['10.0.0.0/8', '127.0.0.1'] } },
      websecure: { address: ':443', http: { tls: {} } },
      traefik: { address: ':8080' },
    });
    assert.deepEqual(result.config.providers.file, { directory: '/x', watch: false });
    assert.deepEqual(result.config.metrics?.prometheus, { buckets: [0.1, 0.3], entryPoint: 'traefik' });
  });

  it('reads PORTIER_ and TRAEFIK_ env vars, names with underscores included', () => {
    const result = load(undefined, [], {
      PORTIER_ENTRYPOINTS_WEB_ADDRESS: ':8000',
      TRAEFIK_ENTRYPOINTS_MY_API_ADDRESS: ':9000',
      TRAEFIK_PROVIDERS_DOCKER_EXPOSEDBYDEFAULT: 'false',
      TRAEFIK_PORT: 'tcp://10.0.0.2:80',
      HOME: '/root',
    });
    assert.deepEqual(messages(result), []);
    assert.deepEqual(result.config.entryPoints, { web: { address: ':8000' }, my_api: { address: ':9000' } });
    assert.equal(result.config.providers.docker?.exposedByDefault, false);
    assert.deepEqual(result.warnings, ['env TRAEFIK_PORT is not a static setting Portier knows; it is ignored']);
  });

  it('lower-cases names of sections from env but keeps the case of value names', () => {
    const result = load(undefined, [], {
      PORTIER_ENTRYPOINTS_WEB_ADDRESS: ':80',
      PORTIER_FUNCTIONS_ENV_HELLO_API_KEY: 'k',
      PORTIER_ACCESSLOG_FIELDS_HEADERS_NAMES_USER_AGENT: 'redact',
    });
    assert.deepEqual(messages(result), []);
    assert.deepEqual(result.config.entryPoints, { web: { address: ':80' } });
    assert.deepEqual(result.config.functions?.env, { hello: { API_KEY: 'k' } });
    assert.deepEqual(result.config.accessLog?.fields?.headers?.names, { USER_AGENT: 'redact' });
  });

  it('applies precedence file < env < flags', () => {
    const file = tempFile('p.toml', '[entryPoints.web]\naddress = ":1"\n[log]\nlevel = "ERROR"\nformat = "common"\n');
    const result = load(file, ['--log.level=debug'], {
      PORTIER_ENTRYPOINTS_WEB_ADDRESS: ':2',
      PORTIER_LOG_LEVEL: 'WARN',
    });
    assert.deepEqual(messages(result), []);
    assert.equal(result.config.entryPoints.web?.address, ':2');
    assert.deepEqual(result.config.log, { level: 'DEBUG', format: 'common' });
  });

  it('names the flag or env var of an unknown key, with a hint', () => {
    const result = load(undefined, ['--entryPoints.web.adress=:80'], { PORTIER_API_INSECUR: 'true' });
    assert.deepEqual(messages(result), [
      'env PORTIER_API_INSECUR: api.insecur: unknown key "insecur" under "api" (did you mean "insecure"?)',
      'flag --entryPoints.web.adress: entryPoints.web.adress: unknown key "adress" (did you mean "address"?)',
      'flag --entryPoints.web.adress: entryPoints.web.address: is required: the address to listen on, like ":80", "0.0.0.0:8080" or "[::]:443"',
    ]);
  });

  it('rejects arguments that are not settings', () => {
    assert.match(messages(load(undefined, ['serve']))[0] ?? '', /unexpected argument "serve"/);
    assert.deepEqual(messages(load(undefined, ['-c', 'x.toml', '--configFile=y.toml'])), []);
  });
});

describe('static configuration: defaults', () => {
  it('declares web on :80 when no entry point is declared', () => {
    const result = load(undefined);
    assert.deepEqual(result.config.entryPoints, { web: { address: ':80' } });
    assert.deepEqual(result.config.providers, {});
  });

  it('adds the traefik entry point for the API, ping and metrics unless they name another', () => {
    assert.deepEqual(Object.keys(load(undefined, ['--ping']).config.entryPoints), ['web', 'traefik']);
    const own = load(undefined, ['--ping.entryPoint=web', '--entryPoints.web.address=:80']).config;
    assert.deepEqual(Object.keys(own.entryPoints), ['web']);
    assert.deepEqual(own.ping, { entryPoint: 'web', terminatingStatusCode: 503 });
    const declared = load(undefined, ['--api.insecure', '--entryPoints.traefik.address=:9999']).config;
    assert.deepEqual(declared.entryPoints, { traefik: { address: ':9999' } });
    assert.deepEqual(declared.api, { insecure: true, dashboard: true });
  });

  it('moves Traefik v2 providers.docker.swarmMode to providers.swarm', () => {
    const result = load(undefined, ['--providers.docker.swarmMode', '--providers.docker.endpoint=tcp://m:2375']);
    assert.deepEqual(result.config.providers, { swarm: { endpoint: 'tcp://m:2375' } });
  });
});
