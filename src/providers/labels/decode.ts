import { closestKey } from '../../config/did-you-mean.js';
import { invalidObjectName } from '../../config/schema/object-name.js';
import { assignLabel, bool, obj, ShapeProblem, str, type Shape } from './shape.js';
import type { DecodedLabels, LabelConfig } from './types.js';
import { decodeV1Labels, isV1Key } from './decode-v1.js';
import { tcpMiddlewareShapes, tcpRouterShape, tcpServiceShape } from './tcp-shapes.js';
import { udpRouterShape, udpServiceShape } from './udp-shapes.js';
import { middlewareShapes, routerShape, serviceShape } from './v3-shapes.js';

export interface DecodeOptions {
  /** `traefik` unless configured; `portier` is always read as well. */
  labelPrefix?: string;
  /** The workload's own normalised name: v1 labels without `traefik.backend` use it. */
  defaultName: string;
}

/** Prefix-level keys that are neither v3 sections nor v1 keys. */
const providerShape = obj({
  docker: obj({ network: str, allowNonRunning: bool, lbSwarm: bool }),
  swarm: obj({ network: str, lbSwarm: bool }),
});
const SECTIONS = ['enable', 'tags', 'http', 'tcp', 'udp', 'tls', 'docker', 'swarm'];
const KINDS = ['routers', 'services', 'middlewares'] as const;

/** The shapes of one protocol's routers, services and middlewares (by type). */
interface ProtocolShapes {
  routers: Shape;
  services: Shape;
  /** Absent for UDP: Traefik has no UDP middlewares. */
  middlewares?: Record<string, Shape>;
}

const PROTOCOLS: Record<'http' | 'tcp' | 'udp', ProtocolShapes> = {
  http: { routers: routerShape, services: serviceShape, middlewares: middlewareShapes },
  tcp: { routers: tcpRouterShape, services: tcpServiceShape, middlewares: tcpMiddlewareShapes },
  udp: { routers: udpRouterShape, services: udpServiceShape },
};

type Tree = Record<string, unknown>;

/**
 * Decodes a workload's labels (Traefik v3 and v1 forms, under `traefik.` or the configured prefix,
 * and `portier.`) into the configuration they describe. Keys are case-insensitive; names of
 * routers, services and middlewares keep their case. Problems are collected, never thrown.
 */
export function decodeLabels(labels: Record<string, string>, options: DecodeOptions): DecodedLabels {
  const prefixes = [...new Set([(options.labelPrefix ?? 'traefik').replace(/\.$/, '').toLowerCase(), 'portier'])];
  const config: LabelConfig = {
    routers: {},
    services: {},
    middlewares: {},
    tcp: { routers: {}, services: {}, middlewares: {} },
  };
  const decoded: DecodedLabels = { config, problems: [], unsupported: [] };
  const v1Entries: [string, string[], string][] = [];
  // v1 segments (`traefik.<segment>.port`, `traefik.<segment>.frontend.rule`…): one router and
  // service per segment, for containers that serve on several ports.
  const segmentEntries = new Map<string, [string, string[], string][]>();
  for (const [label, value] of Object.entries(labels)) {
    const prefix = prefixes.find((candidate) => label.toLowerCase().startsWith(`${candidate}.`));
    if (!prefix) continue;
    const segments = label.slice(prefix.length + 1).split('.');
    try {
      if (isV1Key(segments)) v1Entries.push([label, segments, value]);
      else if (isV1Segment(segments)) {
        const [segment, ...rest] = segments;
        segmentEntries.set(segment!, [...(segmentEntries.get(segment!) ?? []), [label, rest, value]]);
      } else decodeV3Label(config, decoded, label, segments, value, prefix === prefixes[0]);
    } catch (error) {
      if (!(error instanceof ShapeProblem)) throw error;
      const suggestion = error.suggestion && `${label.slice(0, prefix.length)}.${error.suggestion.join('.')}`;
      decoded.problems.push({ label, message: error.message, suggestion });
    }
  }
  if (v1Entries.length > 0) decodeV1Labels(v1Entries, decoded, options.defaultName);
  for (const [segment, entries] of segmentEntries) {
    decodeV1Labels(entries, decoded, `${options.defaultName}-${segment}`);
  }
  return decoded;
}

function isV1Segment(segments: string[]): boolean {
  return segments.length >= 2 && !SECTIONS.includes(segments[0]!.toLowerCase()) && isV1Key(segments.slice(1));
}

