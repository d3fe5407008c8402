import { ConfigError } from '../errors.js';
import type { Locate } from '../schema/parse-located.js';
import type { StaticConfigInput } from './schema.js';
import type { StaticConfig } from './types.js';

/**
 * Traefik's defaults: with no entry point declared, `web` listens on :80. The API (insecure mode),
 * ping and Prometheus metrics are served on the entry point `traefik` (:8080) unless told
 * otherwise, and that entry point is created when they need it.
 */
export function withDefaults(input: StaticConfigInput, file: string | undefined): StaticConfig {
  const entryPoints = { ...input.entryPoints };
  if (Object.keys(entryPoints).length === 0) entryPoints.web = { address: ':80' };
  const config: StaticConfig = { ...input, entryPoints, providers: input.providers ?? {} };
  if (config.api) config.api = { dashboard: true, ...config.api };
  if (config.ping) config.ping = { entryPoint: 'traefik', terminatingStatusCode: 503, ...config.ping };
  if (config.metrics?.prometheus) {
    config.metrics = { ...config.metrics, prometheus: { entryPoint: 'traefik', ...config.metrics.prometheus } };
  }
  const internalNeeded =
    config.api?.insecure === true ||
    config.ping?.entryPoint === 'traefik' ||
    config.metrics?.prometheus?.entryPoint === 'traefik';
  if (internalNeeded) entryPoints.traefik ??= { address: ':8080' };
  if (file !== undefined) config.source = { file };
  return config;
}

/** Every entry point the static configuration names must be declared. */
export function checkEntryPointReferences(config: StaticConfig, locate: Locate): ConfigError[] {
  const references: [string[], string | undefined][] = [
    [['ping', 'entryPoint'], config.ping?.entryPoint],
    [['metrics', 'prometheus', 'entryPoint'], config.metrics?.prometheus?.entryPoint],
    ...Object.entries(config.entryPoints).map(([name, entryPoint]): [string[], string | undefined] => [
      ['entryPoints', name, 'http', 'redirections', 'entryPoint', 'to'],
      entryPoint.http?.redirections?.entryPoint?.to,
    ]),
  ];
  const declared = Object.keys(config.entryPoints);
  return references
    .filter(([, name]) => name !== undefined && !declared.includes(name))
    .map(
      ([path, name]) =>
        new ConfigError(
          `names the entry point "${name}", which is not declared: declare entryPoints.${name}.address or use one of ${declared.map((n) => `"${n}"`).join(', ')}`,
          path.join('.'),
          locate(path),
        ),
    );
}
