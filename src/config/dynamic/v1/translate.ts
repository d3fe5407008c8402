import type { ZodType } from 'zod';
import type { ProviderIssue } from '../../../providers/types.js';
import { translateV1Rule } from '../../../rules/v1.js';
import type { Locate } from '../../schema/parse-located.js';
import { parseLocated } from '../../schema/parse-located.js';
import { normalizeBySchema } from '../../schema/walk.js';
import type {
  LoadBalancerConfig,
  MiddlewareConfig,
  RouterConfig,
  ServiceConfig,
  StickyCookieConfig,
} from '../types.js';
import { translateV1Headers } from './headers.js';
import { untranslatedKeys, v1BackendSchema, v1FrontendSchema, type V1Backend, type V1Frontend } from './schema.js';

export interface V1DynamicTranslation {
  routers: Record<string, RouterConfig>;
  services: Record<string, ServiceConfig>;
  middlewares: Record<string, MiddlewareConfig>;
  issues: ProviderIssue[];
  /** Where the v1 object that produced a v3 object was written. */
  locate: Locate;
}

type Section = Record<string, unknown>;

/**
 * Translates v1 `[backends]` and `[frontends]` into v3 services, routers and middlewares. A
 * frontend becomes a router (its routes ANDed into one rule, its options into middlewares); a
 * backend becomes a service. A broken backend or frontend is reported and left out alone.
 */
export function translateV1Dynamic(backends: Section, frontends: Section, locate: Locate): V1DynamicTranslation {
  const issues: ProviderIssue[] = [];
  const origins = new Map<string, string[]>();
  const result: V1DynamicTranslation = {
    routers: {},
    services: {},
    middlewares: {},
    issues,
    locate: (path) => {
      const origin = origins.get(`${path[1]}.${path[2]}`);
      return origin ? locate(origin) : undefined;
    },
  };

  const parsedBackends = parseAll(backends, 'backends', v1BackendSchema, 'service', locate, issues);
  const parsedFrontends = parseAll(frontends, 'frontends', v1FrontendSchema, 'router', locate, issues);

  // passHostHeader belongs to the frontend in v1 but to the service in v3: a backend used with
  // both values becomes two services. v1's file provider defaulted it to false.
  const variantsOf = new Map<string, Map<boolean, string>>();
  const serviceFor = (backend: string, pass: boolean): string => {
    const variants = variantsOf.get(backend) ?? new Map<boolean, string>();
    variantsOf.set(backend, variants);
    if (!variants.has(pass)) variants.set(pass, variants.size === 0 ? backend : `${backend}-passhostheader-${pass}`);
    return variants.get(pass)!;
  };
  for (const [name, frontend] of parsedFrontends) {
    const service = serviceFor(frontend.backend, frontend.passHostHeader ?? false);
    const router = translateFrontend(name, frontend, service, result, locate);
    if (router) {
      result.routers[name] = router;
      origins.set(`routers.${name}`, ['frontends', name]);
      for (const middleware of router.middlewares ?? []) origins.set(`middlewares.${middleware}`, ['frontends', name]);
    }
  }
  for (const [name, backend] of parsedBackends) {
    const variants = variantsOf.get(name) ?? new Map([[false, name]]);
    for (const [pass, serviceName] of variants) {
      result.services[serviceName] = { loadBalancer: { ...translateBackend(backend), passHostHeader: pass } };
      origins.set(`services.${serviceName}`, ['backends', name]);
    }
    reportUntranslated(backend, v1BackendSchema, ['backends', name], locate, issues);
  }
  return result;
}

function parseAll<T>(
  section: Section,
  sectionName: string,
  schema: ZodType<T>,
  kind: 'service' | 'router',
  locate: Locate,
  issues: ProviderIssue[],
): [string, T][] {
  const parsed: [string, T][] = [];
  for (const name of Object.keys(section).sort()) {
    const result = parseLocated(schema, normalizeBySchema(section[name], schema), [sectionName, name], locate);
    if (result.ok) parsed.push([name, result.data]);
    else
      for (const error of result.errors) {
        issues.push({ message: error.message, key: error.key, location: error.location, object: { kind, name } });
      }
  }
  return parsed;
}

const SAME_SITE_VALUES = ['none', 'lax', 'strict'] as const;