function decodeV3Label(
  config: LabelConfig,
  decoded: DecodedLabels,
  label: string,
  segments: string[],
  value: string,
  mainPrefix: boolean,
): void {
  const [section, ...rest] = segments;
  const lower = section!.toLowerCase();
  switch (lower) {
    case 'enable':
      if (rest.length > 0) throw new ShapeProblem('unknown key', ['enable']);
      config.enable = parseBool(value, 'enable');
      return;
    case 'tags':
      // Read by the provider's `Tag`/`TagRegex` constraints (v1's `constraints = ["tag==…"]`).
      if (rest.length > 0) throw new ShapeProblem('unknown key', ['tags']);
      return;
    case 'http':
      return decodeSection('http', config as unknown as Record<string, Record<string, Tree>>, rest, value);
    case 'tcp':
      return decodeSection('tcp', config.tcp as unknown as Record<string, Record<string, Tree>>, rest, value);
    case 'udp':
      config.udp ??= { routers: {}, services: {} };
      return decodeSection('udp', config.udp as unknown as Record<string, Record<string, Tree>>, rest, value);
    case 'tls':
      decoded.unsupported.push(label);
      return;
    case 'docker':
    case 'swarm': {
      const target: Record<string, Record<string, unknown>> = {};
      assignLabel(target, providerShape, segments, value);
      const options = target[lower === 'docker' ? 'docker' : 'swarm']!;
      if (options.network !== undefined) config.network = options.network as string;
      if (options.lbSwarm !== undefined) config.lbSwarm = options.lbSwarm as boolean;
      if (options.allowNonRunning !== undefined) config.allowNonRunning = options.allowNonRunning as boolean;
      return;
    }
  }
  // A single unknown word (`traefik.enabel`) or a misspelt section (`traefik.htp.routers…`) is a
  // typo; other unknown keys belong to v1 segments or other tools and are ignored, as in Traefik.
  // `portier.` also carries Portier's own metadata (`portier.test`): only its sections are strict.
  if ((KINDS as readonly string[]).includes(rest[0]?.toLowerCase() ?? '')) {
    throw new ShapeProblem(`unknown key "${section}"`, [
      closestKey(section!, ['http', 'tcp', 'udp']) ?? 'http',
      ...rest,
    ]);
  }
  if (rest.length === 0 && mainPrefix) {
    const guess = closestKey(section!, [...SECTIONS, 'port', 'backend', 'weight', 'protocol', 'domain']);
    throw new ShapeProblem(`unknown key "${section}"`, guess ? [guess] : undefined);
  }
}

/**
 * `<protocol>.<routers|services|middlewares>.<name>.<key…>` into `target` (the label config's
 * routers, services and middlewares of that protocol).
 */
function decodeSection(
  protocol: keyof typeof PROTOCOLS,
  target: Record<string, Record<string, Tree>>,
  segments: string[],
  value: string,
): void {
  const [kind, name, ...rest] = segments;
  const lower = (kind?.toLowerCase() ?? '') as (typeof KINDS)[number];
  if (!KINDS.includes(lower)) {
    const guess = closestKey(lower, KINDS);
    throw new ShapeProblem(
      `unknown key "${protocol}.${kind}"`,
      guess ? [protocol, guess, ...segments.slice(1)] : undefined,
    );
  }
  const shapes = PROTOCOLS[protocol];
  const middlewareTypes = shapes.middlewares;
  if (lower === 'middlewares' && !middlewareTypes) {
    throw new ShapeProblem(`${protocol.toUpperCase()} has no middlewares (Traefik has none either); remove the label`);
  }
  if (!name || rest.length === 0) {
    throw new ShapeProblem(`needs a name and a key, as in ${protocol}.${lower}.<name>.<key>`);
  }
  const invalidName = invalidObjectName(name);
  if (invalidName) throw new ShapeProblem(invalidName);
  const object = (target[lower]![name] ??= protocol === 'http' && lower === 'services' ? { loadBalancer: {} } : {});
  try {
    if (lower === 'middlewares') decodeMiddleware(object, middlewareTypes!, rest, value);
    else assignLabel(object, shapes[lower], rest, value);
  } catch (error) {
    if (error instanceof ShapeProblem) {
      throw new ShapeProblem(error.message, error.suggestion && [protocol, lower, name, ...error.suggestion]);
    }
    throw error;
  }
}

function decodeMiddleware(middleware: Tree, shapes: Record<string, Shape>, segments: string[], value: string): void {
  const [written, ...rest] = segments;
  const type = Object.keys(shapes).find((known) => known.toLowerCase() === written!.toLowerCase());
  if (!type) {
    const guess = closestKey(written!, Object.keys(shapes));
    throw new ShapeProblem(`unknown middleware type "${written}"`, guess ? [guess, ...rest] : undefined);
  }
  const other = Object.keys(middleware).find((existing) => existing !== type);
  if (other) throw new ShapeProblem(`a middleware has one type, but this one has "${other}" and "${type}"`);
  const options = (middleware[type] ??= {}) as Tree;
  // `traefik.http.middlewares.x.contenttype=true` declares a type that has no options.
  if (rest.length === 0) return;
  try {
    assignLabel(options, shapes[type]!, rest, value);
  } catch (error) {
    if (error instanceof ShapeProblem) {
      throw new ShapeProblem(error.message, error.suggestion ? [type, ...error.suggestion] : undefined);
    }
    throw error;
  }
}

function parseBool(value: string, key: string): boolean {
  const lower = value.trim().toLowerCase();
  if (lower !== 'true' && lower !== 'false') throw new ShapeProblem(`"${key}" must be true or false, not "${value}"`);
  return lower === 'true';
}
