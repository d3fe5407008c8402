import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateDynamicConfig } from '../../src/config/dynamic/index.js';
import { parseConfigText } from '../../src/config/source/index.js';

const validate = (tcp: unknown) => validateDynamicConfig({ tcp }, { name: 'file' } as never);

test('TCP middlewares and weighted services are kept; broken ones are reported against themselves', () => {
  const { config, issues } = validate({
    routers: { db: { rule: 'HostSNI(`*`)', service: 'split', middlewares: ['lan'] } },
    services: {
      a: { loadBalancer: { servers: [{ address: '10.0.0.1:5432' }] } },
      split: { weighted: { services: [{ name: 'a', weight: 2 }] } },
      both: { loadBalancer: { servers: [] }, weighted: { services: [] } },
      pp: { loadBalancer: { servers: [{ address: 'a:1' }], proxyProtocol: { version: 2 } } },
      st: { loadBalancer: { servers: [{ address: 'a:1' }], serversTransport: 'mytransport' } },
      td: { loadBalancer: { servers: [{ address: 'a:1' }], terminationDelay: 100 } },
      tdms: { loadBalancer: { servers: [{ address: 'a:1' }], terminationDelay: '100ms' } },
    },
    middlewares: {
      lan: { ipAllowList: { sourceRange: ['10.0.0.0/8'] } },
      cap: { inFlightConn: { amount: 0 } },
      two: { ipAllowList: { sourceRange: [] }, inFlightConn: { amount: 1 } },
    },
  });
  assert.deepEqual(Object.keys(config.tcp!.services!).sort(), ['a', 'split', 'td']);
  assert.deepEqual(Object.keys(config.tcp!.middlewares!), ['lan']);
  assert.deepEqual(config.tcp!.routers!.db!.middlewares, ['lan']);
  const byObject = new Map(issues.map((issue) => [`${issue.object?.kind}:${issue.object?.name}`, issue]));
  assert.match(byObject.get('tcpService:both')!.message, /exactly one of loadBalancer or weighted/);
  assert.equal(byObject.get('tcpService:pp')!.key, 'tcp.services.pp.loadBalancer.proxyProtocol');
  assert.match(byObject.get('tcpService:pp')!.message, /PROXY protocol header; remove it/);
  assert.equal(byObject.get('tcpService:st')!.key, 'tcp.services.st.loadBalancer.serversTransport');
  assert.match(byObject.get('tcpService:st')!.message, /not supported yet: .*system CAs.*; remove it/);
  assert.equal(config.tcp!.services!.td!.loadBalancer!.terminationDelay, 100);
  assert.equal(byObject.get('tcpService:tdms')!.key, 'tcp.services.tdms.loadBalancer.terminationDelay');
  assert.equal(byObject.get('tcpMiddleware:cap')!.key, 'tcp.middlewares.cap.inFlightConn.amount');
  assert.match(byObject.get('tcpMiddleware:two')!.message, /exactly one type/);
});

test('tcp.serversTransports is refused with the fix, not passed over in silence', () => {
  const { config, issues } = validate({
    serversTransports: { secure: { tls: { insecureSkipVerify: true } } },
    routers: { db: { rule: 'HostSNI(`*`)', service: 'a' } },
  });
  assert.deepEqual(Object.keys(config.tcp!.routers!), ['db']);
  const refused = issues.filter((issue) => issue.key === 'tcp.serversTransports');
  assert.equal(refused.length, 1);
  assert.match(refused[0]!.message, /is not supported yet: .*remove the section/);
});

test('the tcp and udp sections answer a mistake in the section itself alike: did-you-mean and where', () => {
  const source = { name: 'file', location: (path: string[]) => `dynamic.yml:${path.join('/')}` };
  const { issues } = validateDynamicConfig(
    {
      tcp: { routrs: {}, services: [], serversTransports: {} },
      udp: { middlewares: {}, servics: {}, routers: 'dns' },
    },
    source,
  );
  const byKey = Object.fromEntries(issues.map((issue) => [issue.key, issue]));
  assert.deepEqual(byKey['tcp.routrs'], {
    message: 'unknown key "routrs": tcp has routers, services and middlewares (did you mean "routers"?)',
    key: 'tcp.routrs',
    location: 'dynamic.yml:tcp/routrs',
  });
  assert.deepEqual(byKey['udp.servics'], {
    message: 'unknown key "servics": udp has routers and services (did you mean "services"?)',
    key: 'udp.servics',
    location: 'dynamic.yml:udp/servics',
  });
  assert.match(byKey['udp.middlewares']!.message, /^unknown key "middlewares": udp has routers and services/);
  assert.equal(byKey['tcp.serversTransports']!.location, 'dynamic.yml:tcp/serversTransports');
  assert.match(byKey['tcp.serversTransports']!.message, /is not supported yet/);
  assert.deepEqual(byKey['tcp.services'], {
    message: 'must be a table of named services',
    key: 'tcp.services',
    location: 'dynamic.yml:tcp/services',
  });
  assert.equal(byKey['udp.routers']!.message, 'must be a table of named routers');

  const notTables = validateDynamicConfig({ tcp: 'db', udp: 53 }, source).issues;
  assert.deepEqual(
    notTables.map((issue) => [issue.key, issue.message, issue.location]),
    [
      ['tcp', 'must be a table of routers, services and middlewares', 'dynamic.yml:tcp'],
      ['udp', 'must be a table of routers and services', 'dynamic.yml:udp'],
    ],
  );
});

