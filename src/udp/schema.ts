import { z } from 'zod';
import type { UdpConfig } from '../config/dynamic/types.js';
import { validateObjectSections } from '../config/schema/object-sections.js';
import type { Locate } from '../config/schema/parse-located.js';
import { streamServiceSchema } from '../config/schema/stream-service.js';
import type { ProviderIssue } from '../providers/types.js';

const routerSchema = z.strictObject({
  entryPoints: z.array(z.string()).optional(),
  service: z.string({ error: 'is required: the UDP service that receives the datagrams' }),
});

const serviceSchema = streamServiceSchema(
  'UDP',
  z.strictObject({ servers: z.array(z.strictObject({ address: z.string() })).default([]) }),
);

const SECTIONS = [
  ['routers', routerSchema, 'udpRouter'],
  ['services', serviceSchema, 'udpService'],
] as const;

/** The dynamic `udp` section, one object at a time so that a broken one is left out alone. */
export function validateUdpSection(raw: unknown, locate: Locate, issues: ProviderIssue[]): UdpConfig | undefined {
  return validateObjectSections('udp', raw, SECTIONS, locate, issues);
}
