import { EventEmitter } from 'node:events';
import { dirname } from 'node:path';
import { createApiHandler } from '../api/index.js';
import { createAccessLog } from '../observability/access-log.js';
import { configureLogOutput, reopenLogFile } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { createRequestObserver } from '../observability/request-observer.js';
import type { RuntimeView } from '../runtime/view.js';
import { version } from './version.js';
import type { StaticConfig } from '../config/static/types.js';
import { clusterFunctionStore } from '../cluster/index.js';
import { activityOf } from '../functions/activity.js';
import { createFunctionRuntime } from '../functions/index.js';
import { closeGateway, configureGateway, gatewaySettings } from '../gateway/settings.js';
import { gatewayMiddlewareTypes } from '../gateway/middlewares.js';
import { builtinMiddlewareTypes } from '../middlewares/registry.js';
import { createDockerProvider } from '../providers/docker/docker-provider.js';
import { createSwarmProvider } from '../providers/docker/swarm-provider.js';
import { createFileProvider } from '../providers/file/index.js';
import { createSecretsProvider } from '../gateway/secrets-provider.js';
import { createJwksHandler } from '../gateway/signing-keys.js';
import { createKvProviders } from '../providers/kv/index.js';
import type { Provider } from '../providers/types.js';
import { MiddlewareTypes } from '../runtime/build-middlewares.js';
import { respond } from '../runtime/respond.js';
import type { Handler } from '../runtime/context.js';
import { Portier, type RuntimeEvents } from '../runtime/portier.js';
import { createServiceLayer } from '../runtime/service-layer.js';
import type { Service } from '../services/types.js';
import { internalRouters } from './internal-routes.js';

export interface Assembled {
  portier: Portier;
  /** Reopens the log and access-log files (SIGUSR1), after logrotate moved them. */
  reopenLogs: () => void;
  /** Stops the proxy gracefully, then the function runtime and gateway stores. */
  close: () => Promise<void>;
}

/** The composition root: builds every part the static configuration asks for and wires them. */
export function assemble(config: StaticConfig): Assembled {
  const baseDir = config.source?.file ? dirname(config.source.file) : process.cwd();
  configureLogOutput(config.log, baseDir);
  configureGateway(config.gateway, config.cluster);
  const functions = createFunctionRuntime(config.functions, baseDir, { store: clusterFunctionStore(config.cluster) });
  const metrics = createMetrics(config.metrics);
  const accessLog = createAccessLog(config.accessLog, baseDir);
  functions.core.onInvocation((invocation) => metrics.observeFunction(invocation));
  const events: RuntimeEvents = new EventEmitter();
  // The API reads the view of the Portier built just below; it is only called once requests flow.
  let view: () => RuntimeView = () => {
    throw new Error('the API was called before Portier was built');
  };
  let terminating = () => false;
  const api = createApiHandler({
    view: () => view(),
    events,
    version,
    startDate: new Date(),
    isTerminating: () => terminating(),
    metrics,
    staticConfig: config,
    functionEvents: activityOf(functions.core),
  });
  const internalServices = new Map<string, Service>([
    ['api@internal', handlerService(routeApi(functions.apiHandler, api.api))],
    ['dashboard@internal', handlerService(api.dashboard)],
    ['ping@internal', handlerService(api.ping)],
    ['prometheus@internal', handlerService(api.prometheus)],
    ['functions@internal', functions.service],
    ['jwks@internal', handlerService(createJwksHandler())],
    ['noop@internal', handlerService(() => undefined)],
  ]);
  const { routers, apiEntryPoint } = internalRouters(config);
  const portier = new Portier({
    config,
    baseDir,
    providers: providersFor(config, baseDir),
    middlewareTypes: new MiddlewareTypes(builtinMiddlewareTypes, gatewayMiddlewareTypes),
    createServices: (onServerStatus) => createServiceLayer(config, onServerStatus, metrics.trackUpstreamConnection),
    internalServices,
    internalRouters: routers,
    apiEntryPoint,
    events,
    observe: createRequestObserver({ metrics, accessLog }),
    reservedHeaders: [gatewaySettings.consumerHeader],
    observeConnection: metrics.trackEntryPointConnection,
  });
  view = () => portier.view();
  terminating = () => portier.isTerminating;
  return {
    portier,
    reopenLogs: () => {
      reopenLogFile();
      accessLog?.reopen();
    },
    close: async () => {
      api.close();
      await portier.stop();
      await accessLog?.close();
      await functions.close();
      await closeGateway();
    },
  };
}

function providersFor(config: StaticConfig, baseDir: string): Provider[] {
  const providers: Provider[] = [];
  if (config.providers.file) providers.push(createFileProvider(config.providers.file, baseDir));
  if (config.providers.docker) providers.push(createDockerProvider(config.providers.docker));
  if (config.providers.swarm) providers.push(createSwarmProvider(config.providers.swarm));
  if (config.gateway?.secretsFile) providers.push(createSecretsProvider(config.gateway.secretsFile, baseDir));
  providers.push(...createKvProviders(config.providers, baseDir));
  return providers;
}

/**
 * `/api/functions…` belongs to the function runtime; the rest of `/api` to the Traefik-style API.
 * The insecure API router has no auth, so through it (as in Traefik, whose insecure API is
 * read-only) a deploy, rollback or removal is accepted from this machine only. To deploy from
 * elsewhere, route `api@internal` through a router of your own that carries an auth middleware.
 */
function routeApi(functionsApi: Handler, api: Handler): Handler {
  return (ctx) => {
    if (ctx.path !== '/api/functions' && !ctx.path.startsWith('/api/functions/')) return api(ctx);
    const reads = ctx.req.method === 'GET' || ctx.req.method === 'HEAD';
    if (!reads && ctx.routerName === 'api@internal' && !isLoopback(ctx.clientIp)) {
      respond(
        ctx,
        403,
        'function changes through the insecure API are accepted from localhost only; to deploy from ' +
          'elsewhere, route api@internal through your own router with an auth middleware',
      );
      return;
    }
    return functionsApi(ctx);
  };
}

function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
}

/** An internal service that answers every request itself (API, ping, functions…). */
export function handlerService(handle: Handler): Service {
  return { handle, serverStatus: () => ({}), isAvailable: () => true };
}
