import type { OutgoingHttpHeaders } from 'node:http';
import { request, type Dispatcher } from 'undici';
import { z } from 'zod';
import { ConfigError } from '../config/errors.js';
import { onResponseHeaders, type RequestContext } from '../runtime/context.js';
import { respond } from '../runtime/respond.js';
import { stripResponseHopByHop } from '../runtime/transport/hop-by-hop.js';
import { defineMiddleware } from './define.js';
import { forwardAuthAgents } from './forward-auth-agents.js';
import { compileAuthRequestHeaders } from './forward-auth-headers.js';
import { compileGoRegexp } from './go-regexp.js';
import { flag, integer, stringList } from './options.js';
import { bufferRequestBody } from '../runtime/request-body.js';
import type { MiddlewareDeps } from './types.js';

const schema = z.strictObject({
  address: z.string().default(''),
  tls: z
    .strictObject({
      ca: z.string().default(''),
      cert: z.string().default(''),
      key: z.string().default(''),
      insecureSkipVerify: flag.default(false),
      caOptional: flag.optional(),
    })
    .optional(),
  trustForwardHeader: flag.optional(),
  authResponseHeaders: stringList.default([]),
  authResponseHeadersRegex: z.string().default(''),
  authRequestHeaders: stringList.default([]),
  addAuthCookiesToResponse: stringList.default([]),
  /** Names the access-log user in Traefik; accepted so that its configurations load. */
  headerField: z.string().default(''),
  forwardBody: flag.default(false),
  maxBodySize: integer.default(-1),
  maxResponseBodySize: integer.default(-1),
  preserveLocationHeader: flag.default(false),
  preserveRequestMethod: flag.default(false),
  authSigninURL: z.string().default(''),
});

type Options = z.output<typeof schema>;

const AUTH_TIMEOUT_MS = 30_000;

/** A PEM option holds either the PEM text itself or a file path (Traefik's FileOrContent). */
function pem(value: string, key: string, deps: MiddlewareDeps): string | undefined {
  if (value === '') return undefined;
  if (value.includes('-----BEGIN')) return value;
  try {
    return deps.readFile(value);
  } catch {
    throw new ConfigError(`cannot read "${value}"; give a PEM file path or the PEM text`, key);
  }
}

/** How requests get their agent when the auth server has TLS settings; undici's global one otherwise. */
function agentFor(tls: Options['tls'], deps: MiddlewareDeps): (() => Dispatcher) | undefined {
  if (!tls) return undefined;
  return forwardAuthAgents.lease({
    ca: pem(tls.ca, 'tls.ca', deps),
    cert: pem(tls.cert, 'tls.cert', deps),
    key: pem(tls.key, 'tls.key', deps),
    rejectUnauthorized: !tls.insecureSkipVerify,
  });
}

/** Go's canonical header spelling (`x-auth-role` → `X-Auth-Role`), which Traefik's regexes are written against. */
function canonicalHeaderKey(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_match, dash: string, letter: string) => dash + letter.toUpperCase());
}

function cookieName(setCookie: string): string {
  return setCookie.slice(0, setCookie.indexOf('=')).trim();
}

function asList(value: string | string[] | number | undefined): string[] {
  return value === undefined ? [] : [value].flat().map(String);
}

