import { z } from 'zod';
import type { Covers, Fits } from '../schema/coverage.js';
import { durationStringSchema } from '../schema/duration.js';
import type {
  ConsumerConfig,
  HealthCheckConfig,
  LoadBalancerConfig,
  RouterConfig,
  ServersTransportConfig,
  ServiceConfig,
} from './types.js';

/**
 * zod schemas for one dynamic object each (router, service, middleware, consumer), strict and
 * case-sensitive like Traefik v3 files. Objects are validated one by one, so a broken one is
 * dropped alone. Middleware options are checked later by each middleware type.
 */

const nameList = z.array(z.string(), {
  error: (issue) => (issue.input === undefined ? undefined : 'must be a list of names, like ["web", "websecure"]'),
});

export const routerSchema = z.strictObject({
  rule: z.string(),
  ruleSyntax: z.enum(['v3', 'v2', 'v1']).optional(),
  entryPoints: nameList.optional(),
  middlewares: nameList.optional(),
  service: z.string(),
  priority: z.number().int().optional(),
  tls: z
    .strictObject({
      options: z.string().optional(),
      certResolver: z.string().optional(),
      domains: z.array(z.strictObject({ main: z.string().optional(), sans: nameList.optional() })).optional(),
    })
    .optional(),
});

const stickyCookieSchema = z.strictObject({
  name: z.string().optional(),
  secure: z.boolean().optional(),
  httpOnly: z.boolean().optional(),
  sameSite: z.enum(['none', 'lax', 'strict', '']).optional(),
  maxAge: z.number().int().optional(),
  path: z.string().optional(),
  domain: z.string().optional(),
});

const stickySchema = z.strictObject({ cookie: stickyCookieSchema.optional() });

/** Parents only say "propagate health"; the object has no options. */
const propagateHealthSchema = z.strictObject({});

const loadBalancerSchema = z.strictObject({
  servers: z.array(z.strictObject({ url: z.string(), weight: z.number().int().nonnegative().optional() })).default([]),
  passHostHeader: z.boolean().optional(),
  sticky: stickySchema.optional(),
  healthCheck: z
    .strictObject({
      path: z.string().optional(),
      interval: durationStringSchema.optional(),
      unhealthyInterval: durationStringSchema.optional(),
      timeout: durationStringSchema.optional(),
      scheme: z.string().optional(),
      hostname: z.string().optional(),
      port: z.number().int().optional(),
      method: z.string().optional(),
      status: z.number().int().optional(),
      headers: z.record(z.string(), z.string()).optional(),
      followRedirects: z.boolean().optional(),
    })
    .optional(),
  serversTransport: z.string().optional(),
  responseForwarding: z.strictObject({ flushInterval: durationStringSchema.optional() }).optional(),
});

export const serviceSchema = z
  .strictObject({
    loadBalancer: loadBalancerSchema.optional(),
    weighted: z
      .strictObject({
        services: z.array(z.strictObject({ name: z.string(), weight: z.number().int().nonnegative().optional() })),
        sticky: stickySchema.optional(),
        healthCheck: propagateHealthSchema.optional(),
      })
      .optional(),
    mirroring: z
      .strictObject({
        service: z.string(),
        mirrors: z
          .array(z.strictObject({ name: z.string(), percent: z.number().min(0).max(100).optional() }))
          .optional(),
        mirrorBody: z.boolean().optional(),
        maxBodySize: z.number().int().optional(),
        healthCheck: propagateHealthSchema.optional(),
      })
      .optional(),
    failover: z
      .strictObject({
        service: z.string(),
        fallback: z.string(),
        healthCheck: propagateHealthSchema.optional(),
      })
      .optional(),
  })
  .refine((service) => Object.values(service).filter((member) => member !== undefined).length === 1, {
    error: 'a service needs exactly one of loadBalancer, weighted, mirroring or failover',
  });

export const middlewareSchema = z
  .record(
    z.string(),
    z.record(z.string(), z.unknown(), {
      error: 'must be the options of this middleware type, as a table/mapping (for example prefixes: ["/api"])',
    }),
    {
      error: 'a middleware is one type with its options, like { stripPrefix: { prefixes: ["/api"] } }',
    },
  )
  .refine((middleware) => Object.keys(middleware).length === 1, {
    error: (issue) =>
      `a middleware has exactly one type, found ${Object.keys(issue.input as object).length || 'none'}: split it into several middlewares and list them on the router (or use a chain)`,
  });

export const serversTransportSchema = z.strictObject({
  serverName: z.string().optional(),
  insecureSkipVerify: z.boolean().optional(),
  rootCAs: nameList.optional(),
  certificates: z.array(z.strictObject({ certFile: z.string(), keyFile: z.string() })).optional(),
  minVersion: z.string().optional(),
  maxVersion: z.string().optional(),
  cipherSuites: nameList.optional(),
  maxIdleConnsPerHost: z.number().int().optional(),
  disableHTTP2: z.boolean().optional(),
  peerCertURI: z.string().optional(),
  forwardingTimeouts: z
    .strictObject({
      dialTimeout: durationStringSchema.optional(),
      responseHeaderTimeout: durationStringSchema.optional(),
      idleConnTimeout: durationStringSchema.optional(),
      readIdleTimeout: durationStringSchema.optional(),
      pingTimeout: durationStringSchema.optional(),
    })
    .optional(),
});

export const consumerSchema = z.strictObject({
  hmacKeys: z
    .array(
      z
        .strictObject({ id: z.string(), secret: z.string().optional(), secretBase64: z.string().optional() })
        .refine((key) => (key.secret === undefined) !== (key.secretBase64 === undefined), {
          error: 'an HMAC key needs exactly one of secret or secretBase64',
        }),
    )
    .max(2, { error: 'at most two HMAC keys at once (the current one and the next, for rotation)' })
    .optional(),
  apiKeys: nameList.optional(),
  basicAuth: nameList.optional(),
});

/**
 * Compile-time guards: every key of the shared types has a schema entry (a field added to types.ts
 * without one fails here, naming the key), and what the schemas produce fits the types.
 */
const _schemasCoverTypes: [
  Covers<z.infer<typeof routerSchema>, RouterConfig>,
  Covers<z.infer<typeof serviceSchema>, ServiceConfig>,
  Covers<z.infer<typeof loadBalancerSchema>, LoadBalancerConfig>,
  Covers<NonNullable<z.infer<typeof loadBalancerSchema>['healthCheck']>, HealthCheckConfig>,
  Covers<z.infer<typeof consumerSchema>, ConsumerConfig>,
  Covers<z.infer<typeof serversTransportSchema>, ServersTransportConfig>,
] = [true, true, true, true, true, true];
const _schemaOutputsFitTypes: [
  Fits<z.infer<typeof routerSchema>, RouterConfig>,
  Fits<z.infer<typeof serviceSchema>, ServiceConfig>,
  Fits<z.infer<typeof consumerSchema>, ConsumerConfig>,
  Fits<z.infer<typeof serversTransportSchema>, ServersTransportConfig>,
] = [true, true, true, true];
