import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { tempDir } from '../helpers/portier.js';
import { makeCa, makeLeaf } from '../helpers/tls-certs.js';

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));
const leaf = makeLeaf(dir, makeCa(dir), 'known', ['known.test']);

interface Outcome {
  listed: { domains: string[]; isDefault: boolean }[][];
  unknownName: boolean;
  knownName: boolean;
  /** Error lines of the JSON log. */
  errors: string[];
}

/**
 * Runs a real TlsManager in a child process whose PATH has (or has not) openssl: the generated
 * certificate is made once per process, so each case needs a fresh one.
 */
async function runTlsManager(path: string): Promise<Outcome> {
  const manager = pathToFileURL(join(import.meta.dirname, '../../src/tls/tls-manager.ts')).href;
  const script = `
    const { TlsManager } = await import(${JSON.stringify(manager)});
    const tls = new TlsManager(${JSON.stringify(dir)});
    tls.update({ certificates: [{ certFile: 'known.crt', keyFile: 'known.key' }] }, {});
    const listed = [tls.list(), tls.list()];
    const unknownName = tls.choose('other.test').certificate !== undefined;
    const knownName = tls.choose('known.test').certificate?.cert === ${JSON.stringify(leaf.cert)};
    tls.close();
    console.log(JSON.stringify({ listed, unknownName, knownName }));
  `;
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    { env: { ...process.env, PATH: path, PORTIER_LOG_LEVEL: 'error' } },
  );
  const errors = stderr.split('\n').filter((line) => line.includes('"level":50'));
  return { ...(JSON.parse(stdout) as Omit<Outcome, 'errors'>), errors };
}

test('without openssl there is no default certificate: the API lists the configured ones, unknown names are refused', async () => {
  const outcome = await runTlsManager(dir);
  for (const listed of outcome.listed) {
    assert.deepEqual(
      listed.map((c) => [c.domains, c.isDefault]),
      [[['known.test'], false]],
    );
  }
  assert.equal(outcome.unknownName, false);
  assert.equal(outcome.knownName, true);
  assert.equal(outcome.errors.length, 1, outcome.errors.join('\n'));
  assert.match(outcome.errors[0]!, /openssl/);
  assert.match(outcome.errors[0]!, /Install openssl or configure tls\.stores\.default\.defaultCertificate/);
});

test('with openssl the generated default certificate is listed and serves unknown names', async () => {
  const outcome = await runTlsManager(process.env.PATH ?? '');
  assert.deepEqual(
    outcome.listed[0]!.map((c) => c.isDefault),
    [false, true],
  );
  assert.equal(outcome.unknownName, true);
  assert.deepEqual(outcome.errors, []);
});
