import { closestKey } from '../../config/did-you-mean.js';

/**
 * Describes which label keys exist under a configuration object and how their string values
 * convert, so one walker can place `…loadbalancer.healthcheck.interval=5s` at
 * `loadBalancer.healthCheck.interval` with Traefik's canonical casing, and name the closest valid
 * key when a label is misspelt.
 */
export type Shape =
  | { kind: 'string' | 'int' | 'bool' | 'list' }
  /** Keys are case-insensitive; `self` is the type of `key=value` on the object itself (`tls=true`). */
  | { kind: 'object'; fields: Record<string, Shape>; self?: 'bool'; lenient?: boolean }
  /** Any sub-key, kept as written (header names), with string values. */
  | { kind: 'map' }
  /** `key[0].field`: an array of objects. */
  | { kind: 'array'; item: Shape }
  /** `key.<any name>.field`: objects under names the user picks (v1 `errors.<name>.status`). */
  | { kind: 'named'; item: Shape }
  /** Accepted and dropped: Traefik features Portier has no field for. */
  | { kind: 'ignored' }
  /** A Traefik key Portier knows but cannot honour safely: any label under it is an error saying why. */
  | { kind: 'refused'; reason: string };

export const str: Shape = { kind: 'string' };
export const int: Shape = { kind: 'int' };
export const bool: Shape = { kind: 'bool' };
export const list: Shape = { kind: 'list' };
export const map: Shape = { kind: 'map' };
export const ignored: Shape = { kind: 'ignored' };

export function obj(fields: Record<string, Shape>, options: { self?: 'bool'; lenient?: boolean } = {}): Shape {
  return { kind: 'object', fields, ...options };
}

/** A label that does not fit the shape: `suggestion` is the closest valid key path, if any. */
export class ShapeProblem extends Error {
  constructor(
    message: string,
    readonly suggestion?: string[],
  ) {
    super(message);
  }
}

type Tree = Record<string, unknown>;

/**
 * Sets `value` at `segments` (label key parts as written) inside `target`, converting it as the
 * shape says. Lenient objects (middleware options: the runtime validates those) keep unknown keys
 * as written, with string values. Throws ShapeProblem.
 */
export function assignLabel(target: Tree, shape: Shape, segments: string[], value: string): void {
  if (shape.kind !== 'object') throw new Error('assignLabel needs an object shape');
  const [head, ...rest] = segments;
  if (head === undefined) throw new ShapeProblem('is incomplete');
  const indexed = /^(.+)\[(\d+)\]$/.exec(head);
  const written = indexed ? indexed[1]! : head;
  const entry = findField(shape, written);
  if (!entry) {
    if (shape.lenient) return setLenient(target, segments, value);
    throw new ShapeProblem(`unknown key "${written}"`, suggest(shape, segments));
  }
  const [name, child] = entry;
  if (child.kind === 'ignored') return;
  if (child.kind === 'refused') throw new ShapeProblem(`"${written}" ${child.reason}`);
  if (child.kind === 'array') {
    if (!indexed) throw new ShapeProblem(`"${written}" needs an index, as in ${written}[0]`);
    const items = (target[name] ??= []) as Tree[];
    const item = (items[Number(indexed[2])] ??= {});
    if (rest.length === 0) throw new ShapeProblem(`"${head}" is incomplete`);
    within(`${name}[${indexed[2]}]`, () => assignLabel(item, child.item, rest, value));
    // Holes from sparse indexes would serialise as null.
    target[name] = items.filter(Boolean);
    return;
  }
  if (child.kind === 'named') {
    const [itemName, ...itemRest] = rest;
    if (itemName === undefined || itemRest.length === 0) {
      throw new ShapeProblem(`"${written}" needs a name and a key, as in ${written}.<name>.<key>`);
    }
    const items = (target[name] ??= {}) as Tree;
    within(`${name}.${itemName}`, () => assignLabel((items[itemName] ??= {}) as Tree, child.item, itemRest, value));
    return;
  }
  if (child.kind === 'map') {
    if (rest.length === 0) throw new ShapeProblem(`"${written}" needs a sub-key, as in ${written}.X-Header`);
    ((target[name] ??= {}) as Tree)[rest.join('.')] = value;
    return;
  }
  if (child.kind === 'object') {
    if (rest.length === 0) {
      if (child.self !== 'bool') throw new ShapeProblem(`"${written}" is an object; set one of its keys`);
      if (convert('bool', value, written)) target[name] ??= {};
      return;
    }
    within(name, () => assignLabel((target[name] ??= {}) as Tree, child, rest, value));
    return;
  }
  if (rest.length > 0) {
    if (shape.lenient) return setLenient(target, segments, value);
    throw new ShapeProblem(`unknown key "${segments.join('.')}"`, suggest(shape, segments));
  }
  target[name] = convert(child.kind, value, written);
}

/** Runs a nested assignment, prefixing any suggestion with the key it is nested under. */
function within(key: string, assign: () => void): void {
  try {
    assign();
  } catch (error) {
    if (error instanceof ShapeProblem && error.suggestion) {
      throw new ShapeProblem(error.message, [...key.split('.'), ...error.suggestion]);
    }
    throw error;
  }
}

function findField(shape: Shape & { kind: 'object' }, written: string): [string, Shape] | undefined {
  const lower = written.toLowerCase();
  for (const [name, child] of Object.entries(shape.fields)) {
    if (name.toLowerCase() === lower) return [name, child];
  }
  return undefined;
}

function setLenient(target: Tree, segments: string[], value: string): void {
  let node = target;
  for (const segment of segments.slice(0, -1)) node = (node[segment] ??= {}) as Tree;
  node[segments[segments.length - 1]!] = value;
}

function convert(kind: 'string' | 'int' | 'bool' | 'list', value: string, key: string): unknown {
  const trimmed = value.trim();
  switch (kind) {
    case 'string':
      return value;
    case 'int':
      if (!/^-?\d+$/.test(trimmed)) throw new ShapeProblem(`"${key}" must be an integer, not "${value}"`);
      return Number(trimmed);
    case 'bool': {
      const lower = trimmed.toLowerCase();
      if (lower !== 'true' && lower !== 'false') {
        throw new ShapeProblem(`"${key}" must be true or false, not "${value}"`);
      }
      return lower === 'true';
    }
    case 'list':
      return value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
  }
}

/** Every valid key path under a shape, for "did you mean" (arrays shown with index 0). */
export function keyPaths(shape: Shape, depth = 4): string[][] {
  if (shape.kind !== 'object' || depth === 0) return [];
  const paths: string[][] = [];
  for (const [name, child] of Object.entries(shape.fields)) {
    if (child.kind === 'refused') continue;
    const key = child.kind === 'array' ? `${name}[0]` : child.kind === 'named' ? `${name}.<name>` : name;
    if (child.kind === 'object' || child.kind === 'array' || child.kind === 'named') {
      const inner = child.kind === 'object' ? child : child.item;
      if (child.kind === 'object' && child.self) paths.push([key]);
      for (const rest of keyPaths(inner, depth - 1)) paths.push([key, ...rest]);
    } else {
      paths.push([key]);
    }
  }
  return paths;
}

function suggest(shape: Shape, segments: string[]): string[] | undefined {
  const candidates = keyPaths(shape).map((path) => path.join('.'));
  // Compare only as many levels as were written, so `healthcheck.pth` meets `healthCheck.path`.
  const written = segments.join('.');
  const sameDepth = candidates.filter((path) => path.split('.').length === segments.length);
  const hit = closestKey(written, sameDepth.length > 0 ? sameDepth : candidates);
  return hit?.split('.');
}
