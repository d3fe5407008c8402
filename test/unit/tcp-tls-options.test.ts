import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { TcpRouterConfig, TlsConfig } from '../../src/config/dynamic/types.js';
import { TlsManager } from '../../src/tls/tls-manager.js';
import { tempDir } from '../helpers/portier.js';
import { makeCa, makeLeaf } from '../helpers/tls-certs.js';

const dir = tempDir();
const leaf = makeLeaf(dir, makeCa(dir), 'proxy', ['db.test', 'a.wild.test', 'admin.test']);
const tls: TlsConfig = {
  certificates: [{ certFile: leaf.certFile, keyFile: leaf.keyFile }],
  options: { 'strict@file': { minVersion: 'VersionTLS13' } },
};
const manager = new TlsManager(dir);
after(() => manager.close());

function update(tcpRouters: Record<string, TcpRouterConfig>): void {
  manager.update(tls, {}, tcpRouters);
}

test("a TCP router's own tls.options win over the server name's, and unknown ones refuse the connection", () => {
  update({
    'db@file': { rule: 'HostSNI(`db.test`)', service: 's', tls: {} },
    'any@file': { rule: 'HostSNIRegexp(`.`)', service: 's', tls: { options: 'strict' } },
    'typo@file': { rule: 'HostSNI(`*`)', service: 's', tls: { options: 'strickt' } },
  });
  assert.equal(manager.choose('db.test', 'strict@file').options.name, 'strict@file');
  assert.equal(manager.choose('db.test').options.name, 'default');
  assert.equal(manager.choose('db.test', 'default@docker').options.name, 'default');
  const refused = manager.choose('db.test', 'strickt@file');
  assert.equal(refused.certificate, undefined);
  assert.ok(
    manager.errors.some((e) =>
      /^tcp\.routers\.typo@file\.tls\.options: "strickt@file" does not exist; fix it or define it under tls\.options/.test(
        e,
      ),
    ),
    manager.errors.join('\n'),
  );
});

test('names under ! get no options; wildcard HostSNI names lend theirs to the names they cover', () => {
  update({
    'all-but-admin@file': { rule: 'HostSNI(`*`) && !HostSNI(`admin.test`)', service: 's', tls: { options: 'strict' } },
    'wild@file': { rule: 'HostSNI(`*.wild.test`)', service: 's', tls: { options: 'strict' } },
  });
  assert.equal(manager.choose('admin.test').options.name, 'default');
  assert.equal(manager.choose('a.wild.test').options.name, 'strict@file');
  assert.equal(manager.choose('a.b.wild.test').options.name, 'default');
  assert.ok(manager.choose('a.wild.test').certificate);
});

test('a fully qualified server name (trailing dot) gets the options and certificate of the name without it', () => {
  update({
    'db@file': { rule: 'HostSNI(`db.test`)', service: 's', tls: { options: 'strict' } },
    'wild@file': { rule: 'HostSNI(`*.wild.test`)', service: 's', tls: { options: 'strict' } },
  });
  for (const name of ['db.test.', 'DB.test.', 'a.wild.test.']) {
    const choice = manager.choose(name);
    assert.equal(choice.options.name, 'strict@file', name);
    assert.equal(choice.certificate?.cert, manager.choose(name.slice(0, -1)).certificate?.cert, name);
  }
});
