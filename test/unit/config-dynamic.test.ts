import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateDynamicConfig } from '../../src/config/dynamic/index.js';
import { parseConfigText } from '../../src/config/source/index.js';

function validate(text: string, file = 'dynamic.yml') {
  const source = parseConfigText(text, file);
  return validateDynamicConfig(source.data, { location: source.locate });
}

const GOOD_YAML = `
http:
  routers:
    web:
      rule: Host(\`example.com\`)
      service: app
      middlewares: [strip]
  services:
    app:
      loadBalancer:
        servers:
          - url: http://127.0.0.1:9000
        healthCheck: { path: /health, interval: 10 }
    canary:
      weighted:
        services: [{ name: app, weight: 3 }]
  middlewares:
    strip:
      stripPrefix: { prefixes: [/api] }
    gzip:
      compress:
  consumers:
    alice:
      apiKeys: [secret]
`;

describe('dynamic configuration validation', () => {
  it('accepts a valid v3 configuration as written', () => {
    const { config, issues } = validate(GOOD_YAML);
    assert.deepEqual(issues, []);
    assert.deepEqual(config.http.routers.web, { rule: 'Host(`example.com`)', service: 'app', middlewares: ['strip'] });
    assert.deepEqual(config.http.services.app?.loadBalancer, {
      servers: [{ url: 'http://127.0.0.1:9000' }],
      healthCheck: { path: '/health', interval: '10' },
    });
    assert.deepEqual(config.http.middlewares.gzip, { compress: {} });
    assert.deepEqual(config.http.consumers, { alice: { apiKeys: ['secret'] } });
  });

  it('drops only the broken object and names key, file:line:col and the fix', () => {
    const text = GOOD_YAML.replace('      service: app\n', '      servce: app\n');
    const { config, issues } = validate(text);
    assert.deepEqual(Object.keys(config.http.routers), []);
    assert.deepEqual(Object.keys(config.http.services), ['app', 'canary'], 'the rest keeps serving');
    assert.deepEqual(issues, [
      {
        message: 'unknown key "servce" (did you mean "service"?)',
        key: 'http.routers.web.servce',
        location: 'dynamic.yml:6:7',
        object: { kind: 'router', name: 'web' },
      },
      {
        message: 'is required (expected string)',
        key: 'http.routers.web.service',
        location: 'dynamic.yml:4:5',
        object: { kind: 'router', name: 'web' },
      },
    ]);
  });

  it('catches casing mistakes: keys are case-sensitive but the hint is not', () => {
    const text =
      'http:\n  services:\n    app:\n      loadBalancer:\n        passhostheader: false\n        servers: []\n';
    const { config, issues } = validate(text);
    assert.deepEqual(config.http.services, {});
    assert.equal(issues[0]?.message, 'unknown key "passhostheader" (did you mean "passHostHeader"?)');
    assert.equal(issues[0]?.location, 'dynamic.yml:5:9');
  });

  it('reports TOML positions too', () => {
    const text = '[http.routers.api]\nrule = "Path(`/`)"\nservice = "x"\nprority = 3\n';
    const { issues } = validate(text, 'rules.toml');
    assert.deepEqual(
      issues.map((issue) => `${issue.location} ${issue.key}: ${issue.message}`),
      ['rules.toml:4:1 http.routers.api.prority: unknown key "prority" (did you mean "priority"?)'],
    );
  });

  it('checks the shape of services and middlewares', () => {
    const text = [
      'http:',
      '  services:',
      '    none: {}',
      '    two: { loadBalancer: { servers: [] }, failover: { service: a, fallback: b } }',
      '    slow: { loadBalancer: { servers: [], healthCheck: { interval: soon } } }',
      '  middlewares:',
      '    double: { stripPrefix: { prefixes: [/a] }, addPrefix: { prefix: /b } }',
      '    flat: { stripPrefix: /a }',
    ].join('\n');
    const { config, issues } = validate(text);
    assert.deepEqual(config.http.services, {});
    assert.deepEqual(config.http.middlewares, {});
    const byObject = Object.fromEntries(issues.map((issue) => [issue.object?.name, issue.message]));
    assert.match(byObject.none ?? '', /exactly one of loadBalancer, weighted, mirroring or failover/);
    assert.match(byObject.two ?? '', /exactly one of/);
    assert.match(byObject.slow ?? '', /"soon" is not a duration/);
    assert.match(byObject.double ?? '', /exactly one type, found 2/);
    assert.match(byObject.flat ?? '', /must be the options of this middleware type/);
  });

  it('reports unknown sections with a hint and accepts tcp/udp/tls silently', () => {
    const text = 'htp:\n  routers: {}\ntcp:\n  routers: {}\ntls:\n  options: {}\nhttp:\n  router: {}\n';
    const { issues } = validate(text);
    assert.deepEqual(
      issues.map((issue) => [issue.key, issue.message, issue.location]),
      [
        ['htp', 'unknown key "htp" (did you mean "http"?)', 'dynamic.yml:1:1'],
        ['http.router', 'unknown key "router" (did you mean "routers"?)', 'dynamic.yml:8:3'],
      ],
    );
  });

  it('rejects names containing @', () => {
    const { config, issues } = validate('http:\n  routers:\n    a@docker: { rule: "Path(`/`)", service: s }\n');
    assert.deepEqual(config.http.routers, {});
    assert.match(issues[0]?.message ?? '', /"a@docker" is not a valid name/);
  });

  it('treats an empty file as an empty configuration', () => {
    assert.deepEqual(validate('').issues, []);
    assert.deepEqual(validate('# nothing yet\n', 'x.toml').config.http.routers, {});
  });
});

describe('dynamic configuration: newer Traefik settings', () => {
  it('accepts them with an issue instead of dropping the object', () => {
    const text = [
      'http:',
      '  services:',
      '    app:',
      '      loadBalancer:',
      '        strategy: p2c',
      '        servers:',
      '          - url: http://127.0.0.1:1',
      '            preservePath: true',
    ].join('\n');
    const { config, issues } = validate(text);
    assert.deepEqual(config.http.services.app, { loadBalancer: { servers: [{ url: 'http://127.0.0.1:1' }] } });
    assert.deepEqual(
      issues.map((issue) => [issue.key, issue.location, issue.object]),
      [
        ['http.services.app.loadBalancer.strategy', 'dynamic.yml:5:9', undefined],
        ['http.services.app.loadBalancer.servers.0.preservePath', 'dynamic.yml:8:13', undefined],
      ],
    );
  });
});
