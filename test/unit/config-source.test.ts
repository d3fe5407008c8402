import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfigText } from '../../src/config/source/index.js';

describe('configuration sources: key positions', () => {
  it('finds TOML keys in tables, arrays of tables and inline tables', () => {
    const text = [
      '# a comment with [brackets]',
      'title = """',
      '[not.a.table]',
      'x = 1"""',
      '[http.services.app.loadBalancer]',
      '  [[http.services.app.loadBalancer.servers]]',
      '  url = "http://a"',
      '  [[http.services.app.loadBalancer.servers]]',
      '  ulr = "http://b"',
      '[http.routers]',
      'web = { rule = "Path(`/`)", "service" = "app", tls = { options = "x" } }',
      'list = [',
      '  { a = 1 },',
      '  { b = 2 },',
      ']',
    ].join('\n');
    const source = parseConfigText(text, 'f.toml');
    const at = (path: string) => source.locate(path.split('.'));
    assert.equal(at('http.services.app.loadBalancer.servers.1.ulr'), 'f.toml:9:3');
    assert.equal(at('http.services.app.loadBalancer.servers.0'), 'f.toml:6:3');
    assert.equal(at('http.routers.web.service'), 'f.toml:11:29');
    assert.equal(at('http.routers.web.tls.options'), 'f.toml:11:56');
    assert.equal(at('http.routers.list.1.b'), 'f.toml:14:5');
    assert.equal(at('not'), undefined, 'text inside a multi-line string is not a table');
    assert.equal(at('http.routers.web.missing'), 'f.toml:11:1', 'falls back to the closest parent');
  });

  it('finds YAML keys, ignoring case when the exact key is absent', () => {
    const source = parseConfigText('http:\n  routers:\n    - a\n    - b: 1\nentryPoints:\n  web: {}\n', 'f.yml');
    assert.equal(source.locate(['http', 'routers', '1', 'b']), 'f.yml:4:7');
    assert.equal(source.locate(['entrypoints', 'web']), 'f.yml:6:3');
    assert.equal(source.locate(['nothing']), undefined);
  });

  it('expands YAML merge keys, as Go YAML does for Traefik files', () => {
    const source = parseConfigText('defaults: &d\n  passHostHeader: false\nlb:\n  <<: *d\n  servers: []\n', 'f.yml');
    assert.deepEqual(source.data, { defaults: { passHostHeader: false }, lb: { passHostHeader: false, servers: [] } });
  });

  it('rejects unknown extensions and reports syntax errors with positions', () => {
    assert.throws(() => parseConfigText('', 'f.json'), /name it with a \.toml, \.yml or \.yaml extension/);
    assert.throws(
      () => parseConfigText('a: 1\na: 2\n', 'f.yml'),
      (error: Error & { location?: string }) => error.location === 'f.yml:2:1' && /unique/.test(error.message),
    );
  });
});
