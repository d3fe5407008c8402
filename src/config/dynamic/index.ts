import type { ZodType } from 'zod';
import { closestKey } from '../did-you-mean.js';
import type { ObjectKind, ProviderIssue } from '../../providers/types.js';
import { invalidObjectName } from '../schema/object-name.js';
import { parseLocated, type Locate } from '../schema/parse-located.js';
import { stripMatching } from '../schema/strip.js';
import { V1_STATIC_KEYS } from '../static/v1/schema.js';
import { consumerSchema, middlewareSchema, routerSchema, serversTransportSchema, serviceSchema } from './schema.js';
import type { DynamicConfig, HttpConfig } from './types.js';
import { translateV1Dynamic } from './v1/translate.js';
import { validateTlsSection } from '../../tls/schema.js';
import { validateTcpSection } from '../../tcp/schema.js';
import { validateUdpSection } from '../../udp/schema.js';

export interface DynamicSource {
  /** `file:line:col` of the key at `path`, when the configuration came from a file. */
  location?: (path: string[]) => string | undefined;
}

export interface DynamicValidation {
  config: DynamicConfig;
  issues: ProviderIssue[];
}

type Section = Record<string, unknown>;

interface SectionSpec {
  key: keyof HttpConfig;
  kind?: ObjectKind;
  schema: ZodType;
  /** Newer Traefik settings Portier accepts without acting on them (reported, not fatal). */
  ignored?: string[][];
}

const SECTIONS: SectionSpec[] = [
  { key: 'routers', kind: 'router', schema: routerSchema, ignored: [['observability']] },
  {
    key: 'services',
    kind: 'service',
    schema: serviceSchema,
    ignored: [
      ['loadBalancer', 'strategy'],
      ['loadBalancer', 'passiveHealthCheck'],
      ['loadBalancer', 'healthCheck', 'mode'],
      ['loadBalancer', 'servers', '*', 'preservePath'],
      ['failover', 'errors'],
    ],
  },
  { key: 'middlewares', kind: 'middleware', schema: middlewareSchema },
  { key: 'consumers', schema: consumerSchema },
  { key: 'serversTransports', schema: serversTransportSchema, ignored: [['spiffe']] },
];

/**
 * Validates raw dynamic configuration (v3, or v1 `[backends]`/`[frontends]`, translated) one
 * object at a time: a broken router, service, middleware or consumer is left out of `config`
 * and reported as an issue naming its full key, where it is written and, for a misspelt key, the
 * closest valid one. Everything else is kept.
 */
export function validateDynamicConfig(raw: unknown, source: DynamicSource): DynamicValidation {
  const locate: Locate = (path) => source.location?.([...path]);
  const config: DynamicConfig = { http: { routers: {}, services: {}, middlewares: {} } };
  const issues: ProviderIssue[] = [];
  if (raw === null || raw === undefined) return { config, issues };
  if (!isSection(raw)) {
    issues.push({
      message: 'dynamic configuration must be a table/mapping with an "http" section',
      location: locate([]),
    });
    return { config, issues };
  }
  const v1Keys = Object.keys(raw).filter((key) => ['backends', 'frontends'].includes(key.toLowerCase()));
  if (v1Keys.length > 0) {
    validateV1(raw, locate, config, issues);
  } else {
    for (const key of Object.keys(raw)) {
      if (key === 'http') validateHttp(raw.http, locate, config, issues);
      else if (key === 'tls') config.tls = validateTlsSection(raw.tls, locate, issues);
      else if (key === 'tcp') config.tcp = validateTcpSection(raw.tcp, locate, issues);
      else if (key === 'udp') config.udp = validateUdpSection(raw.udp, locate, issues);
      else issues.push(unknownKey(key, [], ['http', 'tcp', 'udp', 'tls'], locate));
    }
  }
  return { config, issues };
}

