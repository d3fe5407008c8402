import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createSecretsProvider, readSecrets } from '../../src/gateway/secrets-provider.js';
import type { ProviderSnapshot } from '../../src/providers/types.js';

const dir = mkdtempSync(join(tmpdir(), 'portier-gw-secrets-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('gateway secrets file', () => {
  it('provides consumers from TOML and reports a broken one by its key', async () => {
    writeFileSync(
      join(dir, 'secrets.toml'),
      [
        '[consumers.device]',
        'hmacKeys = [{ id = "device-1", secretBase64 = "c2VjcmV0LWJ5dGVz" }]',
        '[consumers.shop]',
        'apiKeys = ["k-123"]',
        '[consumers.broken]',
        'hmacKeys = [{ id = "b", secret = "x", secretBase64 = "eA==" }]',
      ].join('\n'),
    );
    const provider = createSecretsProvider('secrets.toml', dir);
    const snapshots: ProviderSnapshot[] = [];
    await provider.start((snapshot) => snapshots.push(snapshot));
    await provider.stop();
    assert.equal(provider.name, 'secrets');
    const { config, issues } = snapshots[0]!;
    assert.deepEqual(Object.keys(config.http.consumers ?? {}).sort(), ['device', 'shop']);
    assert.equal(issues.length, 1);
    assert.match(String(issues[0]!.key), /consumers\.broken/);
  });

  it('keeps the last good consumers when the file stops parsing, and refuses other sections', () => {
    const file = join(dir, 'secrets.yml');
    writeFileSync(file, 'consumers:\n  app:\n    apiKeys: ["k-1"]\nhttp: {}\n');
    const good = readSecrets(file);
    assert.deepEqual(Object.keys(good.config.http.consumers ?? {}), ['app']);
    assert.match(good.issues[0]!.message, /only "consumers" belongs in the secrets file; move "http"/);
    writeFileSync(file, 'consumers: [unclosed\n');
    const broken = readSecrets(file, good);
    assert.deepEqual(Object.keys(broken.config.http.consumers ?? {}), ['app']);
    assert.match(broken.issues[0]!.message, /cannot read the secrets file/);
  });
});
