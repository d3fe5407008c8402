import { z } from 'zod';
import type { TcpConfig } from '../config/dynamic/types.js';
import { parseLocated, type Locate } from '../config/schema/parse-located.js';
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

const serviceSchema = z
  .strictObject({
    loadBalancer: z
      .strictObject({
        servers: z.array(z.strictObject({ address: z.string(), tls: z.boolean().optional() })).default([]),
        // Milliseconds, as in Traefik; negative: no deadline.
        terminationDelay: z.number().int().optional(),
        ...refused,
      })
      .optional(),
    weighted: z
      .strictObject({
        services: z.array(z.strictObject({ name: z.string(), weight: z.number().int().min(0).optional() })),
      })
      .optional(),
  })
  .refine((service) => (service.loadBalancer === undefined) !== (service.weighted === undefined), {
    message: 'a TCP service has exactly one of loadBalancer or weighted',
  });

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

/** The dynamic `tcp` section, one object at a time so that a broken one is left out alone. */
export function validateTcpSection(raw: unknown, locate: Locate, issues: ProviderIssue[]): TcpConfig | undefined {
  if (!isRecord(raw)) {
    if (raw !== undefined && raw !== null)
      issues.push({ message: 'must be a table of routers and services', key: 'tcp' });
    return undefined;
  }
  const tcp: TcpConfig = {};
  for (const [section, schema, kind] of [
    ['routers', routerSchema, 'tcpRouter'],
    ['services', serviceSchema, 'tcpService'],
    ['middlewares', middlewareSchema, 'tcpMiddleware'],
  ] as const) {
    const objects = raw[section];
    if (objects === undefined || objects === null) continue;
    if (!isRecord(objects)) {
      issues.push({ message: `must be a table of named ${section}`, key: `tcp.${section}` });
      continue;
    }
    const target: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(objects)) {
      const parsed = parseLocated(schema as z.ZodType, value, ['tcp', section, name], locate);
      if (parsed.ok) target[name] = parsed.data;
      // Keyed to the object, so the API lists it disabled with this error.
      else {
        for (const e of parsed.errors) {
          issues.push({ message: e.message, key: e.key, location: e.location, object: { kind, name } });
        }
      }
    }
    (tcp as Record<string, unknown>)[section] = target;
  }
  for (const key of Object.keys(raw)) {
    if (key === 'serversTransports') {
      issues.push({ message: UNSUPPORTED_TCP_SERVERS_TRANSPORTS, key: 'tcp.serversTransports' });
    } else if (key !== 'routers' && key !== 'services' && key !== 'middlewares') {
      issues.push({ message: `unknown key "${key}": tcp has routers, services and middlewares`, key: `tcp.${key}` });
    }
  }
  return tcp;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
