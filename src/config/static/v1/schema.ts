import { z } from 'zod';
import { durationSchema } from '../../schema/duration.js';
import { childSchema, unwrapSchema } from '../../schema/walk.js';

/**
 * A Traefik v1 static file as old guides wrote it (keys are matched ignoring case, as v1 did).
 * Sections typed `ignored` are v1 features Portier accepts but does not translate; each one found
 * is reported as a warning. `backends`/`frontends` are dynamic configuration: the file provider
 * reads them when `[file]` points back at this file.
 */

const ignored = z.unknown().optional();

/** Sections whose v1 shape is the v3 one: copied as they are, and checked by the v3 schema. */
const sameAsV3 = z.unknown().optional();

const v1EntryPointSchema = z.strictObject({
  address: z.string().optional(),
  redirect: z
    .strictObject({
      entryPoint: z.string().optional(),
      regex: z.string().optional(),
      replacement: z.string().optional(),
      permanent: z.boolean().optional(),
    })
    .optional(),
  forwardedHeaders: z
    .strictObject({ insecure: z.boolean().optional(), trustedIPs: z.array(z.string()).optional() })
    .optional(),
  tls: ignored,
  auth: ignored,
  compress: ignored,
  whiteList: ignored,
  whitelistSourceRange: ignored,
  proxyProtocol: ignored,
});

const v1PrometheusSchema = z.strictObject({
  entryPoint: z.string().optional(),
  buckets: z.array(z.number()).optional(),
});

export const v1StaticSchema = z.strictObject({
  port: z.string().optional(),
  defaultEntryPoints: z.array(z.string()).optional(),
  debug: z.boolean().optional(),
  logLevel: z.string().optional(),
  traefikLogsFile: z.string().optional(),
  accessLogsFile: z.string().optional(),
  traefikLog: z
    .strictObject({ filePath: z.string().optional(), format: z.enum(['json', 'common']).optional() })
    .optional(),
  accessLog: z
    .strictObject({
      filePath: z.string().optional(),
      format: z.enum(['json', 'common']).optional(),
      bufferingSize: z.number().int().nonnegative().optional(),
      filters: sameAsV3,
      fields: sameAsV3,
    })
    .optional(),
  graceTimeOut: durationSchema.optional(),
  idleTimeout: durationSchema.optional(),
  maxIdleConnsPerHost: z.number().int().optional(),
  lifeCycle: z
    .strictObject({ graceTimeOut: durationSchema.optional(), requestAcceptGraceTimeout: durationSchema.optional() })
    .optional(),
  respondingTimeouts: z
    .strictObject({
      readTimeout: durationSchema.optional(),
      writeTimeout: durationSchema.optional(),
      idleTimeout: durationSchema.optional(),
    })
    .optional(),
  forwardingTimeouts: z
    .strictObject({ dialTimeout: durationSchema.optional(), responseHeaderTimeout: durationSchema.optional() })
    .optional(),
  entryPoints: z.record(z.string(), v1EntryPointSchema).optional(),
  web: z
    .strictObject({
      address: z.string().optional(),
      metrics: z.strictObject({ prometheus: v1PrometheusSchema.optional() }).optional(),
      readOnly: ignored,
      certFile: ignored,
      keyFile: ignored,
      path: ignored,
      auth: ignored,
      statistics: ignored,
    })
    .optional(),
  api: z
    .strictObject({
      entryPoint: z.string().optional(),
      dashboard: z.boolean().optional(),
      debug: z.boolean().optional(),
      statistics: ignored,
    })
    .optional(),
  ping: z.strictObject({ entryPoint: z.string().optional() }).optional(),
  metrics: z
    .strictObject({ prometheus: v1PrometheusSchema.optional(), statsd: ignored, datadog: ignored, influxdb: ignored })
    .optional(),
  file: z
    .strictObject({
      filename: z.string().optional(),
      directory: z.string().optional(),
      watch: z.boolean().optional(),
      constraints: ignored,
      trace: ignored,
    })
    .optional(),
  docker: z
    .strictObject({
      endpoint: z.string().optional(),
      domain: z.string().optional(),
      watch: z.boolean().optional(),
      swarmMode: z.boolean().optional(),
      swarmModeRefreshSeconds: durationSchema.optional(),
      exposedByDefault: z.boolean().optional(),
      network: z.string().optional(),
      useBindPortIP: z.boolean().optional(),
      constraints: z.array(z.string()).optional(),
      filename: ignored,
      templateVersion: ignored,
      tls: ignored,
    })
    .optional(),
  /** Applies to every provider; Portier's only v1 provider with tags is Docker. */
  constraints: z.array(z.string()).optional(),
  backends: z.unknown().optional(),
  frontends: z.unknown().optional(),
  checkNewVersion: ignored,
  sendAnonymousUsage: ignored,
  insecureSkipVerify: z.boolean().optional(),
  /** A list, or v1's comma-separated string. */
  rootCAs: z.union([z.array(z.string()), z.string()]).optional(),
  keepTrailingSlash: ignored,
  retry: ignored,
  healthcheck: ignored,
  acme: ignored,
  rest: ignored,
  tls: ignored,
  consul: ignored,
  consulCatalog: ignored,
  etcd: ignored,
  zookeeper: ignored,
  boltdb: ignored,
  kubernetes: ignored,
  marathon: ignored,
  rancher: ignored,
  mesos: ignored,
  ecs: ignored,
  eureka: ignored,
  dynamodb: ignored,
  servicefabric: ignored,
  tracing: ignored,
});

export type V1StaticInput = z.infer<typeof v1StaticSchema>;

/** The top-level v1 keys, lower-cased, for telling a v1 file (static or dynamic) from a v3 one. */
export const V1_STATIC_KEYS = new Set(Object.keys(v1StaticSchema.shape).map((key) => key.toLowerCase()));

/** Keys that exist only in v1; `entryPoints`, `api`, `ping`, `accessLog`, `metrics` exist in both. */
const V1_ONLY_KEYS = new Set(
  [...V1_STATIC_KEYS].filter((key) => !['entrypoints', 'api', 'ping', 'accesslog', 'metrics', 'tracing'].includes(key)),
);

const V3_ONLY_KEYS = new Set([
  'providers',
  'log',
  'global',
  'serverstransport',
  'certificatesresolvers',
  'functions',
  'gateway',
  'cluster',
]);

/** A file is read as v1 when it has a v1-only top-level key and no v3-only one. */
export function isV1StaticFile(data: unknown): boolean {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return false;
  const keys = Object.keys(data).map((key) => key.toLowerCase());
  return keys.some((key) => V1_ONLY_KEYS.has(key)) && !keys.some((key) => V3_ONLY_KEYS.has(key));
}

/** Paths of the v1 settings present in `data` that Portier accepts but does not translate. */
export function ignoredV1Settings(data: unknown, schema: unknown = v1StaticSchema, path: string[] = []): string[] {
  if (schema === ignored) return data === undefined ? [] : [path.join('.')];
  const def = unwrapSchema(schema);
  if (typeof data !== 'object' || data === null || !def) return [];
  return Object.entries(data).flatMap(([key, value]) => {
    const child = childSchema(def, key);
    return child === undefined ? [] : ignoredV1Settings(value, child, [...path, key]);
  });
}
