import { resolve } from 'node:path';
import { ConfigError } from '../../errors.js';
import type { Locate } from '../../schema/parse-located.js';
import { translateV1Constraints } from './constraints.js';
import { ignoredV1Settings, type V1StaticInput } from './schema.js';

type Tree = Record<string, unknown>;

export interface V1Translation {
  /** The same settings in v3 shape, ready for the v3 schema. */
  tree: Tree;
  warnings: string[];
  errors: ConfigError[];
}

/**
 * Translates a validated v1 static file into the v3 model. `file` is the static file's path: an
 * empty `[file]` section means the dynamic configuration sits in this same file.
 */
export function translateV1Static(v1: V1StaticInput, file: string | undefined, locate: Locate): V1Translation {
  const warnings = ignoredV1Settings(v1).map(
    (path) =>
      `${locate(path.split('.')) ?? 'v1 file'}: v1 setting "${path}" is not translated by Portier; it is ignored`,
  );
  const errors: ConfigError[] = [];
  const entryPoints = translateEntryPoints(v1, warnings, locate);

  for (const name of v1.defaultEntryPoints ?? []) {
    const entryPoint = entryPoints[name];
    if (entryPoint) entryPoint.asDefault = true;
    else
      errors.push(
        new ConfigError(
          `names the entry point "${name}", which is not declared: add [entryPoints.${name}] with an address, or remove it from the list`,
          'defaultEntryPoints',
          locate(['defaultEntryPoints']),
        ),
      );
  }

  const tree: Tree = { entryPoints };
  const api = translateApi(v1, entryPoints, warnings, locate);
  if (api) tree.api = api;
  if (v1.ping) tree.ping = { ...v1.ping };
  const prometheus =
    v1.metrics?.prometheus ?? (v1.web?.metrics?.prometheus && { ...v1.web.metrics.prometheus, entryPoint: 'traefik' });
  if (prometheus) tree.metrics = { prometheus };
  const log = translateLog(v1);
  if (log) tree.log = log;
  const accessLog = translateAccessLog(v1);
  if (accessLog) tree.accessLog = accessLog;
  const transport = compact({
    insecureSkipVerify: v1.insecureSkipVerify,
    rootCAs: typeof v1.rootCAs === 'string' ? v1.rootCAs.split(',').map((ca) => ca.trim()) : v1.rootCAs,
    maxIdleConnsPerHost: v1.maxIdleConnsPerHost,
    forwardingTimeouts: v1.forwardingTimeouts,
  });
  if (transport) tree.serversTransport = transport;
  tree.providers = translateProviders(v1, file, errors, locate);
  return { tree, warnings, errors };
}

function translateEntryPoints(v1: V1StaticInput, warnings: string[], locate: Locate): Record<string, Tree> {
  const entryPoints: Record<string, Tree> = {};
  for (const [name, entryPoint] of Object.entries(v1.entryPoints ?? {})) {
    const translated: Tree = { address: entryPoint.address ?? ':80' };
    if (entryPoint.forwardedHeaders) translated.forwardedHeaders = entryPoint.forwardedHeaders;
    const redirect = entryPoint.redirect;
    if (redirect?.entryPoint) {
      const target = v1.entryPoints?.[redirect.entryPoint];
      translated.http = {
        redirections: {
          entryPoint: {
            to: redirect.entryPoint,
            scheme: target?.tls !== undefined ? 'https' : 'http',
            // v1 redirected with 302 unless told otherwise; v3 defaults to permanent.
            permanent: redirect.permanent ?? false,
          },
        },
      };
    } else if (redirect) {
      warnings.push(
        `${locate(['entryPoints', name, 'redirect']) ?? 'v1 file'}: entryPoints.${name}.redirect with regex/replacement is not translated; add a redirectRegex middleware to the routers instead`,
      );
    }
    entryPoints[name] = translated;
  }
  if (v1.port !== undefined) {
    if (entryPoints.http) {
      warnings.push(`${locate(['port']) ?? 'v1 file'}: "port" is ignored because [entryPoints.http] is declared`);
    } else {
      entryPoints.http = { address: v1.port };
    }
  }
  if (v1.web) entryPoints.traefik ??= { address: v1.web.address ?? ':8080' };
  // Traefik v1 listened on :80 as "http" when nothing was declared.
  if (Object.keys(entryPoints).filter((name) => name !== 'traefik').length === 0) entryPoints.http = { address: ':80' };

  const transport = compact({
    respondingTimeouts: compact({
      ...(v1.idleTimeout !== undefined ? { idleTimeout: v1.idleTimeout } : {}),
      ...v1.respondingTimeouts,
    }),
    lifeCycle: compact({
      ...(v1.graceTimeOut !== undefined ? { graceTimeOut: v1.graceTimeOut } : {}),
      ...v1.lifeCycle,
    }),
  });
  if (transport) for (const entryPoint of Object.values(entryPoints)) entryPoint.transport = transport;
  return entryPoints;
}

