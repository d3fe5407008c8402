import { providerOf } from '../providers/aggregator.js';
import type { ObjectStatus } from './view.js';

/** The status fields every object has in the API (`ObjectView` in view.ts). */
export interface ObjectFields {
  name: string;
  provider: string;
  status: ObjectStatus;
  error?: string[];
}

/** The status fields of an object: disabled when it has errors, unless `status` says otherwise. */
export function objectFields(name: string, errors: string[], status?: ObjectStatus) {
  return {
    name,
    provider: providerOf(name),
    status: status ?? (errors.length ? 'disabled' : 'enabled'),
    ...(errors.length ? { error: errors } : {}),
  } as const;
}

/** Provider issues naming one object, keyed `kind:qualifiedName` (`tcpRouter:db@docker`). */
export type ObjectIssues = ReadonlyMap<string, readonly string[]>;

/**
 * The issues providers reported against one object, as a fresh list the builder may add its own
 * errors to.
 */
export function issueLookup(objectIssues: ObjectIssues): (kind: string, name: string) => string[] {
  return (kind, name) => [...(objectIssues.get(`${kind}:${name}`) ?? [])];
}

/**
 * Where objects of one kind are listed, and what stands in for one a provider could not read
 * (`placeholderIn`).
 */
export type DroppedObjectSlot = (name: string, fields: ObjectFields) => void;

/** A slot that lists a dropped object in `views` unless an object of that name is already there. */
export function placeholderIn<V>(
  views: Record<string, V>,
  placeholder: (fields: ObjectFields) => NoInfer<V>,
): DroppedObjectSlot {
  return (name, fields) => {
    if (!views[name]) views[name] = placeholder(fields);
  };
}

/**
 * A provider that could not read an object at all (a malformed label or KV value) leaves it out
 * of its snapshot; it is still listed, disabled, with the provider's error, so the error is seen
 * where users look. `slots` maps each issue kind (`tcpRouter`…) to where its objects go.
 */
export function addObjectsDroppedByProviders(
  objectIssues: ObjectIssues,
  slots: Readonly<Record<string, DroppedObjectSlot>>,
): void {
  for (const [key, errors] of objectIssues) {
    const [kind = '', name = ''] = key.split(/:(.*)/s);
    slots[kind]?.(name, objectFields(name, [...errors]));
  }
}
