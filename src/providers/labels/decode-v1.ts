import type { MiddlewareConfig, RouterConfig } from '../../config/dynamic/types.js';
import { translateV1Rule } from '../../rules/v1.js';
import { assignLabel, bool, int, list, obj, ShapeProblem, str } from './shape.js';
import type { DecodedLabels, LabelledService } from './types.js';

/** Traefik v1.7's container labels (`traefik.port`, `traefik.frontend.*`, `traefik.backend.*`). */
const auth = obj({ users: list, usersFile: str, removeHeader: bool });
const v1Shape = obj({
  port: int,
  protocol: str,
  weight: int,
  domain: str,
  backend: obj({
    loadBalancer: obj({
      method: str,
      sticky: bool,
      stickiness: obj({ cookieName: str, secure: bool, httpOnly: bool, sameSite: str }, { self: 'bool' }),
      swarm: bool,
    }),
    healthCheck: obj({ path: str, interval: str, timeout: str, port: int, scheme: str, hostname: str, headers: str }),
    circuitBreaker: obj({ expression: str }),
    maxConn: obj({ amount: int, extractorFunc: str }),
    buffering: obj({
      maxRequestBodyBytes: int,
      memRequestBodyBytes: int,
      maxResponseBodyBytes: int,
      memResponseBodyBytes: int,
      retryExpression: str,
    }),
    responseForwarding: obj({ flushInterval: str }),
  }),
  frontend: obj({
    rule: str,
    entryPoints: list,
    priority: int,
    passHostHeader: bool,
    passTLSCert: bool,
    auth: obj({
      basic: auth,
      digest: auth,
      forward: obj({
        address: str,
        trustForwardHeader: bool,
        authResponseHeaders: list,
        tls: obj({ ca: str, caOptional: bool, cert: str, key: str, insecureSkipVerify: bool }),
      }),
      headerField: str,
    }),
    redirect: obj({ entryPoint: str, regex: str, replacement: str, permanent: bool }),
    whiteList: obj({ sourceRange: list, useXForwardedFor: bool }),
    whitelistSourceRange: list,
    headers: obj({
      customRequestHeaders: str,
      customResponseHeaders: str,
      sslProxyHeaders: str,
      allowedHosts: list,
      hostsProxyHeaders: list,
      sslRedirect: bool,
      sslTemporaryRedirect: bool,
      sslHost: str,
      sslForceHost: bool,
      stsSeconds: int,
      stsIncludeSubdomains: bool,
      stsPreload: bool,
      forceSTSHeader: bool,
      frameDeny: bool,
      customFrameOptionsValue: str,
      contentTypeNosniff: bool,
      browserXssFilter: bool,
      customBrowserXSSValue: str,
      contentSecurityPolicy: str,
      publicKey: str,
      referrerPolicy: str,
      isDevelopment: bool,
    }),
    errors: { kind: 'named', item: obj({ status: list, backend: str, query: str }) },
    rateLimit: obj({
      extractorFunc: str,
      rateSet: { kind: 'named', item: obj({ period: str, average: int, burst: int }) },
    }),
  }),
});

const V1_KEYS = new Set(['backend', 'port', 'protocol', 'weight', 'domain', 'frontend']);

/** Whether a label (segments after the prefix) is a v1 key. */
export function isV1Key(segments: string[]): boolean {
  return V1_KEYS.has(segments[0]!.toLowerCase());
}

// The tree is shaped by v1Shape at run time; reading it field by field needs no static type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Tree = Record<string, any>;

/**
 * Reads v1 labels (of the container, or of one segment) into one router and one service named
 * after `traefik.backend` (or `defaultName`), with the middlewares v1 frontends implied. The
 * router has no rule when none was given: the provider then applies v1's default
 * `Host:<name>.<domain>`.
 */
export function decodeV1Labels(
  entries: [string, string[], string][],
  decoded: DecodedLabels,
  defaultName: string,
): void {
  const v1: Tree = {};
  let backend: string | undefined;
  for (const [label, segments, value] of entries) {
    try {
      if (segments.length === 1 && segments[0]!.toLowerCase() === 'backend') backend = value.trim();
      else assignLabel(v1, v1Shape, segments, value);
    } catch (error) {
      if (!(error instanceof ShapeProblem)) throw error;
      const prefix = label.slice(0, label.length - segments.join('.').length);
      decoded.problems.push({
        label,
        message: error.message,
        suggestion: error.suggestion ? prefix + error.suggestion.join('.') : undefined,
      });
    }
  }
  const name = backend || defaultName;
  const frontend: Tree = v1.frontend ?? {};
  const config = decoded.config;
  config.v1 = { domain: v1.domain ?? config.v1?.domain };
  if (v1.backend?.loadBalancer?.swarm !== undefined) config.lbSwarm = v1.backend.loadBalancer.swarm;

  const middlewares: [string, MiddlewareConfig][] = frontendMiddlewares(frontend);
  const router: Partial<RouterConfig> = { service: name };
  if (frontend.rule !== undefined) {
    try {
      const translated = translateV1Rule(frontend.rule);
      router.rule = translated.rule;
      translated.middlewares.forEach((middleware, index) => {
        middlewares.push([`${Object.keys(middleware)[0]!.toLowerCase()}-${index}`, middleware]);
      });
    } catch (error) {
      const label = entries.find(([, segments]) => segments.join('.').toLowerCase() === 'frontend.rule')![0];
      decoded.problems.push({ label, message: (error as Error).message });
    }
  }
  middlewares.push(...backendMiddlewares(v1.backend ?? {}));
  if (frontend.entryPoints) router.entryPoints = frontend.entryPoints;
  if (frontend.priority !== undefined) router.priority = frontend.priority;
  if (middlewares.length > 0) router.middlewares = middlewares.map(([suffix]) => `${name}-${suffix}`);
  for (const [suffix, middleware] of middlewares) config.middlewares[`${name}-${suffix}`] = middleware;
  config.routers[name] = router;
  config.services[name] = v1Service(v1, frontend);
}

