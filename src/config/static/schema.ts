import { z } from 'zod';
import { durationSchema } from '../schema/duration.js';
import type { Covers } from '../schema/coverage.js';
import type { DockerProviderConfig, EntryPointConfig, StaticConfig } from './types.js';

/** The v3 static configuration as users write it (before defaults), strict at every level. */

const entryPointSchema = z.strictObject({
  address: z.string({
    error: (issue) =>
      `${issue.input === undefined ? 'is required' : 'must be a string'}: the address to listen on, like ":80", "0.0.0.0:8080" or "[::]:443"`,
  }),
  asDefault: z.boolean().optional(),
  transport: z
    .strictObject({
      respondingTimeouts: z
        .strictObject({
          readTimeout: durationSchema.optional(),
          writeTimeout: durationSchema.optional(),
          idleTimeout: durationSchema.optional(),
        })
        .optional(),
      lifeCycle: z
        .strictObject({
          graceTimeOut: durationSchema.optional(),
          requestAcceptGraceTimeout: durationSchema.optional(),
        })
        .optional(),
    })
    .optional(),
  forwardedHeaders: z
    .strictObject({ insecure: z.boolean().optional(), trustedIPs: z.array(z.string()).optional() })
    .optional(),
  udp: z.strictObject({ timeout: durationSchema.optional() }).optional(),
  http: z
    .strictObject({
      redirections: z
        .strictObject({
          entryPoint: z
            .strictObject({
              to: z.string(),
              scheme: z.string().optional(),
              permanent: z.boolean().optional(),
              priority: z.number().int().optional(),
            })
            .optional(),
        })
        .optional(),
      middlewares: z.array(z.string()).optional(),
      tls: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
});

export const dockerProviderSchema = z.strictObject({
  endpoint: z.string().optional(),
  defaultRule: z.string().optional(),
  exposedByDefault: z.boolean().optional(),
  network: z.string().optional(),
  constraints: z.string().optional(),
  watch: z.boolean().optional(),
  useBindPortIP: z.boolean().optional(),
  allowEmptyServices: z.boolean().optional(),
  labelPrefix: z.string().optional(),
  domain: z.string().optional(),
  swarmMode: z.boolean().optional(),
  refreshSeconds: durationSchema.optional(),
  v1: z.boolean().optional(),
});

const keepDrop = z.enum(['keep', 'drop']);
const keepDropRedact = z.enum(['keep', 'drop', 'redact']);

/** Traefik's HTTP code ranges for access-log filters: `"404"` or `"500-599"`, low end first. */
const statusCodeRange = z.string().refine(
  (entry) => {
    const match = /^\s*(\d{3})\s*(?:-\s*(\d{3})\s*)?$/.exec(entry);
    return match !== null && Number(match[1]) <= Number(match[2] ?? match[1]);
  },
  { error: (issue) => `${JSON.stringify(issue.input)} is not a status code or range; write "404" or "500-599"` },
);

const kvProviderSchema = z.strictObject({
  endpoints: z.array(z.string()).min(1).optional(),
  rootKey: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
});

export const staticConfigSchema = z.strictObject({
  entryPoints: z.record(z.string(), entryPointSchema).optional(),
  providers: z
    .strictObject({
      providersThrottleDuration: durationSchema.optional(),
      file: z
        .strictObject({
          filename: z.string().optional(),
          directory: z.string().optional(),
          watch: z.boolean().optional(),
        })
        .optional(),
      docker: dockerProviderSchema.optional(),
      swarm: dockerProviderSchema.optional(),
      etcd: kvProviderSchema.optional(),
      redis: kvProviderSchema.extend({ db: z.number().int().nonnegative().optional() }).optional(),
      zooKeeper: kvProviderSchema.optional(),
      embedded: z.strictObject({ filename: z.string().optional(), rootKey: z.string().optional() }).optional(),
    })
    .optional(),
  api: z
    .strictObject({
      insecure: z.boolean().optional(),
      dashboard: z.boolean().optional(),
      debug: z.boolean().optional(),
    })
    .optional(),
  ping: z
    .strictObject({ entryPoint: z.string().optional(), terminatingStatusCode: z.number().int().optional() })
    .optional(),
  log: z
    .strictObject({
      level: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL', 'PANIC']).optional(),
      format: z.enum(['json', 'common']).optional(),
      filePath: z.string().optional(),
    })
    .optional(),
  accessLog: z
    .strictObject({
      filePath: z.string().optional(),
      format: z.enum(['json', 'common']).optional(),
      bufferingSize: z.number().int().nonnegative().optional(),
      filters: z
        .strictObject({
          statusCodes: z.array(statusCodeRange).optional(),
          retryAttempts: z.boolean().optional(),
          minDuration: durationSchema.optional(),
        })
        .optional(),
      fields: z
        .strictObject({
          defaultMode: keepDrop.optional(),
          names: z.record(z.string(), keepDrop).optional(),
          headers: z
            .strictObject({
              defaultMode: keepDropRedact.optional(),
              names: z.record(z.string(), keepDropRedact).optional(),
            })
            .optional(),
        })
        .optional(),
    })
    .optional(),
  metrics: z
    .strictObject({
      prometheus: z
        .strictObject({ entryPoint: z.string().optional(), buckets: z.array(z.number()).optional() })
        .optional(),
    })
    .optional(),
  serversTransport: z
    .strictObject({
      insecureSkipVerify: z.boolean().optional(),
      rootCAs: z.array(z.string()).optional(),
      maxIdleConnsPerHost: z.number().int().optional(),
      forwardingTimeouts: z
        .strictObject({
          dialTimeout: durationSchema.optional(),
          responseHeaderTimeout: durationSchema.optional(),
          idleConnTimeout: durationSchema.optional(),
        })
        .optional(),
    })
    .optional(),
  functions: z
    .strictObject({
      store: z.strictObject({ directory: z.string().optional() }).optional(),
      timeout: durationSchema.optional(),
      memoryLimitMb: z.number().positive().optional(),
      concurrency: z.number().int().positive().optional(),
      idleUnload: durationSchema.optional(),
      maxBodyBytes: z.number().int().nonnegative().optional(),
      env: z.record(z.string(), z.record(z.string(), z.string())).optional(),
    })
    .optional(),
  gateway: z
    .strictObject({
      consumerHeader: z.string().optional(),
      secretsFile: z.string().optional(),
      jwt: z
        .strictObject({
          issuer: z.string().optional(),
          algorithm: z.enum(['ES256', 'EdDSA']).optional(),
          keyRotation: durationSchema.optional(),
        })
        .optional(),
    })
    .optional(),
  certificatesResolvers: z
    .record(
      z.string(),
      z.strictObject({
        acme: z
          .strictObject({
            email: z.string().optional(),
            storage: z.string().optional(),
            caServer: z.string().optional(),
            certificatesDuration: z.number().int().positive().optional(),
            keyType: z.string().optional(),
            httpChallenge: z.strictObject({ entryPoint: z.string() }).optional(),
            tlsChallenge: z.strictObject({}).optional(),
            dnsChallenge: z.record(z.string(), z.unknown()).optional(),
          })
          .optional(),
      }),
    )
    .optional(),
  cluster: z
    .strictObject({
      redis: z.strictObject({ endpoint: z.string() }).optional(),
      etcd: z.strictObject({ endpoints: z.array(z.string()) }).optional(),
    })
    .optional(),
});

export type StaticConfigInput = z.infer<typeof staticConfigSchema>;

/**
 * Compile-time guard: every key of the shared types has a schema entry, so a field added to
 * types.ts without one fails the type check (naming the key) instead of being rejected as an
 * "unknown key" at run time.
 */
const _schemaCoversTypes: [
  Covers<StaticConfigInput, Omit<StaticConfig, 'source'>>,
  Covers<NonNullable<StaticConfigInput['providers']>, StaticConfig['providers']>,
  Covers<z.infer<typeof entryPointSchema>, EntryPointConfig>,
  Covers<z.infer<typeof dockerProviderSchema>, DockerProviderConfig>,
] = [true, true, true, true];
