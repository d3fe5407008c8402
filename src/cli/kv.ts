/**
 * `portier kv put|get|ls|rm`: edits the embedded KV store (`providers.embedded`, a SQLite file)
 * that a running Portier watches; changes are live within 200 ms.
 */
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { loadStaticConfig } from '../config/static/index.js';
import { decodeKvPairs, embeddedStorePath, openSqliteStore, type KvStore } from '../providers/kv/index.js';

const STORE_OPTIONS = `Options:
  --file PATH            The store file (default: providers.embedded.filename of the
                         configuration, else ./portier-kv.db)
  -c, --configFile FILE  Read providers.embedded (filename, rootKey) from this configuration
  -h, --help             Show this help`;

interface Command {
  usage: string;
  run: (store: KvStore, args: string[], flags: Flags) => Promise<number>;
}

interface Flags {
  recursive: boolean;
  rootKey: string;
}

const COMMANDS: Record<string, Command> = {
  put: {
    usage: `portier kv put <key> <value>
  Sets a key, e.g. portier kv put traefik/http/routers/web/rule 'Host(\`example.com\`)'.
  Warns when the value makes the object it belongs to invalid.`,
    run: async (store, [key, value], flags) => {
      if (key === undefined || value === undefined) return usage('put');
      await store.put(key, value);
      for (const issue of decode(await store.list(`${flags.rootKey}/`), flags.rootKey)) {
        if (issue.key === key) console.error(`warning: ${key}: ${issue.message}`);
      }
      return 0;
    },
  },
  get: {
    usage: 'portier kv get <key>\n  Prints the value; exits 1 if the key does not exist.',
    run: async (store, [key]) => {
      if (key === undefined) return usage('get');
      const value = await store.get(key);
      if (value === undefined) return fail(`${key}: no such key`);
      console.log(value);
      return 0;
    },
  },
  ls: {
    usage: 'portier kv ls [prefix]\n  Lists key = value for every key starting with prefix (default: every key).',
    run: async (store, [prefix]) => {
      for (const { key, value } of await store.list(prefix ?? '')) console.log(`${key} = ${value}`);
      return 0;
    },
  },
  rm: {
    usage: 'portier kv rm <key> [-r|--recursive]\n  Deletes a key, or with -r every key starting with it.',
    run: async (store, [key], flags) => {
      if (key === undefined) return usage('rm');
      const removed = await store.delete(key, { prefix: flags.recursive });
      if (removed === 0) return fail(`${key}: no such key`);
      if (flags.recursive) console.log(`removed ${removed} key(s)`);
      return 0;
    },
  },
};

const HELP = `Usage: portier kv <command> [options]

Edits the embedded KV store (providers.embedded) in Traefik's key layout; a running Portier
applies each change within 200 ms.

Commands:
${Object.values(COMMANDS)
  .map((command) => `  ${command.usage.split('\n')[0]}`)
  .join('\n')}

${STORE_OPTIONS}
`;

export async function runKvCommand(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) {
    if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
      console.log(HELP);
      return name === undefined ? 2 : 0;
    }
    return fail(`unknown command "${name}"; see portier kv --help`, 2);
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        file: { type: 'string' },
        configFile: { type: 'string', short: 'c' },
        recursive: { type: 'boolean', short: 'r' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return fail(`${(error as Error).message}; see portier kv ${name} --help`, 2);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(`Usage: ${command.usage}\n\n${STORE_OPTIONS}`);
    return 0;
  }
  const target = storeTarget(values.file, values.configFile);
  if (typeof target === 'string') return fail(target);
  const store = await openSqliteStore(target.file);
  try {
    return await command.run(store, positionals, { recursive: values.recursive ?? false, rootKey: target.rootKey });
  } finally {
    await store.close();
  }
}

/** The store file and root key: `--file` wins, then the configuration's providers.embedded. */
function storeTarget(
  file: string | undefined,
  configFile: string | undefined,
): { file: string; rootKey: string } | string {
  if (configFile === undefined)
    return { file: embeddedStorePath({ filename: file }, process.cwd()), rootKey: 'traefik' };
  const { config, errors } = loadStaticConfig({ configFile, args: [], env: process.env });
  if (errors.length > 0) return errors.map((error) => error.describe()).join('\n');
  const embedded = config.providers.embedded;
  const baseDir = dirname(config.source?.file ?? configFile);
  return {
    file: file ?? embeddedStorePath(embedded, baseDir),
    rootKey: (embedded?.rootKey ?? 'traefik').replace(/^\/+|\/+$/g, ''),
  };
}

function decode(pairs: Awaited<ReturnType<KvStore['list']>>, rootKey: string) {
  return decodeKvPairs(pairs, rootKey, 'embedded').issues;
}

function usage(command: string): number {
  console.error(`Usage: ${COMMANDS[command]!.usage}`);
  return 2;
}

function fail(message: string, code = 1): number {
  console.error(`portier kv: ${message}`);
  return code;
}