test('tcp and udp refuse object names that are empty or hold "@", as http does, and keep the others', () => {
  const yaml = [
    'tcp:',
    '  routers:',
    '    "db@docker": { rule: "HostSNI(`*`)", service: pg }',
    '    "": { rule: "HostSNI(`*`)", service: pg }',
    '    db: { rule: "HostSNI(`*`)", service: pg }',
    '  services:',
    '    "pg@file": { loadBalancer: { servers: [{ address: "10.0.0.1:5432" }] } }',
    '    pg: { loadBalancer: { servers: [{ address: "10.0.0.1:5432" }] } }',
    '  middlewares:',
    '    "": { inFlightConn: { amount: 1 } }',
    'udp:',
    '  routers:',
    '    "dns@docker": { service: resolver }',
    '    dns: { service: resolver }',
    '  services:',
    '    "": { loadBalancer: { servers: [{ address: "10.0.0.2:53" }] } }',
    '    resolver: { loadBalancer: { servers: [{ address: "10.0.0.2:53" }] } }',
    '',
  ].join('\n');
  const toml = [
    '[tcp.routers."db@docker"]\nrule = "HostSNI(`*`)"\nservice = "pg"',
    '[tcp.routers.""]\nrule = "HostSNI(`*`)"\nservice = "pg"',
    '[tcp.routers.db]\nrule = "HostSNI(`*`)"\nservice = "pg"',
    '[[tcp.services."pg@file".loadBalancer.servers]]\naddress = "10.0.0.1:5432"',
    '[[tcp.services.pg.loadBalancer.servers]]\naddress = "10.0.0.1:5432"',
    '[tcp.middlewares."".inFlightConn]\namount = 1',
    '[udp.routers."dns@docker"]\nservice = "resolver"',
    '[udp.routers.dns]\nservice = "resolver"',
    '[[udp.services."".loadBalancer.servers]]\naddress = "10.0.0.2:53"',
    '[[udp.services.resolver.loadBalancer.servers]]\naddress = "10.0.0.2:53"',
    '',
  ].join('\n');
  for (const [file, text] of [
    ['dynamic.yml', yaml],
    ['dynamic.toml', toml],
  ] as const) {
    const source = parseConfigText(text, file);
    const { config, issues } = validateDynamicConfig(source.data, { location: source.locate });
    assert.deepEqual(Object.keys(config.tcp!.routers!), ['db'], file);
    assert.deepEqual(Object.keys(config.tcp!.services!), ['pg'], file);
    assert.deepEqual(config.tcp!.middlewares, {}, file);
    assert.deepEqual(Object.keys(config.udp!.routers!), ['dns'], file);
    assert.deepEqual(Object.keys(config.udp!.services!), ['resolver'], file);
    const refused = (name: string) =>
      `"${name}" is not a valid name: names may not be empty or contain "@" (it is added when qualifying by provider)`;
    assert.deepEqual(
      issues.map((issue) => [issue.key, issue.object, issue.message]).sort(),
      [
        ['tcp.middlewares.', { kind: 'tcpMiddleware', name: '' }, refused('')],
        ['tcp.routers.', { kind: 'tcpRouter', name: '' }, refused('')],
        ['tcp.routers.db@docker', { kind: 'tcpRouter', name: 'db@docker' }, refused('db@docker')],
        ['tcp.services.pg@file', { kind: 'tcpService', name: 'pg@file' }, refused('pg@file')],
        ['udp.routers.dns@docker', { kind: 'udpRouter', name: 'dns@docker' }, refused('dns@docker')],
        ['udp.services.', { kind: 'udpService', name: '' }, refused('')],
      ],
      file,
    );
    for (const issue of issues)
      assert.match(issue.location ?? '', new RegExp(`^${file.replace('.', '\\.')}:\\d+:\\d+$`));
  }
});
