import type { ZodType } from 'zod';
import { closestKey } from '../did-you-mean.js';
import type { ObjectKind, ProviderIssue } from '../../providers/types.js';
import { invalidObjectName } from './object-name.js';
import { parseLocated, type Locate } from './parse-located.js';

/** One table of named objects in a `tcp` or `udp` section: its key, schema and issue kind. */
type ObjectSection = readonly [section: string, schema: ZodType, kind: ObjectKind];

/**
 * A `tcp` or `udp` section, one object at a time so that a broken one is left out alone: its
 * issues are keyed to the object, so the API lists it disabled with them. A name that cannot be
 * qualified by provider (empty, or holding "@") is refused as in `http`. A key `refused` names
 * is reported with its reason; any other unknown key with a did-you-mean.
 */
export function validateObjectSections(
  protocol: 'tcp' | 'udp',
  raw: unknown,
  sections: readonly ObjectSection[],
  locate: Locate,
  issues: ProviderIssue[],
  refused: Readonly<Record<string, string>> = {},
): Record<string, Record<string, unknown>> | undefined {
  const names = sections.map(([section]) => section);
  const contents = `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  if (!isRecord(raw)) {
    if (raw !== undefined && raw !== null) {
      issues.push({ message: `must be a table of ${contents}`, key: protocol, location: locate([protocol]) });
    }
    return undefined;
  }
  const validated: Record<string, Record<string, unknown>> = {};
  for (const [section, schema, kind] of sections) {
    const objects = raw[section];
    if (objects === undefined || objects === null) continue;
    if (!isRecord(objects)) {
      issues.push({
        message: `must be a table of named ${section}`,
        key: `${protocol}.${section}`,
        location: locate([protocol, section]),
      });
      continue;
    }
    const target: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(objects)) {
      const path = [protocol, section, name];
      const badName = invalidObjectName(name);
      if (badName) {
        issues.push({ message: badName, key: path.join('.'), location: locate(path), object: { kind, name } });
        continue;
      }
      const parsed = parseLocated(schema, value, path, locate);
      if (parsed.ok) target[name] = parsed.data;
      else {
        for (const e of parsed.errors) {
          issues.push({ message: e.message, key: e.key, location: e.location, object: { kind, name } });
        }
      }
    }
    validated[section] = target;
  }
  for (const key of Object.keys(raw)) {
    if (names.includes(key)) continue;
    const reason = Object.hasOwn(refused, key) ? refused[key] : undefined;
    const guess = reason === undefined ? closestKey(key, names) : undefined;
    issues.push({
      message:
        reason ?? `unknown key "${key}": ${protocol} has ${contents}${guess ? ` (did you mean "${guess}"?)` : ''}`,
      key: `${protocol}.${key}`,
      location: locate([protocol, key]),
    });
  }
  return validated;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
