import { z } from 'zod';
import type { UdpConfig } from '../config/dynamic/types.js';
import { closestKey } from '../config/did-you-mean.js';
import { parseLocated, type Locate } from '../config/schema/parse-located.js';
import type { ProviderIssue } from '../providers/types.js';

const routerSchema = z.strictObject({
  entryPoints: z.array(z.string()).optional(),
  service: z.string({ error: 'is required: the UDP service that receives the datagrams' }),
});

const serviceSchema = z
  .strictObject({
    loadBalancer: z.strictObject({ servers: z.array(z.strictObject({ address: z.string() })).default([]) }).optional(),
    weighted: z
      .strictObject({
        services: z.array(z.strictObject({ name: z.string(), weight: z.number().int().min(0).optional() })),
      })
      .optional(),
  })
  .refine((service) => (service.loadBalancer === undefined) !== (service.weighted === undefined), {
    message: 'a UDP service has exactly one of loadBalancer or weighted',
  });

const SECTIONS = [
  ['routers', routerSchema, 'udpRouter'],
  ['services', serviceSchema, 'udpService'],
] as const;

/** The dynamic `udp` section, one object at a time so that a broken one is left out alone. */
export function validateUdpSection(raw: unknown, locate: Locate, issues: ProviderIssue[]): UdpConfig | undefined {
  if (!isRecord(raw)) {
    if (raw !== undefined && raw !== null) {
      issues.push({ message: 'must be a table of routers and services', key: 'udp', location: locate(['udp']) });
    }
    return undefined;
  }
  const udp: UdpConfig = {};
  for (const [section, schema, kind] of SECTIONS) {
    const objects = raw[section];
    if (objects === undefined || objects === null) continue;
    if (!isRecord(objects)) {
      issues.push({ message: `must be a table of named ${section}`, key: `udp.${section}` });
      continue;
    }
    const target: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(objects)) {
      const parsed = parseLocated(schema as z.ZodType, value, ['udp', section, name], locate);
      if (parsed.ok) target[name] = parsed.data;
      // Keyed to the object, so the API lists it disabled with this error.
      else {
        for (const e of parsed.errors) {
          issues.push({ message: e.message, key: e.key, location: e.location, object: { kind, name } });
        }
      }
    }
    (udp as Record<string, unknown>)[section] = target;
  }
  for (const key of Object.keys(raw)) {
    if (key === 'routers' || key === 'services') continue;
    const guess = closestKey(key, ['routers', 'services']);
    issues.push({
      message: `unknown key "${key}": udp has routers and services${guess ? ` (did you mean "${guess}"?)` : ''}`,
      key: `udp.${key}`,
      location: locate(['udp', key]),
    });
  }
  return udp;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
