import { closestKey } from '../did-you-mean.js';
import { ConfigError } from '../errors.js';
import { canonicalKey, childSchema, unwrapSchema } from '../schema/walk.js';

/** Settings from flags or env vars, as a raw tree, with where each one came from. */
export interface Settings {
  tree: Record<string, unknown>;
  origins: { path: string[]; origin: string }[];
  errors: ConfigError[];
  warnings: string[];
}

const CONFIG_FILE_FLAGS = new Set(['-c', '--configfile']);

/**
 * Reads `--entryPoints.web.address=:8000` style flags. A bare `--api.insecure` means `true`.
 * `--configFile`/`-c` belong to the command line itself and are skipped here.
 */
export function settingsFromFlags(args: readonly string[]): Settings {
  const settings = emptySettings();
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    const equals = arg.indexOf('=');
    const name = equals < 0 ? arg : arg.slice(0, equals);
    if (CONFIG_FILE_FLAGS.has(name.toLowerCase())) {
      if (equals < 0) index += 1;
      continue;
    }
    const path = name.startsWith('--') ? name.slice(2).split('.') : [];
    if (path.length === 0 || path.some((segment) => segment === '')) {
      settings.errors.push(
        new ConfigError(
          `unexpected argument "${arg}": write static settings as --key=value, for example --entryPoints.web.address=:80`,
          undefined,
          'command line',
        ),
      );
      continue;
    }
    setPath(settings.tree, path, equals < 0 ? true : arg.slice(equals + 1));
    settings.origins.push({ path, origin: `flag ${name}` });
  }
  return settings;
}

const ENV_PREFIXES = ['TRAEFIK_', 'PORTIER_'] as const;

/**
 * Reads `PORTIER_ENTRYPOINTS_WEB_ADDRESS=:8000` (and Traefik's `TRAEFIK_` prefix, which
 * PORTIER_ overrides). Words are matched to the schema, so names may contain underscores.
 * Unknown TRAEFIK_ variables only warn, since containers often carry unrelated ones (Docker links
 * define `TRAEFIK_PORT`); unknown PORTIER_ variables are errors with a hint.
 */
export function settingsFromEnv(env: NodeJS.ProcessEnv, schema: unknown): Settings {
  const settings = emptySettings();
  for (const prefix of ENV_PREFIXES) {
    for (const [name, value] of Object.entries(env)) {
      if (!name.toUpperCase().startsWith(prefix) || value === undefined) continue;
      const words = name.slice(prefix.length).split('_');
      const path = resolveEnvWords(schema, words);
      if (path) {
        setPath(settings.tree, path, value);
        settings.origins.push({ path, origin: `env ${name}` });
      } else if (prefix === 'PORTIER_') {
        settings.errors.push(unknownEnvError(schema, words, name));
      } else {
        settings.warnings.push(`env ${name} is not a static setting Portier knows; it is ignored`);
      }
    }
  }
  return settings;
}

function resolveEnvWords(schema: unknown, words: string[]): string[] | undefined {
  if (words.length === 0) return [];
  const def = unwrapSchema(schema);
  if (def?.type === 'record') {
    // A name (entry point, header…) may span several words: try the shortest first.
    const valueIsSection = ['object', 'record'].includes(unwrapSchema(def.valueType)?.type ?? '');
    for (let length = 1; length <= words.length; length++) {
      const rest = resolveEnvWords(def.valueType, words.slice(length));
      if (rest && !(valueIsSection && rest.length === 0)) {
        // Names of sections are lower-cased as Traefik does (`WEB` → `web`); names that map to
        // values (function env vars, header names) keep their case.
        const name = words.slice(0, length).join('_');
        return [valueIsSection ? name.toLowerCase() : name, ...rest];
      }
    }
    return undefined;
  }
  const key = canonicalKey(def, words[0]!);
  if (key === undefined) return undefined;
  const rest = resolveEnvWords(def?.shape?.[key], words.slice(1));
  return rest && [key, ...rest];
}

function unknownEnvError(schema: unknown, words: string[], name: string): ConfigError {
  let def = unwrapSchema(schema);
  const known: string[] = [];
  for (const word of words.map((written) => written.toLowerCase())) {
    const key = def?.type === 'record' ? word : canonicalKey(def, word);
    if (key === undefined) {
      const guess = def?.shape ? closestKey(word, Object.keys(def.shape)) : undefined;
      const hint = guess ? ` (did you mean "${guess}"?)` : '';
      const at = known.length > 0 ? ` under "${known.join('.')}"` : '';
      return new ConfigError(`unknown key "${word}"${at}${hint}`, [...known, word].join('.'), `env ${name}`);
    }
    known.push(key);
    def = unwrapSchema(childSchema(def, key));
  }
  return new ConfigError('is not a static setting', known.join('.'), `env ${name}`);
}

function emptySettings(): Settings {
  return { tree: {}, origins: [], errors: [], warnings: [] };
}

function setPath(tree: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = tree;
  for (const segment of path.slice(0, -1)) {
    const child = node[segment];
    if (typeof child !== 'object' || child === null || Array.isArray(child)) node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}
