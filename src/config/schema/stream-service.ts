import { z, type ZodType } from 'zod';

const weightedSchema = z.strictObject({
  services: z.array(z.strictObject({ name: z.string(), weight: z.number().int().min(0).optional() })),
});

/**
 * A `tcp` or `udp` service: a load balancer (its own per protocol) or a weighted split over other
 * services of that protocol, never both.
 */
export function streamServiceSchema(protocol: 'TCP' | 'UDP', loadBalancer: ZodType) {
  return z
    .strictObject({ loadBalancer: loadBalancer.optional(), weighted: weightedSchema.optional() })
    .refine((service) => (service.loadBalancer === undefined) !== (service.weighted === undefined), {
      message: `a ${protocol} service has exactly one of loadBalancer or weighted`,
    });
}
