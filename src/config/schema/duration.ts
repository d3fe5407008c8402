import { z } from 'zod';
import { parseDuration } from '../duration.js';

const DURATION_HINT = 'write a duration like "10s", "250ms" or "1m30s", or a number of seconds';

function isDuration(value: string | number): boolean {
  try {
    parseDuration(value, '');
    return true;
  } catch {
    return false;
  }
}

/** A Traefik duration as written (`"10s"` or seconds), checked to be readable by `parseDuration`. */
export const durationSchema = z
  .union([z.string(), z.number()], { error: `must be a duration: ${DURATION_HINT}` })
  .refine(isDuration, { error: (issue) => `${JSON.stringify(issue.input)} is not a duration: ${DURATION_HINT}` });

/** The same, normalised to a string, for dynamic fields typed `string`. */
export const durationStringSchema = durationSchema.transform((value) => String(value));
