import type { ZodType } from 'zod';
import type { ConsumerConfig } from '../config/dynamic/types.js';
import type { Handler } from '../runtime/context.js';

/** A compiled middleware: wraps the next handler once per configuration version. */
export type Middleware = (next: Handler) => Handler;

/** What a middleware factory may use besides its own options. */
export interface MiddlewareDeps {
  /** Qualified name of the middleware being built, e.g. `strip@file`. */
  readonly name: string;
  /** Builds another middleware by qualified name (for `chain`); throws ConfigError when unknown. */
  readonly resolveMiddleware: (name: string) => Middleware;
  /**
   * Resolves a service by name (unqualified names in the middleware's provider) for middlewares
   * that call one themselves (`errors`). Optional: without it they report that they cannot work.
   */
  readonly resolveService?: (name: string) => Handler;
  /** Reads a file relative to the config (for `usersFile`…). */
  readonly readFile: (path: string) => string;
  /** All consumers of the current configuration, by qualified name (`app@file`). */
  readonly consumers: Readonly<Record<string, ConsumerConfig>>;
  /** Structured logger. */
  readonly log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/**
 * Turns validated options into a middleware. Throws ConfigError (naming the option) for problems
 * the schema cannot see, such as a bad regex; the runtime then disables only this middleware.
 */
export type MiddlewareFactory = (options: Record<string, unknown>, deps: MiddlewareDeps) => Middleware;

/** A middleware type as registered under its config name (`stripPrefix`, `hmacAuth`…). */
export interface MiddlewareType {
  /** Validates the options object; a strict zod object so that misspelt options are caught. */
  readonly schema: ZodType;
  readonly create: MiddlewareFactory;
  /** Option names whose values are secrets: redacted in the API and logs. */
  readonly secretOptions?: readonly string[];
}