function v1Service(v1: Tree, frontend: Tree): LabelledService {
  const loadBalancer: LabelledService['loadBalancer'] = {
    server: compact({ port: v1.port, scheme: v1.protocol, weight: v1.weight }),
  };
  if (frontend.passHostHeader !== undefined) loadBalancer.passHostHeader = frontend.passHostHeader;
  const balancing: Tree = v1.backend?.loadBalancer ?? {};
  if (balancing.sticky || balancing.stickiness) {
    const { cookieName, ...cookie } = balancing.stickiness ?? {};
    loadBalancer.sticky = { cookie: compact({ name: cookieName, ...cookie }) };
  }
  const health: Tree | undefined = v1.backend?.healthCheck;
  if (health) {
    const { headers, ...rest } = health;
    loadBalancer.healthCheck = { ...rest, ...(headers ? { headers: headerExpression(headers) } : {}) };
  }
  if (v1.backend?.responseForwarding) loadBalancer.responseForwarding = v1.backend.responseForwarding;
  return { loadBalancer };
}

/** v1 frontend options, in the order v1 applied them: redirect, allow list, auth, headers… */
function frontendMiddlewares(frontend: Tree): [string, MiddlewareConfig][] {
  const out: [string, MiddlewareConfig][] = [];
  const redirect: Tree | undefined = frontend.redirect;
  if (redirect?.regex !== undefined) {
    const options = compact({
      regex: redirect.regex,
      replacement: redirect.replacement,
      permanent: redirect.permanent,
    });
    out.push(['redirect', { redirectRegex: options }]);
  } else if (redirect?.entryPoint !== undefined) {
    // v1 redirected to another entry point; its scheme is what clients see.
    const scheme = /s$|secure|tls|ssl/i.test(redirect.entryPoint) ? 'https' : 'http';
    out.push(['redirect', { redirectScheme: compact({ scheme, permanent: redirect.permanent }) }]);
  }
  const sourceRange = frontend.whiteList?.sourceRange ?? frontend.whitelistSourceRange;
  if (sourceRange) {
    const ipStrategy = frontend.whiteList?.useXForwardedFor ? { depth: 1 } : undefined;
    out.push(['ipallowlist', { ipAllowList: compact({ sourceRange, ipStrategy }) }]);
  }
  const auth: Tree = frontend.auth ?? {};
  const headerField = auth.headerField;
  if (auth.basic) out.push(['basicauth', { basicAuth: compact({ ...auth.basic, headerField }) }]);
  if (auth.digest) out.push(['digestauth', { digestAuth: compact({ ...auth.digest, headerField }) }]);
  if (auth.forward) out.push(['forwardauth', { forwardAuth: { ...auth.forward } }]);
  if (frontend.headers) {
    const { customRequestHeaders, customResponseHeaders, sslProxyHeaders, ...rest } = frontend.headers as Tree;
    const options = compact({
      ...rest,
      customRequestHeaders: customRequestHeaders && headerExpression(customRequestHeaders),
      customResponseHeaders: customResponseHeaders && headerExpression(customResponseHeaders),
      sslProxyHeaders: sslProxyHeaders && headerExpression(sslProxyHeaders),
    });
    out.push(['headers', { headers: options }]);
  }
  for (const [name, page] of Object.entries((frontend.errors ?? {}) as Record<string, Tree>)) {
    out.push([
      `errors-${name}`,
      { errors: compact({ status: page.status, service: page.backend, query: page.query }) },
    ]);
  }
  const rateSets = Object.values((frontend.rateLimit?.rateSet ?? {}) as Record<string, Tree>);
  if (rateSets[0]) out.push(['ratelimit', { rateLimit: compact(rateSets[0]) }]);
  if (frontend.passTLSCert) out.push(['passtlsclientcert', { passTLSClientCert: { pem: true } }]);
  return out;
}

function backendMiddlewares(backend: Tree): [string, MiddlewareConfig][] {
  const out: [string, MiddlewareConfig][] = [];
  if (backend.circuitBreaker) out.push(['circuitbreaker', { circuitBreaker: { ...backend.circuitBreaker } }]);
  if (backend.maxConn?.amount !== undefined) out.push(['maxconn', { inFlightReq: { amount: backend.maxConn.amount } }]);
  if (backend.buffering) out.push(['buffering', { buffering: { ...backend.buffering } }]);
  return out;
}

/** v1's header expression `Name:value||Name2:value2`. */
function headerExpression(expression: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of expression.split('||')) {
    const colon = pair.indexOf(':');
    if (colon > 0) headers[pair.slice(0, colon).trim()] = pair.slice(colon + 1).trim();
  }
  return headers;
}

function compact<T extends Tree>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}