function translateApi(
  v1: V1StaticInput,
  entryPoints: Record<string, Tree>,
  warnings: string[],
  locate: Locate,
): Tree | undefined {
  if (!v1.web && !v1.api) return undefined;
  const requested = v1.api?.entryPoint;
  if (requested && requested !== 'traefik') {
    const address = (entryPoints[requested]?.address as string | undefined) ?? ':8080';
    entryPoints.traefik ??= { address };
    warnings.push(
      `${locate(['api', 'entryPoint']) ?? 'v1 file'}: api.entryPoint "${requested}": Portier serves the API on the entry point "traefik" (${String(entryPoints.traefik.address)})`,
    );
  }
  return compact({ insecure: true, dashboard: v1.api?.dashboard ?? true, debug: v1.api?.debug });
}

function translateLog(v1: V1StaticInput): Tree | undefined {
  const level = v1.debug ? 'DEBUG' : v1.logLevel?.toUpperCase();
  return compact({
    level,
    filePath: v1.traefikLog?.filePath ?? v1.traefikLogsFile,
    format: v1.traefikLog?.format,
  });
}

function translateAccessLog(v1: V1StaticInput): Tree | undefined {
  if (!v1.accessLog && v1.accessLogsFile === undefined) return undefined;
  const { filePath = v1.accessLogsFile, format, bufferingSize, filters, fields } = v1.accessLog ?? {};
  return compact({ filePath, format, bufferingSize, filters, fields }) ?? {};
}

function translateProviders(v1: V1StaticInput, file: string | undefined, errors: ConfigError[], locate: Locate): Tree {
  const providers: Tree = {};
  if (v1.file) {
    const { filename, directory, watch } = v1.file;
    const sameFile = filename === undefined && directory === undefined && file !== undefined;
    providers.file = compact({ filename: sameFile ? resolve(file) : filename, directory, watch }) ?? {};
  }
  if (v1.docker) {
    const { swarmMode, swarmModeRefreshSeconds, endpoint, domain, watch, exposedByDefault, network, useBindPortIP } =
      v1.docker;
    const docker = compact({
      endpoint,
      domain,
      watch,
      exposedByDefault,
      network,
      useBindPortIP,
      refreshSeconds: swarmMode ? swarmModeRefreshSeconds : undefined,
      constraints: dockerConstraints(v1, errors, locate),
      v1: true,
    });
    providers[swarmMode ? 'swarm' : 'docker'] = docker;
  }
  return providers;
}

/** The global and `[docker]` v1 constraints, all of which must hold, as a v3 expression. */
function dockerConstraints(v1: V1StaticInput, errors: ConfigError[], locate: Locate): string | undefined {
  const expressions: string[] = [];
  for (const [path, entries] of [
    [['constraints'], v1.constraints],
    [['docker', 'constraints'], v1.docker?.constraints],
  ] as const) {
    if (!entries?.length) continue;
    try {
      expressions.push(translateV1Constraints(entries, path.join('.'), locate([...path])));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      errors.push(error);
    }
  }
  return expressions.length ? expressions.join(' && ') : undefined;
}

/** The object without its undefined members, or undefined when nothing is left. */
function compact(object: Record<string, unknown>): Tree | undefined {
  const entries = Object.entries(object).filter(([, value]) => value !== undefined);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}
