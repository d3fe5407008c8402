/**
 * `functions@internal`: the first path segment names the function, the rest is matched against
 * its `route`. Routers reach it like any service, usually behind a stripPrefix.
 */
import type { RequestContext } from '../runtime/context.js';
import { respond } from '../runtime/respond.js';
import type { Service } from '../services/types.js';
import type { FunctionRuntimeCore } from './function-runtime.js';
import { serveInvocation } from './http-invoke.js';

export function createFunctionService(runtime: FunctionRuntimeCore): Service {
  return {
    handle: async (ctx: RequestContext) => {
      const match = /^\/([^/]+)(\/.*)?$/.exec(ctx.path);
      const name = match?.[1];
      const served = name ? await serveInvocation(runtime, name, match?.[2] ?? '/', ctx) : undefined;
      if (!served) respond(ctx, 404, 'no such function');
    },
    serverStatus: () => ({}),
    isAvailable: () => true,
  };
}
