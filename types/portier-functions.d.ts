/**
 * Types for Portier functions, so editors complete `ctx`:
 *
 *   import type { FunctionContext } from 'portier/functions';
 *   export const route = '/{a}/{b}';
 *   export default (req: Request, ctx: FunctionContext<'a' | 'b'>) => ({ sum: +ctx.params.a + +ctx.params.b });
 *
 * Type-only imports vanish at deploy; a function cannot import anything from Portier at run time.
 */

/** What a function receives besides the web-standard Request. */
export interface FunctionContext<Params extends string = string> {
  /** Path parameters named by the `route` export (`/{a}/{b}`), as decoded strings. */
  readonly params: Readonly<Record<Params, string>>;
  /** Query parameters (the first value of each); use `new URL(request.url).searchParams` for repeats. */
  readonly query: Readonly<Record<string, string>>;
  /** This function's environment and secrets, from `functions.env.<name>` in the static config. */
  readonly env: Readonly<Record<string, string>>;
  /** Adds a line to this invocation's log (`portier functions logs`); `console.*` does the same. */
  log(...args: unknown[]): void;
  /** The request id (`X-Request-Id` when the client sent one). */
  readonly requestId: string;
  /** The consumer authenticated by a gateway middleware, if any. */
  readonly consumer: string | undefined;
  /** Aborts when the function's timeout is reached; pass it to fetch() and timers. */
  readonly signal: AbortSignal;
  readonly functionName: string;
  /** The content hash of the running version. */
  readonly version: string;
}

/**
 * What a handler may return: a Response passes through, a string is sent as text/plain, bytes
 * as application/octet-stream, undefined as 204, anything else as JSON.
 */
export type FunctionResult = Response | string | Uint8Array | ArrayBuffer | object | null | undefined;

/** The default export: a handler… */
export type FunctionHandler<Params extends string = string> = (
  request: Request,
  ctx: FunctionContext<Params>,
) => FunctionResult | Promise<FunctionResult>;

/** …or an object with a Workers-style `fetch(request, env, ctx)` method. */
export interface FunctionModule<Params extends string = string> {
  fetch(
    request: Request,
    env: Readonly<Record<string, string>>,
    ctx: FunctionContext<Params>,
  ): FunctionResult | Promise<FunctionResult>;
}