async function readLimited(body: Dispatcher.ResponseData['body'], limit: number): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (limit >= 0 && size > limit) {
      body.destroy();
      return 'too-large';
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * `forwardAuth`: asks an authentication server about each request. A 2xx lets the request through
 * (copying the chosen response headers onto it); anything else is sent back to the client as is.
 */
export const forwardAuth = defineMiddleware(
  schema,
  (options, deps) => {
    let address: URL;
    try {
      address = new URL(options.address);
    } catch {
      throw new ConfigError(`"${options.address}" is not a URL; write it like "http://auth:4181/verify"`, 'address');
    }
    if (address.protocol !== 'http:' && address.protocol !== 'https:') {
      throw new ConfigError(`"${options.address}" must be an http:// or https:// URL`, 'address');
    }
    if (options.tls?.caOptional !== undefined) {
      deps.log.warn({ middleware: deps.name }, 'forwardAuth tls.caOptional is deprecated and ignored');
    }
    const agent = agentFor(options.tls, deps);
    const authHeaders = compileAuthRequestHeaders(options);
    const copiedHeaders = options.authResponseHeaders.map((name) => name.toLowerCase());
    const copiedRegex = options.authResponseHeadersRegex
      ? compileGoRegexp(options.authResponseHeadersRegex, 'authResponseHeadersRegex')
      : undefined;
    const authCookieNames = new Set(options.addAuthCookiesToResponse);
    const maxBody = options.maxBodySize < 0 ? Infinity : options.maxBodySize;
    const { forwardBody, maxResponseBodySize, preserveLocationHeader, preserveRequestMethod, authSigninURL } = options;

    /** Sends the auth server's refusal to the client, as received. */
    const refuse = (ctx: RequestContext, status: number, headers: OutgoingHttpHeaders, body: Buffer): void => {
      stripResponseHopByHop(headers);
      const location = headers.location;
      if (typeof location === 'string' && !preserveLocationHeader && URL.canParse(location, address.href)) {
        // A Location the URL parser cannot read is relayed as the auth server sent it.
        headers.location = new URL(location, address).href;
      }
      if (ctx.res.headersSent) return void ctx.res.destroy();
      ctx.res.writeHead(status, { ...ctx.responseHeaders, ...headers, 'content-length': body.length });
      ctx.res.end(ctx.req.method === 'HEAD' ? undefined : body);
    };

    /** Copies the chosen auth response headers onto the request for the upstream. */
    const copyGrantedHeaders = (ctx: RequestContext, granted: Record<string, string | string[] | undefined>): void => {
      for (const name of copiedHeaders) {
        delete ctx.req.headers[name];
        const value = granted[name];
        if (value !== undefined) ctx.req.headers[name] = value;
      }
      if (copiedRegex) {
        for (const name of Object.keys(ctx.req.headers)) {
          if (copiedRegex.test(canonicalHeaderKey(name))) delete ctx.req.headers[name];
        }
        for (const [name, value] of Object.entries(granted)) {
          if (value !== undefined && copiedRegex.test(canonicalHeaderKey(name))) ctx.req.headers[name] = value;
        }
      }
    };

    return (next) => async (ctx) => {
      let body: Buffer | undefined;
      if (forwardBody && ctx.req.method !== 'CONNECT') {
        let buffered: Buffer | 'too-large';
        try {
          buffered = await bufferRequestBody(ctx, maxBody);
        } catch {
          ctx.res.destroy();
          return;
        }
        if (buffered === 'too-large') return respond(ctx, 401, '');
        body = buffered;
      }
      let status: number;
      let granted: Record<string, string | string[] | undefined>;
      let answer: Buffer | 'too-large';
      try {
        const headers = authHeaders(ctx);
        if (body?.length) headers['content-length'] = String(body.length);
        const response = await request(address, {
          method: preserveRequestMethod ? (ctx.req.method ?? 'GET') : 'GET',
          headers,
          body: body?.length ? body : null,
          headersTimeout: AUTH_TIMEOUT_MS,
          bodyTimeout: AUTH_TIMEOUT_MS,
          ...(agent ? { dispatcher: agent() } : {}),
        });
        status = response.statusCode;
        granted = response.headers;
        answer = await readLimited(response.body, maxResponseBodySize);
      } catch (error) {
        deps.log.error({ middleware: deps.name, err: (error as Error).message }, 'forwardAuth server unreachable');
        respond(ctx, 500, '');
        return;
      }
      if (answer === 'too-large') return respond(ctx, 401, '');
      if (authSigninURL && status === 401) return respond(ctx, 302, 'Found', { location: authSigninURL });
      if (status < 200 || status >= 300) return refuse(ctx, status, { ...granted }, answer);

      copyGrantedHeaders(ctx, granted);
      const authCookies = asList(granted['set-cookie']).filter((cookie) => authCookieNames.has(cookieName(cookie)));
      if (authCookies.length > 0) {
        onResponseHeaders(ctx, (_status, headers) => {
          const kept = asList(headers['set-cookie']).filter((cookie) => !authCookieNames.has(cookieName(cookie)));
          headers['set-cookie'] = [...kept, ...authCookies];
        });
      }
      return next(ctx);
    };
  },
  ['tls'],
);
