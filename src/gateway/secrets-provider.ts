import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { extname, resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { validateDynamicConfig } from '../config/dynamic/index.js';
import { emptyDynamicConfig } from '../config/dynamic/types.js';
import type { Provider, ProviderSnapshot } from '../providers/types.js';

/**
 * The `gateway.secretsFile` provider: consumers (`consumers.<name>` with hmacKeys, apiKeys,
 * basicAuth) kept out of the routing configuration, so the file can be readable by Portier alone.
 * Consumers appear as `<name>@secrets`. The file is polled, so a rotated key applies without a
 * restart; a file that stops parsing keeps its last good consumers and reports the error.
 */
export function createSecretsProvider(path: string, baseDir: string): Provider {
  const file = resolve(baseDir, path);
  let last: ProviderSnapshot | undefined;
  let emitter: ((snapshot: ProviderSnapshot) => void) | undefined;
  const reload = (): void => {
    last = readSecrets(file, last);
    emitter?.(last);
  };
  return {
    name: 'secrets',
    start(emit) {
      emitter = emit;
      reload();
      watchFile(file, { interval: 2000, persistent: false }, reload);
      return Promise.resolve();
    },
    stop() {
      unwatchFile(file, reload);
      emitter = undefined;
      return Promise.resolve();
    },
  };
}

/** Reads the file; on a parse error keeps `previous` consumers and adds the issue. */
export function readSecrets(file: string, previous?: ProviderSnapshot): ProviderSnapshot {
  let raw: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    raw = ['.yml', '.yaml'].includes(extname(file).toLowerCase()) ? parseYaml(text) : parseToml(text);
  } catch (error) {
    return {
      config: previous?.config ?? emptyDynamicConfig(),
      issues: [
        {
          message: `cannot read the secrets file: ${(error as Error).message}`,
          key: 'gateway.secretsFile',
          location: file,
        },
      ],
    };
  }
  const keys = raw && typeof raw === 'object' ? Object.keys(raw) : [];
  const stray = keys.filter((key) => key !== 'consumers');
  const consumers = (raw as { consumers?: unknown } | null)?.consumers ?? {};
  const { config, issues } = validateDynamicConfig({ http: { consumers } }, {});
  for (const issue of issues) issue.location ??= file;
  if (stray.length) {
    issues.push({
      message: `only "consumers" belongs in the secrets file; move ${stray.map((k) => `"${k}"`).join(', ')} to the dynamic configuration`,
      key: 'gateway.secretsFile',
      location: file,
    });
  }
  return { config, issues };
}
