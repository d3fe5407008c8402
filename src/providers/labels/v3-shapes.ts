import { bool, ignored, int, list, map, obj, str, type Shape } from './shape.js';

/** `traefik.http.routers.<name>.*` */
export const routerShape = obj({
  rule: str,
  ruleSyntax: str,
  entryPoints: list,
  middlewares: list,
  service: str,
  priority: int,
  tls: obj(
    { certResolver: str, options: str, domains: { kind: 'array', item: obj({ main: str, sans: list }) } },
    { self: 'bool' },
  ),
  observability: obj({ accessLogs: ignored, metrics: ignored, tracing: ignored, traceVerbosity: ignored }),
});

const cookie = obj(
  { name: str, secure: bool, httpOnly: bool, sameSite: str, maxAge: int, path: str, domain: str },
  { self: 'bool' },
);

/** `traefik.http.services.<name>.*`: the `server` part becomes each container's server URL. */
export const serviceShape = obj({
  loadBalancer: obj({
    server: obj({ port: int, scheme: str, url: str, weight: int, preservePath: bool }),
    passHostHeader: bool,
    serversTransport: str,
    strategy: str,
    healthCheck: obj({
      path: str,
      interval: str,
      unhealthyInterval: str,
      timeout: str,
      scheme: str,
      mode: str,
      hostname: str,
      port: int,
      method: str,
      status: int,
      followRedirects: bool,
      headers: map,
    }),
    sticky: obj({ cookie }),
    responseForwarding: obj({ flushInterval: str }),
  }),
});

/**
 * Traefik's HTTP middleware types with the options whose casing or type a label cannot show.
 * Options not listed are kept as written: the runtime validates every middleware's options.
 */
const ipStrategy = obj({ depth: int, excludedIPs: list, ipv6Subnet: int }, { lenient: true });
const sourceCriterion = obj({ ipStrategy, requestHeaderName: str, requestHost: bool }, { lenient: true });
const auth = { users: list, usersFile: str, realm: str, removeHeader: bool, headerField: str };

function options(fields: Record<string, Shape>): Shape {
  return obj(fields, { lenient: true });
}

export const middlewareShapes: Record<string, Shape> = {
  addPrefix: options({ prefix: str }),
  basicAuth: options(auth),
  digestAuth: options(auth),
  buffering: options({
    maxRequestBodyBytes: int,
    memRequestBodyBytes: int,
    maxResponseBodyBytes: int,
    memResponseBodyBytes: int,
    retryExpression: str,
  }),
  chain: options({ middlewares: list }),
  circuitBreaker: options({
    expression: str,
    checkPeriod: str,
    fallbackDuration: str,
    recoveryDuration: str,
    responseCode: int,
  }),
  compress: options({
    excludedContentTypes: list,
    includedContentTypes: list,
    minResponseBodyBytes: int,
    encodings: list,
    defaultEncoding: str,
  }),
  contentType: options({ autoDetect: bool }),
  errors: options({ status: list, service: str, query: str, statusRewrites: map }),
  forwardAuth: options({
    address: str,
    tls: options({ ca: str, cert: str, key: str, insecureSkipVerify: bool, caOptional: bool }),
    trustForwardHeader: bool,
    authResponseHeaders: list,
    authResponseHeadersRegex: str,
    authRequestHeaders: list,
    addAuthCookiesToResponse: list,
    headerField: str,
    forwardBody: bool,
    maxBodySize: int,
    preserveLocationHeader: bool,
    preserveRequestMethod: bool,
  }),
  grpcWeb: options({ allowOrigins: list }),
  headers: options({
    customRequestHeaders: map,
    customResponseHeaders: map,
    accessControlAllowCredentials: bool,
    accessControlAllowHeaders: list,
    accessControlAllowMethods: list,
    accessControlAllowOriginList: list,
    accessControlAllowOriginListRegex: list,
    accessControlExposeHeaders: list,
    accessControlMaxAge: int,
    addVaryHeader: bool,
    allowedHosts: list,
    hostsProxyHeaders: list,
    sslProxyHeaders: map,
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
    contentSecurityPolicyReportOnly: str,
    publicKey: str,
    referrerPolicy: str,
    permissionsPolicy: str,
    isDevelopment: bool,
  }),
  ipAllowList: options({ sourceRange: list, ipStrategy, rejectStatusCode: int }),
  ipWhiteList: options({ sourceRange: list, ipStrategy }),
  inFlightReq: options({ amount: int, sourceCriterion }),
  passTLSClientCert: options({ pem: bool }),
  rateLimit: options({ average: int, period: str, burst: int, sourceCriterion }),
  redirectRegex: options({ regex: str, replacement: str, permanent: bool }),
  redirectScheme: options({ scheme: str, port: str, permanent: bool }),
  replacePath: options({ path: str }),
  replacePathRegex: options({ regex: str, replacement: str }),
  retry: options({
    attempts: int,
    initialInterval: str,
    timeout: str,
    status: list,
    disableRetryOnNetworkError: bool,
    retryNonIdempotentMethod: bool,
  }),
  stripPrefix: options({ prefixes: list, forceSlash: bool }),
  stripPrefixRegex: options({ regex: list }),
  encodedCharacters: options({}),
  plugin: options({}),
  // Portier's gateway extensions: options are validated by the gateway middlewares.
  hmacAuth: options({}),
  apiKey: options({}),
  jwtAuth: options({}),
};
