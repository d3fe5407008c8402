/**
 * Traefik static settings that Portier accepts without acting on them, so that an existing
 * traefik.yml loads unchanged. Each one found is removed and reported as a warning. `*` stands
 * for any name (an entry point, a provider…). Matching ignores case.
 */
const IGNORED_SETTINGS = [
  'global',
  'certificatesResolvers',
  'tracing',
  'core',
  'experimental',
  'hostResolver',
  'spiffe',
  'ocsp',
  'pilot',
  'api.basePath',
  'api.disableDashboardAd',
  'entryPoints.*.http2',
  'entryPoints.*.http3',
  'entryPoints.*.udp',
  'entryPoints.*.proxyProtocol',
  'entryPoints.*.reusePort',
  'entryPoints.*.observability',
  'entryPoints.*.allowACMEByPass',
  'entryPoints.*.http.encodedCharacters',
  'entryPoints.*.http.sanitizePath',
  'entryPoints.*.http.maxHeaderBytes',
  'entryPoints.*.transport.keepAliveMaxRequests',
  'entryPoints.*.transport.keepAliveMaxTime',
  'providers.kubernetesIngress',
  'providers.kubernetesIngressNGINX',
  'providers.kubernetesCRD',
  'providers.kubernetesGateway',
  'providers.knative',
  'providers.rest',
  'providers.consulCatalog',
  'providers.nomad',
  'providers.ecs',
  'providers.consul',
  'providers.etcd',
  'providers.zooKeeper',
  'providers.redis',
  'providers.http',
  'providers.plugin',
  'providers.file.debugLogGeneratedTemplate',
  'providers.docker.tls',
  'providers.docker.httpClientTimeout',
  'providers.docker.username',
  'providers.docker.password',
  'providers.swarm.tls',
  'providers.swarm.httpClientTimeout',
  'providers.swarm.username',
  'providers.swarm.password',
  'log.noColor',
  'log.maxSize',
  'log.maxAge',
  'log.maxBackups',
  'log.compress',
  'accessLog.filters',
  'accessLog.addInternals',
  'metrics.addInternals',
  'metrics.datadog',
  'metrics.influxDB2',
  'metrics.statsD',
  'metrics.otlp',
  'metrics.prometheus.addEntryPointsLabels',
  'metrics.prometheus.addRoutersLabels',
  'metrics.prometheus.addServicesLabels',
  'metrics.prometheus.manualRouting',
  'metrics.prometheus.headerLabels',
  'ping.manualRouting',
  'serversTransport.insecureSkipVerify',
  'serversTransport.rootCAs',
  'serversTransport.spiffe',
].map((pattern) => pattern.toLowerCase().split('.'));

/** Removes the ignored settings from `tree` (in place) and returns one warning per setting found. */
export function stripIgnoredSettings(tree: Record<string, unknown>, origin: string): string[] {
  const warnings: string[] = [];
  for (const pattern of IGNORED_SETTINGS) strip(tree, pattern, [], origin, warnings);
  return warnings;
}

function strip(node: unknown, pattern: string[], path: string[], origin: string, warnings: string[]): void {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
  const object = node as Record<string, unknown>;
  const [head, ...rest] = pattern;
  for (const key of Object.keys(object)) {
    if (head !== '*' && key.toLowerCase() !== head) continue;
    if (rest.length > 0) {
      strip(object[key], rest, [...path, key], origin, warnings);
      continue;
    }
    delete object[key];
    warnings.push(
      `${origin}: "${[...path, key].join('.')}" is a Traefik setting Portier does not support; it is ignored`,
    );
  }
}
