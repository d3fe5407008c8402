import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { parseLocated, type Locate } from '../schema/parse-located.js';
import { mergeTrees } from '../schema/merge.js';
import { normalizeBySchema } from '../schema/walk.js';
import { readConfigFile } from '../source/index.js';
import { checkEntryPointReferences, withDefaults } from './defaults.js';
import { fileSettings } from './file-settings.js';
import { stripIgnoredSettings } from './ignored.js';
import { salvage } from './salvage.js';
import { staticConfigSchema } from './schema.js';
import { settingsFromEnv, settingsFromFlags, type Settings } from './settings.js';
import type { StaticConfig } from './types.js';

export type { StaticConfig } from './types.js';

export interface StaticLoadResult {
  config: StaticConfig;
  /** Each names the key, where it was written (`file:line:col`, `flag --x`, `env X`) and a fix. */
  errors: ConfigError[];
  warnings: string[];
}

type Tree = Record<string, unknown>;

/**
 * Loads the static configuration from a TOML/YAML file (v3, or v1 translated), env vars
 * (`PORTIER_…`/`TRAEFIK_…`) and flags (`--entryPoints.web.address=:8000`), in that order of
 * precedence (flags win). Keys match ignoring case and come out canonical. With errors, the
 * returned config holds what was valid, with defaults applied.
 */
export function loadStaticConfig(opts: {
  configFile?: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}): StaticLoadResult {
  const errors: ConfigError[] = [];
  const warnings: string[] = [];
  let fileTree: Tree = {};
  let locateInFile: Locate = () => undefined;
  const file = opts.configFile === undefined ? undefined : resolve(opts.configFile);

  if (opts.configFile !== undefined) {
    try {
      const source = readConfigFile(opts.configFile);
      locateInFile = source.locate;
      const settings = fileSettings(source);
      fileTree = settings.tree;
      errors.push(...settings.errors);
      warnings.push(...settings.warnings, ...stripIgnoredSettings(fileTree, opts.configFile));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      errors.push(error);
    }
  }

  const env = settingsFromEnv(opts.env, staticConfigSchema);
  const flags = settingsFromFlags(opts.args);
  const overrides = [env, flags].map((settings) => {
    errors.push(...settings.errors);
    warnings.push(...settings.warnings, ...stripIgnoredSettings(settings.tree, settings === env ? 'env' : 'flags'));
    return normalizeBySchema(settings.tree, staticConfigSchema);
  });
  const merged = overrides.reduce<unknown>((base, override) => mergeTrees(base, override), fileTree) as Tree;
  warnings.push(...moveV2SwarmMode(merged));

  const locate = locateSetting([flags, env], locateInFile);
  const parsed = parseLocated(staticConfigSchema, merged, [], locate);
  if (!parsed.ok) errors.push(...parsed.errors);
  const config = withDefaults(parsed.ok ? parsed.data : salvage(staticConfigSchema, merged, parsed.errors), file);
  errors.push(...checkEntryPointReferences(config, locate));
  return { config, errors, warnings };
}

/**
 * Where a key was set: the flag or env var that set it or something under it (they win), else
 * its place in the file, else the flag or env var that created its parent (a missing key).
 */
function locateSetting(sources: Settings[], locateInFile: Locate): Locate {
  const setUnder = (path: readonly string[]): string | undefined => {
    const wanted = path.map((segment) => segment.toLowerCase());
    for (const { origins } of sources) {
      const origin = origins.find(
        ({ path: set }) =>
          set.length >= wanted.length && wanted.every((segment, index) => set[index]!.toLowerCase() === segment),
      );
      if (origin) return origin.origin;
    }
    return undefined;
  };
  return (path) => setUnder(path) ?? locateInFile(path) ?? (path.length > 1 ? setUnder(path.slice(0, -1)) : undefined);
}

/** Traefik v2's `providers.docker.swarmMode` is `providers.swarm` in v3: move it there. */
function moveV2SwarmMode(tree: Tree): string[] {
  const providers = tree.providers as Tree | undefined;
  const docker = providers?.docker as Tree | undefined;
  if (!providers || docker?.swarmMode !== true || providers.swarm !== undefined) return [];
  const { swarmMode: _swarmMode, swarmModeRefreshSeconds, ...rest } = docker;
  providers.swarm = {
    ...rest,
    ...(swarmModeRefreshSeconds !== undefined ? { refreshSeconds: swarmModeRefreshSeconds } : {}),
  };
  delete providers.docker;
  return ['providers.docker.swarmMode is Traefik v2 style; read as providers.swarm'];
}
