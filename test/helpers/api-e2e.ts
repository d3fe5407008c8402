import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startPortier, tempDir, waitFor, type RunningPortier } from './portier.js';
import { startEchoUpstream, type Upstream } from './upstream.js';

export interface DashboardSetup {
  portier: RunningPortier;
  /** The directory holding portier.yml, dynamic.yml and access.log. */
  dir: string;
  /** `http://127.0.0.1:<port>` of the `traefik` entry point (API and dashboard). */
  apiUrl: string;
  /** `http://127.0.0.1:<port>` of the `web` entry point. */
  webUrl: string;
  upstream: Upstream;
  /** A loopback URL where nothing listens: health checks mark it DOWN. */
  deadUrl: string;
  /** Rewrites the dynamic configuration file that Portier watches. */
  writeDynamic(yaml: string): void;
  getJson<T = unknown>(path: string): Promise<T>;
  close(): Promise<void>;
}

/** The routing the browser tests look at: a healthy and a dead server, a middleware, a broken router. */
export function sampleDynamic(upstreamUrl: string, deadUrl: string, extraRouters = '', extraMiddlewares = ''): string {
  return `http:
  routers:
    app:
      rule: "PathPrefix(\`/app\`)"
      service: app
      middlewares: [strip]
    docs:
      rule: "Host(\`docs.localhost\`)"
      service: app
    broken:
      rule: "PathPrefix(\`/broken\`)"
      service: missing
${extraRouters}
  middlewares:
    strip:
      stripPrefix:
        prefixes: ["/app"]
${extraMiddlewares}
  services:
    app:
      loadBalancer:
        healthCheck:
          path: /health
          interval: 200ms
          timeout: 2s
        servers:
          - url: "${upstreamUrl}"
            weight: 3
          - url: "${deadUrl}"
`;
}

/**
 * Starts the real CLI (`bin/portier.js`, the built dist/) with a file configuration: `api.insecure`
 * on a free loopback port, a watched dynamic file, Prometheus metrics and an access log.
 */
export async function startDashboardSetup(): Promise<DashboardSetup> {
  const [webPort, apiPort, deadPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const upstream = await startEchoUpstream('app');
  const deadUrl = `http://127.0.0.1:${deadPort}`;
  const dir = tempDir({
    'portier.yml': `entryPoints:
  web:
    address: "127.0.0.1:${webPort}"
  traefik:
    address: "127.0.0.1:${apiPort}"
api:
  insecure: true
ping: {}
providers:
  providersThrottleDuration: 10ms
  file:
    filename: dynamic.yml
    watch: true
metrics:
  prometheus: {}
accessLog:
  filePath: access.log
  format: json
  bufferingSize: 100
`,
    'dynamic.yml': sampleDynamic(upstream.url, deadUrl),
  });
  const portier = await startPortier(['-c', join(dir, 'portier.yml')], { readyPattern: /portier started/ });
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const getJson = async <T>(path: string) => (await (await fetch(apiUrl + path)).json()) as T;
  const setup: DashboardSetup = {
    portier,
    dir,
    apiUrl,
    webUrl: `http://127.0.0.1:${webPort}`,
    upstream,
    deadUrl,
    writeDynamic: (yaml) => writeFileSync(join(dir, 'dynamic.yml'), yaml),
    getJson,
    async close() {
      await portier.stop();
      if (upstream.server.listening) await upstream.close();
    },
  };
  await waitFor(
    async () => {
      const service = await getJson<{ serverStatus?: Record<string, string> }>('/api/http/services/app@file');
      return service.serverStatus?.[deadUrl] === 'DOWN' && service.serverStatus[upstream.url] === 'UP';
    },
    10_000,
    'health checks to mark the dead server DOWN',
  );
  return setup;
}
