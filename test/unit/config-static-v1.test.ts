import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadStaticConfig } from '../../src/config/static/index.js';
import { tempFile } from '../helpers/config-temp-files.js';

const load = (file: string, args: string[] = []) => loadStaticConfig({ configFile: file, args, env: {} });

describe('static configuration: Traefik v1 files', () => {
  it('translates the classic guide file: port, debug, [web] and an empty [file]', () => {
    const file = tempFile(
      'traefik.toml',
      'port = ":80"\ndebug = true\n[web]\naddress = ":8080"\n[file]\n\n[backends.b.servers.s]\nurl = "http://127.0.0.1:9000"\n',
    );
    const result = load(file);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.config.entryPoints, { http: { address: ':80' }, traefik: { address: ':8080' } });
    assert.deepEqual(result.config.api, { insecure: true, dashboard: true });
    assert.equal(result.config.log?.level, 'DEBUG');
    assert.deepEqual(result.config.providers, { file: { filename: file } });
    assert.match(result.warnings[0] ?? '', /read as a Traefik v1 file/);
  });

  it('marks defaultEntryPoints, translates redirects, timeouts and [api]', () => {
    const file = tempFile(
      'traefik.toml',
      [
        'defaultEntryPoints = ["http", "https"]',
        'logLevel = "warn"',
        'graceTimeOut = "5s"',
        '[entryPoints]',
        '  [entryPoints.http]',
        '  address = ":80"',
        '    [entryPoints.http.redirect]',
        '    entryPoint = "https"',
        '  [entryPoints.https]',
        '  address = ":443"',
        '    [entryPoints.https.tls]',
        '  [entryPoints.admin]',
        '  address = ":9000"',
        '[api]',
        'dashboard = false',
        '[ping]',
        'entryPoint = "admin"',
      ].join('\n'),
    );
    const result = load(file);
    assert.deepEqual(result.errors, []);
    const lifeCycle = { transport: { lifeCycle: { graceTimeOut: '5s' } } };
    assert.deepEqual(result.config.entryPoints, {
      http: {
        address: ':80',
        asDefault: true,
        http: { redirections: { entryPoint: { to: 'https', scheme: 'https', permanent: false } } },
        ...lifeCycle,
      },
      https: { address: ':443', asDefault: true, ...lifeCycle },
      admin: { address: ':9000', ...lifeCycle },
      traefik: { address: ':8080' },
    });
    assert.deepEqual(result.config.api, { insecure: true, dashboard: false });
    assert.equal(result.config.log?.level, 'WARN');
    assert.equal(result.config.ping?.entryPoint, 'admin');
    assert.ok(result.warnings.some((warning) => warning.includes('"entryPoints.https.tls" is not translated')));
  });

  it('turns [docker] into providers.docker with the domain and the v1 label marker', () => {
    const file = tempFile(
      'traefik.toml',
      '[docker]\nendpoint = "unix:///var/run/docker.sock"\ndomain = "docker.localhost"\nwatch = true\nexposedbydefault = false\nnetwork = "web"\n',
    );
    const result = load(file);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.config.providers.docker, {
      endpoint: 'unix:///var/run/docker.sock',
      domain: 'docker.localhost',
      watch: true,
      exposedByDefault: false,
      network: 'web',
      v1: true,
    });
    assert.deepEqual(result.config.entryPoints, { http: { address: ':80' } }, 'v1 default entry point');
  });

  it('turns [docker] swarmmode into providers.swarm', () => {
    const file = tempFile('traefik.toml', '[docker]\nswarmmode = true\ndomain = "example.com"\n');
    assert.deepEqual(load(file).config.providers, { swarm: { domain: 'example.com', v1: true } });
  });

  it('reports unknown v1 keys with line and hint, and undeclared default entry points', () => {
    const file = tempFile(
      'traefik.toml',
      'defaultEntryPoints = ["http", "https"]\n[entryPoints.http]\naddress = ":80"\n[docker]\nendpont = "tcp://x"\n',
    );
    const described = load(file).errors.map((error) => error.describe());
    assert.deepEqual(described, [
      `${file}:5:1: docker.endpont: unknown key "endpont" (did you mean "endpoint"?)`,
      `${file}:1:1: defaultEntryPoints: names the entry point "https", which is not declared: add [entryPoints.https] with an address, or remove it from the list`,
    ]);
  });

  it('lets flags override a v1 file in v3 terms', () => {
    const file = tempFile('traefik.toml', 'port = ":80"\n');
    const result = load(file, ['--entryPoints.http.address=:8081']);
    assert.deepEqual(result.config.entryPoints, { http: { address: ':8081' } });
  });
});