function translateBackend(backend: V1Backend): LoadBalancerConfig {
  const servers = Object.keys(backend.servers ?? {})
    .sort()
    .map((name) => {
      const { url, weight } = backend.servers![name]!;
      return weight !== undefined && weight > 0 ? { url, weight } : { url };
    });
  const loadBalancer: LoadBalancerConfig = { servers };
  const { sticky, stickiness } = backend.loadBalancer ?? {};
  if (stickiness || sticky) {
    const { cookieName, secure, httpOnly, sameSite } = stickiness ?? {};
    const cookie: StickyCookieConfig = compact({ name: cookieName, secure, httpOnly });
    const sameSiteValue = SAME_SITE_VALUES.find((value) => value === sameSite?.toLowerCase());
    if (sameSiteValue) cookie.sameSite = sameSiteValue;
    loadBalancer.sticky = { cookie };
  }
  if (backend.healthCheck) {
    const { interval, timeout, ...rest } = backend.healthCheck;
    loadBalancer.healthCheck = compact({
      ...rest,
      interval: interval === undefined ? undefined : String(interval),
      timeout: timeout === undefined ? undefined : String(timeout),
    });
  }
  const flushInterval = backend.responseForwarding?.flushInterval;
  if (flushInterval !== undefined) loadBalancer.responseForwarding = { flushInterval: String(flushInterval) };
  return loadBalancer;
}

function translateFrontend(
  name: string,
  frontend: V1Frontend,
  service: string,
  result: V1DynamicTranslation,
  locate: Locate,
): RouterConfig | undefined {
  const where = locate(['frontends', name]);
  const fail = (message: string): undefined => {
    result.issues.push({ message, key: `frontends.${name}.routes`, location: where, object: { kind: 'router', name } });
    return undefined;
  };
  const routes = Object.keys(frontend.routes ?? {})
    .sort()
    .map((route) => frontend.routes![route]!.rule);
  if (routes.length === 0)
    return fail(`has no routes: add [frontends.${name}.routes.main] with rule = "Host:example.com"`);
  let translated: ReturnType<typeof translateV1Rule>;
  try {
    // v1 ANDed the routes of a frontend, exactly as `;` does inside one rule.
    translated = translateV1Rule(routes.join(';'));
  } catch (error) {
    return fail((error as Error).message);
  }
  const middlewares = [...optionMiddlewares(frontend), ...translated.middlewares];
  const types = middlewares.map((middleware) => Object.keys(middleware)[0]!.toLowerCase());
  const names = middlewares.map((middleware, index) => {
    const type = types[index]!;
    const middlewareName = types.indexOf(type) === index ? `${name}-${type}` : `${name}-${type}-${index}`;
    result.middlewares[middlewareName] = middleware;
    return middlewareName;
  });
  for (const key of translateV1Headers(frontend.headers ?? {}).untranslated) {
    result.issues.push({
      message: `v1 header option "${key}" has no v3 equivalent; it is ignored`,
      key: `frontends.${name}.headers.${key}`,
      location: where,
    });
  }
  reportUntranslated(frontend, v1FrontendSchema, ['frontends', name], locate, result.issues);
  const router: RouterConfig = { rule: translated.rule, service };
  if (frontend.entryPoints) router.entryPoints = frontend.entryPoints;
  if (frontend.priority !== undefined) router.priority = frontend.priority;
  if (names.length > 0) router.middlewares = names;
  return router;
}

/** The frontend's options as v3 middlewares, in the order v1 applied them. */
function optionMiddlewares(frontend: V1Frontend): MiddlewareConfig[] {
  const middlewares: MiddlewareConfig[] = [];
  const sourceRange = frontend.whiteList?.sourceRange ?? frontend.whitelistSourceRange;
  if (sourceRange) middlewares.push({ ipAllowList: { sourceRange } });
  const redirect = frontend.redirect;
  if (redirect?.regex !== undefined && redirect.replacement !== undefined) {
    middlewares.push({
      redirectRegex: compact({
        regex: redirect.regex,
        replacement: redirect.replacement,
        permanent: redirect.permanent,
      }),
    });
  } else if (redirect?.entryPoint !== undefined) {
    middlewares.push({ redirectScheme: compact({ scheme: 'https', permanent: redirect.permanent }) });
  }
  middlewares.push(...translateV1Headers(frontend.headers ?? {}).middlewares);
  const auth = frontend.auth;
  const basic = auth?.basic ?? (frontend.basicAuth && { users: frontend.basicAuth });
  if (basic)
    middlewares.push({ basicAuth: compact({ ...basic, headerField: basic.headerField ?? auth?.headerField }) });
  if (auth?.digest)
    middlewares.push({
      digestAuth: compact({ ...auth.digest, headerField: auth.digest.headerField ?? auth.headerField }),
    });
  if (auth?.forward) {
    const { address, trustForwardHeader, authResponseHeaders } = auth.forward;
    middlewares.push({ forwardAuth: compact({ address, trustForwardHeader, authResponseHeaders }) });
  }
  return middlewares;
}

function reportUntranslated(
  object: Record<string, unknown>,
  schema: typeof v1BackendSchema | typeof v1FrontendSchema,
  path: string[],
  locate: Locate,
  issues: ProviderIssue[],
): void {
  for (const key of untranslatedKeys(object, schema)) {
    issues.push({
      message: `v1 setting "${key}" is not translated by Portier; it is ignored`,
      key: [...path, key].join('.'),
      location: locate([...path, key]),
    });
  }
}

function compact<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}
