import { validateDynamicConfig } from '../../config/dynamic/index.js';
import { consumerSchema, routerSchema, serversTransportSchema, serviceSchema } from '../../config/dynamic/schema.js';
import { normalizeBySchema } from '../../config/schema/walk.js';
import type { ProviderIssue, ProviderSnapshot } from '../types.js';
import { normalizeKvMiddleware } from './middleware-options.js';
import type { KvPair } from './store.js';

type Tree = Record<string, unknown>;

const SECTIONS: Record<string, (object: unknown) => unknown> = {
  routers: (object) => normalizeBySchema(object, routerSchema),
  services: (object) => normalizeBySchema(object, serviceSchema),
  middlewares: normalizeKvMiddleware,
  consumers: (object) => normalizeBySchema(object, consumerSchema),
  serversTransports: (object) => normalizeBySchema(object, serversTransportSchema),
};

/**
 * Turns the flat keys under `rootKey` (Traefik's layout: `traefik/http/routers/web/rule`,
 * `…/loadbalancer/servers/0/url`) into dynamic configuration, validated like every other
 * provider's. Keys are case-insensitive and come out in the schema's casing; numbered children
 * become arrays. An issue names the exact KV key it is about, and a broken value disables only
 * the object it belongs to. Old v1 layouts (`traefik/backends/…`, `traefik/frontends/…`) are
 * translated as v1 files are.
 */
export function decodeKvPairs(pairs: readonly KvPair[], rootKey: string, where: string): ProviderSnapshot {
  const root = trimSlashes(rootKey);
  const tree: Tree = {};
  const keys = new Map<string, string>();
  const issues: ProviderIssue[] = [];
  for (const { key, value } of [...pairs].sort((a, b) => a.key.localeCompare(b.key))) {
    const trimmed = trimSlashes(key);
    if (!trimmed.toLowerCase().startsWith(`${root.toLowerCase()}/`)) continue;
    const segments = trimmed
      .slice(root.length + 1)
      .split('/')
      .filter(Boolean);
    if (segments.length === 0) continue;
    const clash = insert(tree, segments, value);
    if (clash) {
      issues.push({
        message: `is ignored: ${root}/${clash} is both a value and a folder of keys; delete one of them`,
        key,
        location: where,
      });
      continue;
    }
    keys.set(segments.join('/').toLowerCase(), key);
  }
  const raw = canonicalize(numberedAsArrays(tree) as Tree);
  const kvKeyOf = (path: readonly string[]): string | undefined => {
    const wanted = path.join('/').toLowerCase();
    const exact = keys.get(wanted);
    if (exact !== undefined) return exact;
    for (const [lower, key] of keys) if (lower.startsWith(`${wanted}/`)) return key;
    // A required key that is missing: name the key to write.
    return path.length > 0 ? `${root}/${path.join('/')}` : undefined;
  };
  const validation = validateDynamicConfig(raw, { location: kvKeyOf });
  // The location callback answered with KV keys: report them as the key, and the store as the place.
  for (const issue of validation.issues) {
    issues.push({ ...issue, key: issue.location ?? issue.key, location: where });
  }
  return { config: validation.config, issues };
}

/** Sets `value` at `segments`; returns the key that stands in the way (a value where a folder goes). */
function insert(tree: Tree, segments: string[], value: string): string | undefined {
  let node = tree;
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1;
    const existing = node[segment];
    if (last) {
      if (typeof existing === 'object') return segments.join('/');
      node[segment] = value;
      return undefined;
    }
    if (typeof existing === 'string') return segments.slice(0, index + 1).join('/');
    node = (node[segment] ??= {}) as Tree;
  }
  return undefined;
}

/** `servers/0/url`, `servers/1/url` → `servers: [{url}, {url}]`, in index order, holes dropped. */
function numberedAsArrays(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value as Tree).map(([key, child]) => [key, numberedAsArrays(child)] as const);
  if (entries.length > 0 && entries.every(([key]) => /^\d+$/.test(key))) {
    return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, child]) => child);
  }
  return Object.fromEntries(entries);
}

/** `HTTP/Routers/x/EntryPoints` → `http.routers.x.entryPoints`: names keep their case, keys do not. */
function canonicalize(tree: Tree): Tree {
  const isV1 = Object.keys(tree).some((key) => ['backends', 'frontends'].includes(key.toLowerCase()));
  if (isV1) return tree;
  return Object.fromEntries(
    Object.entries(tree).map(([key, http]) => {
      if (key.toLowerCase() !== 'http' || !isTree(http)) return [key, http];
      const sections = Object.entries(http).map(([written, objects]) => {
        const section = Object.keys(SECTIONS).find((known) => known.toLowerCase() === written.toLowerCase());
        if (section === undefined || !isTree(objects)) return [written, objects];
        const normalize = SECTIONS[section]!;
        return [section, Object.fromEntries(Object.entries(objects).map(([name, obj]) => [name, normalize(obj)]))];
      });
      return ['http', Object.fromEntries(sections)];
    }),
  );
}

function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function trimSlashes(key: string): string {
  return key.replace(/^\/+|\/+$/g, '');
}
