import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConsumerConfig, MiddlewareConfig } from '../config/dynamic/types.js';
import { closestKey } from '../config/did-you-mean.js';
import { ConfigError } from '../config/errors.js';
import { parseWithSchema } from '../config/validate.js';
import type { Middleware, MiddlewareType } from '../middlewares/types.js';
import { logger } from '../observability/logger.js';
import { providerOf, qualify } from '../providers/aggregator.js';
import type { Handler } from './context.js';

/** Registered middleware types, looked up case-insensitively as Traefik does for labels. */
export class MiddlewareTypes {
  private readonly byLowerName = new Map<string, { name: string; type: MiddlewareType }>();

  constructor(...registries: Record<string, MiddlewareType>[]) {
    for (const registry of registries) {
      for (const [name, type] of Object.entries(registry)) this.byLowerName.set(name.toLowerCase(), { name, type });
    }
  }

  get(name: string): { name: string; type: MiddlewareType } | undefined {
    return this.byLowerName.get(name.toLowerCase());
  }

  names(): string[] {
    return [...this.byLowerName.values()].map((entry) => entry.name);
  }
}

export interface BuiltMiddleware {
  type?: string;
  middleware?: Middleware;
  error?: string;
  /** Options with secret values replaced, for the API. */
  redacted: Record<string, unknown>;
}

/**
 * Builds every middleware of a configuration once, resolving `chain` references lazily and
 * detecting cycles. A broken middleware is recorded with its error; only routers using it suffer.
 */
export class MiddlewareBuilder {
  private readonly built = new Map<string, BuiltMiddleware>();
  private readonly inProgress = new Set<string>();

  constructor(
    private readonly configs: Record<string, MiddlewareConfig>,
    private readonly types: MiddlewareTypes,
    private readonly consumers: Record<string, ConsumerConfig>,
    private readonly baseDir: string,
    /** Gives a middleware (`errors`) the handler of a service, by qualified name. */
    private readonly resolveService: (qualifiedName: string) => Handler,
    /** Middlewares a provider could not read: they exist, disabled with their own error. */
    private readonly unreadable: ReadonlySet<string> = new Set(),
  ) {}

  all(): Map<string, BuiltMiddleware> {
    for (const name of Object.keys(this.configs)) this.build(name);
    return this.built;
  }

  /** Returns the middleware, or throws ConfigError explaining why it cannot be used. */
  resolve(name: string): Middleware {
    const built = this.build(name);
    if (!built.middleware) throw new ConfigError(built.error ?? `middleware "${name}" is disabled`);
    return built.middleware;
  }

  private build(name: string): BuiltMiddleware {
    const done = this.built.get(name);
    if (done) return done;
    const config = this.configs[name];
    if (!config) {
      if (this.unreadable.has(name)) throw new ConfigError(`middleware "${name}" is disabled (see its error)`);
      const guess = closestKey(name, Object.keys(this.configs));
      throw new ConfigError(`middleware "${name}" does not exist${guess ? `; did you mean "${guess}"?` : ''}`);
    }
    if (this.inProgress.has(name)) throw new ConfigError(`middleware "${name}" is part of a cycle of chains`);
    this.inProgress.add(name);
    let result: BuiltMiddleware;
    try {
      result = this.create(name, config);
    } catch (error) {
      result = { error: describe(error), redacted: redactAll(config) };
    } finally {
      this.inProgress.delete(name);
    }
    this.built.set(name, result);
    return result;
  }

  private create(name: string, config: MiddlewareConfig): BuiltMiddleware {
    const keys = Object.keys(config);
    const key = `http.middlewares.${name.slice(0, name.lastIndexOf('@'))}`;
    if (keys.length !== 1) {
      throw new ConfigError(
        `must have exactly one middleware type, found ${keys.length ? keys.join(', ') : 'none'}`,
        key,
      );
    }
    const typeKey = keys[0]!;
    const entry = this.types.get(typeKey);
    if (!entry) {
      const guess = closestKey(typeKey, this.types.names());
      throw new ConfigError(
        `unknown middleware type "${typeKey}"${guess ? `; did you mean "${guess}"?` : ''}`,
        `${key}.${typeKey}`,
      );
    }
    const options = parseWithSchema(entry.type.schema, config[typeKey] ?? {}, `${key}.${entry.name}`) as Record<
      string,
      unknown
    >;
    const provider = providerOf(name);
    const middleware = entry.type.create(options, {
      name,
      resolveMiddleware: (other) => this.resolve(qualify(other, provider)),
      resolveService: (service) => this.resolveService(qualify(service, provider)),
      readFile: (path) => readFileSync(resolve(this.baseDir, path), 'utf8'),
      consumers: this.consumers,
      log: logger,
    });
    return { type: entry.name, middleware, redacted: { [entry.name]: redact(options, entry.type.secretOptions) } };
  }
}

function redact(options: Record<string, unknown>, secrets: readonly string[] = []): Record<string, unknown> {
  const copy = { ...options };
  for (const secret of secrets) if (secret in copy) copy[secret] = redactSecret(copy[secret]);
  return copy;
}

/**
 * `users` lists (`name:hash`, digest `name:realm:hash`) keep Traefik's array shape and the user
 * names, so the API still shows who may log in; everything after the name is hidden, because
 * even a hash can be cracked offline.
 */
function redactSecret(value: unknown): unknown {
  if (!Array.isArray(value)) return '<redacted>';
  return value.map((entry) => {
    const colon = typeof entry === 'string' ? entry.indexOf(':') : -1;
    return colon > 0 ? `${(entry as string).slice(0, colon)}:<redacted>` : '<redacted>';
  });
}

/** A middleware that failed to build may hold secrets we cannot identify: show only its type. */
function redactAll(config: MiddlewareConfig): Record<string, unknown> {
  return Object.fromEntries(Object.keys(config).map((type) => [type, {}]));
}

export function describe(error: unknown): string {
  if (error instanceof ConfigError) return error.describe();
  return error instanceof Error ? error.message : String(error);
}
