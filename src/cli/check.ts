import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadStaticConfig } from '../config/static/index.js';
import type { StaticConfig } from '../config/static/types.js';
import { gatewayMiddlewareTypes } from '../gateway/middlewares.js';
import { builtinMiddlewareTypes } from '../middlewares/registry.js';
import { Aggregator } from '../providers/aggregator.js';
import { loadDynamicFiles } from '../providers/file/index.js';
import { embeddedStorePath, kvSources, readKvOnce } from '../providers/kv/index.js';
import type { ProviderSnapshot } from '../providers/types.js';
import { MiddlewareTypes } from '../runtime/build-middlewares.js';
import { buildRouting, issuesByObject } from '../runtime/build.js';
import { isUdpAddress } from '../runtime/listen-address.js';
import { createServiceLayer } from '../runtime/service-layer.js';
import { buildUdp } from '../udp/udp-build.js';
import { takeConfigFile } from './args.js';
import { handlerService } from './assemble.js';
import { INTERNAL_SERVICE_NAMES, internalRouters } from './internal-routes.js';

/** A KV store that has not answered by then is reported unreachable. */
const KV_TIMEOUT_MS = 5000;

const HELP = `Usage: portier check [-c FILE] [--<static.key>=VALUE…]

Validates the static configuration, the dynamic files its file provider points to and the
configuration in its KV providers (etcd, Redis, ZooKeeper, embedded; each read once, giving up
after ${KV_TIMEOUT_MS / 1000}s): every key, rule, middleware and service reference is checked exactly
as a running Portier would. Prints every problem with its key and location, and exits 1 if there
is any.
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

/** What the file and KV providers would provide now, by provider name. */
async function providerSnapshots(config: StaticConfig, baseDir: string): Promise<Map<string, ProviderSnapshot>> {
  const snapshots = new Map<string, ProviderSnapshot>();
  if (config.providers.file) snapshots.set('file', await loadDynamicFiles(config.providers.file, baseDir));
  const embedded = config.providers.embedded && embeddedStorePath(config.providers.embedded, baseDir);
  const sources = kvSources(config.providers, baseDir, { zooKeeperConnectTimeoutMs: KV_TIMEOUT_MS }).filter(
    (source) => {
      if (source.name !== 'embedded' || !embedded || existsSync(embedded)) return true;
      // Opening it would create it.
      console.log(`warning: providers.embedded: ${embedded} does not exist yet; Portier will create it empty`);
      return false;
    },
  );
  const read = await Promise.all(sources.map((source) => readKvOnce(source, KV_TIMEOUT_MS)));
  sources.forEach((source, index) => snapshots.set(source.name, read[index]!));
  return snapshots;
}

/** Compiles the providers' configuration as the runtime would, without listening anywhere. */
async function dynamicProblems(config: StaticConfig): Promise<string[]> {
  const baseDir = config.source?.file ? dirname(config.source.file) : process.cwd();
  const snapshots = await providerSnapshots(config, baseDir);
  if (snapshots.size === 0) return [];
  const problems = [...snapshots.values()].flatMap((snapshot) =>
    snapshot.issues.map((issue) => [issue.location, issue.key, issue.message].filter(Boolean).join(': ')),
  );
  const configuration = new Aggregator(0, () => undefined);
  for (const [name, snapshot] of snapshots) configuration.update(name, snapshot);
  const services = createServiceLayer(config, () => undefined);
  try {
    const { routers: internal } = internalRouters(config);
    const merged = configuration.flush();
    const routing = buildRouting({
      configuration: merged,
      entryPoints: Object.keys(config.entryPoints),
      defaultEntryPoints: Object.keys(config.entryPoints),
      internalRouters: internal,
      internalServices: new Map(INTERNAL_SERVICE_NAMES.map((name) => [name, handlerService(() => undefined)])),
      middlewareTypes: new MiddlewareTypes(builtinMiddlewareTypes, gatewayMiddlewareTypes),
      serviceFactory: services.build,
      baseDir,
    });
    const entryPoints = Object.entries(config.entryPoints);
    const udp = buildUdp({
      udp: merged.udp,
      udpEntryPoints: entryPoints.filter(([, ep]) => isUdpAddress(ep.address)).map(([name]) => name),
      allEntryPoints: entryPoints.map(([name]) => name),
      objectIssues: issuesByObject(merged),
    });
    const objects = [
      ...Object.values(udp.view.routers),
      ...Object.values(udp.view.services),
      ...Object.values(routing.routers).filter((r) => snapshots.has(r.provider)),
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
