import { dirname } from 'node:path';
import { loadStaticConfig } from '../config/static/index.js';
import type { StaticConfig } from '../config/static/types.js';
import { gatewayMiddlewareTypes } from '../gateway/middlewares.js';
import { builtinMiddlewareTypes } from '../middlewares/registry.js';
import { Aggregator } from '../providers/aggregator.js';
import { loadDynamicFiles } from '../providers/file/index.js';
import { MiddlewareTypes } from '../runtime/build-middlewares.js';
import { buildRouting } from '../runtime/build.js';
import { createServiceLayer } from '../runtime/service-layer.js';
import { takeConfigFile } from './args.js';
import { handlerService } from './assemble.js';
import { INTERNAL_SERVICE_NAMES, internalRouters } from './internal-routes.js';

const HELP = `Usage: portier check [-c FILE] [--<static.key>=VALUE…]

Validates the static configuration and the dynamic files its file provider points to: every
key, rule, middleware and service reference is checked exactly as a running Portier would.
Prints every problem with its key and location, and exits 1 if there is any.
`;

export async function runCheck(args: string[]): Promise<number> {
  const { configFile, rest, help } = takeConfigFile(args);
  if (help) {
    console.log(HELP);
    return 0;
  }
  const { config, errors, warnings } = loadStaticConfig({ configFile, args: rest, env: process.env });
  const problems = errors.map((e) => e.describe());
  for (const warning of warnings) console.log(`warning: ${warning}`);
  problems.push(...(await dynamicProblems(config)));
  for (const problem of problems) console.log(`error: ${problem}`);
  if (problems.length) {
    console.log(`${problems.length} error(s) found`);
    return 1;
  }
  console.log('configuration OK');
  return 0;
}

/** Compiles the file provider's configuration as the runtime would, without listening anywhere. */
async function dynamicProblems(config: StaticConfig): Promise<string[]> {
  if (!config.providers.file) return [];
  const baseDir = config.source?.file ? dirname(config.source.file) : process.cwd();
  const snapshot = await loadDynamicFiles(config.providers.file, baseDir);
  const problems = snapshot.issues.map((issue) =>
    [issue.location, issue.key, issue.message].filter(Boolean).join(': '),
  );
  const configuration = new Aggregator(0, () => undefined);
  configuration.update('file', snapshot);
  const services = createServiceLayer(config, () => undefined);
  try {
    const { routers: internal } = internalRouters(config);
    const routing = buildRouting({
      configuration: configuration.flush(),
      entryPoints: Object.keys(config.entryPoints),
      defaultEntryPoints: Object.keys(config.entryPoints),
      internalRouters: internal,
      internalServices: new Map(INTERNAL_SERVICE_NAMES.map((name) => [name, handlerService(() => undefined)])),
      middlewareTypes: new MiddlewareTypes(builtinMiddlewareTypes, gatewayMiddlewareTypes),
      serviceFactory: services.build,
      baseDir,
    });
    const objects = [
      ...Object.values(routing.routers).filter((r) => r.provider === 'file'),
      ...Object.values(routing.middlewares),
      ...Object.values(routing.services).map((s) => s.view),
    ];
    for (const object of objects) {
      for (const error of object.error ?? []) {
        if (!problems.some((p) => error.includes(p))) problems.push(`${object.name}: ${error}`);
      }
    }
  } finally {
    await services.close();
  }
  return problems;
}
