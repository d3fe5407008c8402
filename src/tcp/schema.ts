import { z } from 'zod';
import type { TcpConfig } from '../config/dynamic/types.js';
import { validateObjectSections } from '../config/schema/object-sections.js';
import type { Locate } from '../config/schema/parse-located.js';
import { streamServiceSchema } from '../config/schema/stream-service.js';
import type { ProviderIssue } from '../providers/types.js';
import { UNSUPPORTED_TCP_SERVERS_TRANSPORTS, UNSUPPORTED_TCP_SERVICE_KEYS } from './unsupported.js';

const routerSchema = z.strictObject({
  rule: z.string(),
  ruleSyntax: z.string().optional(),
  entryPoints: z.array(z.string()).optional(),
  middlewares: z.array(z.string()).optional(),
  service: z.string(),
  priority: z.number().int().optional(),
  tls: z
    .strictObject({
      passthrough: z.boolean().optional(),
      options: z.string().optional(),
      certResolver: z.string().optional(),
      domains: z
        .array(z.strictObject({ main: z.string().optional(), sans: z.array(z.string()).optional() }))
        .optional(),
    })
    .optional(),
});

const refused = Object.fromEntries(
  Object.entries(UNSUPPORTED_TCP_SERVICE_KEYS).map(([key, reason]) => [key, z.never({ error: reason }).optional()]),
);

const serviceSchema = streamServiceSchema(
  'TCP',
  z.strictObject({
    servers: z.array(z.strictObject({ address: z.string(), tls: z.boolean().optional() })).default([]),
    // Milliseconds, as in Traefik; negative: no deadline.
    terminationDelay: z.number().int().optional(),
    ...refused,
  }),
);

const sourceRange = z.strictObject({ sourceRange: z.array(z.string()) });
const middlewareSchema = z
  .strictObject({
    ipAllowList: sourceRange.optional(),
    ipWhiteList: sourceRange.optional(),
    inFlightConn: z.strictObject({ amount: z.number().int().min(1) }).optional(),
  })
  .refine((middleware) => Object.keys(middleware).length === 1, {
    message: 'a TCP middleware has exactly one type: ipAllowList, ipWhiteList or inFlightConn',
  });

const SECTIONS = [
  ['routers', routerSchema, 'tcpRouter'],
  ['services', serviceSchema, 'tcpService'],
  ['middlewares', middlewareSchema, 'tcpMiddleware'],
] as const;

/** The dynamic `tcp` section, one object at a time so that a broken one is left out alone. */
export function validateTcpSection(raw: unknown, locate: Locate, issues: ProviderIssue[]): TcpConfig | undefined {
  return validateObjectSections('tcp', raw, SECTIONS, locate, issues, {
    serversTransports: UNSUPPORTED_TCP_SERVERS_TRANSPORTS,
  });
}
