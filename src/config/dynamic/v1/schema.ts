import { z } from 'zod';
import { durationSchema } from '../../schema/duration.js';

/**
 * One v1 backend / frontend as old guides wrote them in TOML (keys matched ignoring case, as v1
 * did). Sections typed `ignored` are accepted but not translated; each is reported.
 */

const ignored = z.unknown().optional();
const list = z.array(z.string());

export const v1BackendSchema = z.strictObject({
  servers: z.record(z.string(), z.strictObject({ url: z.string(), weight: z.number().int().optional() })).optional(),
  loadBalancer: z
    .strictObject({
      method: z.enum(['wrr', 'drr']).optional(),
      sticky: z.boolean().optional(),
      stickiness: z
        .strictObject({
          cookieName: z.string().optional(),
          secure: z.boolean().optional(),
          httpOnly: z.boolean().optional(),
          sameSite: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
  healthCheck: z
    .strictObject({
      path: z.string().optional(),
      port: z.number().int().optional(),
      interval: durationSchema.optional(),
      timeout: durationSchema.optional(),
      scheme: z.string().optional(),
      hostname: z.string().optional(),
      headers: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  responseForwarding: z.strictObject({ flushInterval: durationSchema.optional() }).optional(),
  circuitBreaker: ignored,
  maxConn: ignored,
  buffering: ignored,
});

const usersSchema = z.strictObject({
  users: list.optional(),
  usersFile: z.string().optional(),
  removeHeader: z.boolean().optional(),
  headerField: z.string().optional(),
});

export const v1FrontendSchema = z.strictObject({
  backend: z.string(),
  passHostHeader: z.boolean().optional(),
  priority: z.number().int().optional(),
  entryPoints: list.optional(),
  routes: z.record(z.string(), z.strictObject({ rule: z.string() })).optional(),
  basicAuth: list.optional(),
  auth: z
    .strictObject({
      headerField: z.string().optional(),
      basic: usersSchema.optional(),
      digest: usersSchema.optional(),
      forward: z
        .strictObject({
          address: z.string(),
          trustForwardHeader: z.boolean().optional(),
          authResponseHeaders: list.optional(),
          tls: ignored,
        })
        .optional(),
    })
    .optional(),
  whitelistSourceRange: list.optional(),
  whiteList: z.strictObject({ sourceRange: list.optional(), useXForwardedFor: z.boolean().optional() }).optional(),
  redirect: z
    .strictObject({
      entryPoint: z.string().optional(),
      regex: z.string().optional(),
      replacement: z.string().optional(),
      permanent: z.boolean().optional(),
    })
    .optional(),
  /** Checked by the v3 headers middleware once translated. */
  headers: z.record(z.string(), z.unknown()).optional(),
  passTLSCert: ignored,
  passTLSClientCert: ignored,
  errors: ignored,
  rateLimit: ignored,
});

export type V1Backend = z.infer<typeof v1BackendSchema>;
export type V1Frontend = z.infer<typeof v1FrontendSchema>;

/** The names of the sections present in `object` whose schema is `ignored`. */
export function untranslatedKeys(
  object: Record<string, unknown>,
  schema: typeof v1BackendSchema | typeof v1FrontendSchema,
): string[] {
  const shape: Record<string, unknown> = schema.shape;
  return Object.keys(object).filter((key) => shape[key] === ignored && object[key] !== undefined);
}
