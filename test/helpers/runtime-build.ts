import type { Configuration } from '../../src/providers/aggregator.js';
import { MiddlewareTypes } from '../../src/runtime/build-middlewares.js';
import { buildRouting, type Routing } from '../../src/runtime/build.js';
import type { ServiceFactory } from '../../src/runtime/build-services.js';

/** Builds the HTTP routing of a merged configuration for one `web` entry point, with no internal routes. */
export function buildWebRouting(
  configuration: Configuration,
  serviceFactory: ServiceFactory,
  baseDir: string,
): Routing {
  return buildRouting({
    configuration,
    entryPoints: ['web'],
    defaultEntryPoints: ['web'],
    internalRouters: {},
    internalServices: new Map(),
    middlewareTypes: new MiddlewareTypes(),
    serviceFactory,
    baseDir,
  });
}