function validateHttp(http: unknown, locate: Locate, config: DynamicConfig, issues: ProviderIssue[]): void {
  if (http === null || http === undefined) return;
  if (!isSection(http)) {
    issues.push({
      message: 'must be a table/mapping of routers, services and middlewares',
      key: 'http',
      location: locate(['http']),
    });
    return;
  }
  const known = SECTIONS.map((section) => section.key);
  for (const key of Object.keys(http)) {
    if (!SECTIONS.some((section) => section.key === key)) issues.push(unknownKey(key, ['http'], known, locate));
  }
  for (const section of SECTIONS) {
    const objects = http[section.key];
    if (objects === undefined || objects === null) continue;
    if (!isSection(objects)) {
      issues.push({
        message: `must be a table/mapping of named ${section.key}`,
        key: `http.${section.key}`,
        location: locate(['http', section.key]),
      });
      continue;
    }
    addObjects(section, objects, locate, config, issues);
  }
}

/** Validates each object of one section on its own, so that a broken one is dropped alone. */
function addObjects(
  section: SectionSpec,
  objects: Section,
  locate: Locate,
  config: DynamicConfig,
  issues: ProviderIssue[],
): void {
  const target = (config.http[section.key] ??= {}) as Section;
  for (const [name, value] of Object.entries(objects)) {
    const path = ['http', section.key, name];
    const object = section.kind ? { kind: section.kind, name } : undefined;
    const invalidName = invalidObjectName(name);
    if (invalidName) {
      issues.push({
        message: invalidName,
        key: path.join('.'),
        location: locate(path),
        ...(object && { object }),
      });
      continue;
    }
    const written = structuredClone(value);
    for (const ignored of stripMatching(written, section.ignored ?? [])) {
      const ignoredPath = [...path, ...ignored.split('.')];
      issues.push({
        message: `"${ignoredPath[ignoredPath.length - 1]}" is a Traefik setting Portier does not support yet; it is ignored`,
        key: ignoredPath.join('.'),
        location: locate(ignoredPath),
      });
    }
    const parsed = parseLocated(
      section.schema,
      section.kind === 'middleware' ? emptyOptionsAsObject(written) : written,
      path,
      locate,
    );
    if (parsed.ok) {
      target[name] = parsed.data;
      continue;
    }
    for (const error of parsed.errors) {
      issues.push({ message: error.message, key: error.key, location: error.location, ...(object && { object }) });
    }
  }
}

function validateV1(raw: Section, locate: Locate, config: DynamicConfig, issues: ProviderIssue[]): void {
  const sectionOf = (name: string): Section => {
    const key = Object.keys(raw).find((candidate) => candidate.toLowerCase() === name);
    const value = key === undefined ? undefined : raw[key];
    return isSection(value) ? value : {};
  };
  const translation = translateV1Dynamic(sectionOf('backends'), sectionOf('frontends'), locate);
  issues.push(...translation.issues);
  for (const key of Object.keys(raw)) {
    // A v1 static file may hold the dynamic part too (an empty `[file]`): its static keys are not ours.
    if (!V1_STATIC_KEYS.has(key.toLowerCase())) issues.push(unknownKey(key, [], ['backends', 'frontends'], locate));
  }
  const translated = {
    routers: translation.routers,
    services: translation.services,
    middlewares: translation.middlewares,
  };
  validateHttp(translated, translation.locate, config, issues);
}

/** YAML `compress:` (no options) reads as null; Traefik treats it as `{}`. */
function emptyOptionsAsObject(value: unknown): unknown {
  if (!isSection(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([type, options]) => [type, options ?? {}]));
}

function unknownKey(key: string, parent: string[], known: string[], locate: Locate): ProviderIssue {
  const guess = closestKey(key, known);
  const path = [...parent, key];
  return {
    message: `unknown key "${key}"${guess ? ` (did you mean "${guess}"?)` : ''}`,
    key: path.join('.'),
    location: locate(path),
  };
}

function isSection(value: unknown): value is Section {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
