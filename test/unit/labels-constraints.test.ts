import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadStaticConfig } from '../../src/config/static/index.js';
import { translateV1Constraints } from '../../src/config/static/v1/constraints.js';
import { ConfigError } from '../../src/config/errors.js';
import { compileConstraints } from '../../src/providers/docker/constraints.js';
import { snapshotOf, workloadOptions } from '../../src/providers/docker/docker-provider.js';
import type { Workload } from '../../src/providers/docker/workload.js';
import { tempFile } from '../helpers/config-temp-files.js';

function container(name: string, labels: Record<string, string>): Workload {
  return {
    id: name,
    name,
    serviceName: name,
    v1Name: name,
    labels,
    running: true,
    networks: { bridge: ['172.17.0.9'] },
    hostNetwork: false,
    exposedPorts: [80],
  };
}

describe('constraints', () => {
  it('are parsed by the rule parser: its syntax errors, with the constraints example', () => {
    assert.throws(
      () => compileConstraints("Label('a', 'b')", 'providers.docker.constraints'),
      (error: ConfigError) =>
        error.key === 'providers.docker.constraints' &&
        /single quotes are not allowed at column 7/.test(error.message) &&
        /write e\.g\. Label\(`traefik\.zone`, `public`\)/.test(error.message),
    );
    assert.throws(() => compileConstraints('Label(`a`, `b`) &&'), /expected a matcher at column 19/);
    assert.throws(() => compileConstraints('(Label(`a`, `b`)'), /unbalanced parentheses/);
    assert.throws(() => compileConstraints('LabelRegex(`a`, `(?=x)`)'), /regular expression/);
  });

  it('LabelRegex is a Go regexp, unanchored; Label is exact', () => {
    const c = compileConstraints('LabelRegex(`env`, `^prod-\\d+`) || Label(`zone`, `Public`)');
    assert.equal(c({ env: 'prod-12' }), true);
    assert.equal(c({ env: 'preprod-1' }), false);
    assert.equal(c({ zone: 'public' }), false);
    assert.equal(c({ zone: 'Public' }), true);
  });

  it('Tag and TagRegex read the comma-separated tags label under the configured prefix', () => {
    const c = compileConstraints('Tag(`api`) && !TagRegex(`^us-`)', 'k', 'edge');
    assert.equal(c({ 'edge.tags': 'web, api' }), true);
    assert.equal(c({ 'edge.tags': 'api,us-east' }), false);
    assert.equal(c({ 'traefik.tags': 'api' }), false);
    assert.equal(c({ 'portier.tags': 'api' }), true);
    assert.equal(c({}), false);
  });
});

describe('v1 constraints', () => {
  it('translate to Tag/TagRegex: == needs one matching tag, != none; * is a glob', () => {
    const expression = translateV1Constraints(['tag==api', ' tag != us-* ', 'tag==v1.2'], 'docker.constraints');
    assert.equal(expression, 'Tag(`api`) && !TagRegex(`^us-.*$`) && Tag(`v1.2`)');
    const c = compileConstraints(expression);
    assert.equal(c({ 'traefik.tags': 'api,v1.2' }), true);
    assert.equal(c({ 'traefik.tags': 'api,v1.2,us-west' }), false);
    assert.equal(c({ 'traefik.tags': 'api,v1x2' }), false, 'the dot is literal');
    assert.throws(
      () => translateV1Constraints(['tag==api', 'zone=eu'], 'docker.constraints'),
      (error: ConfigError) =>
        error.key === 'docker.constraints[1]' && /write tag==<value> or tag!=<value>/.test(error.message),
    );
  });

  it('a v1 file: [docker] and global constraints filter containers by their traefik.tags label', () => {
    const file = tempFile(
      'traefik.toml',
      [
        'constraints = ["tag!=internal"]',
        '[docker]',
        'endpoint = "unix:///var/run/docker.sock"',
        'domain = "docker.localhost"',
        'constraints = ["tag==api", "tag!=us-*"]',
      ].join('\n'),
    );
    const { config, errors } = loadStaticConfig({ configFile: file, args: [], env: {} });
    assert.deepEqual(errors, []);
    const docker = config.providers.docker!;
    assert.equal(docker.constraints, '!Tag(`internal`) && Tag(`api`) && !TagRegex(`^us-.*$`)');
    const { config: routed } = snapshotOf(
      [
        container('eu', { 'traefik.tags': 'api,eu-west', 'traefik.port': '80' }),
        container('us', { 'traefik.tags': 'api,us-east', 'traefik.port': '80' }),
        container('web', { 'traefik.tags': 'web', 'traefik.port': '80' }),
        container('secret', { 'traefik.tags': 'api,internal', 'traefik.port': '80' }),
      ],
      workloadOptions(docker, false, 'docker'),
    );
    assert.deepEqual(Object.keys(routed.http.routers), ['eu']);
    assert.equal(routed.http.routers.eu!.rule, 'Host(`eu.docker.localhost`)');
  });

  it('a malformed v1 constraint is a load error naming the entry and its line', () => {
    const file = tempFile(
      'traefik.toml',
      '[docker]\nendpoint = "unix:///var/run/docker.sock"\nconstraints = ["tag=api"]\n',
    );
    const { errors } = loadStaticConfig({ configFile: file, args: [], env: {} });
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.key, 'docker.constraints[0]');
    assert.match(errors[0]!.location ?? '', /traefik\.toml:3/);
  });
});
