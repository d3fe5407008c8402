import { z } from 'zod';
import { defineMiddleware } from './define.js';
import { compileGoRegexp, GoTemplate, replaceAllGo } from './go-regexp.js';
import { flag } from './options.js';
import { redirect } from './redirect.js';
import { requestHeader, requestUri } from './request-tools.js';
import type { RequestContext } from '../runtime/context.js';

const schema = z.strictObject({
  regex: z.string().default(''),
  replacement: z.string().default(''),
  permanent: flag.default(false),
});

/** The URL the client asked for, `scheme://host[:port]/path?query`, with the Host header as sent. */
export function requestUrl(ctx: RequestContext): string {
  return `${ctx.scheme}://${requestHeader(ctx, 'host') || ctx.host}${requestUri(ctx)}`;
}

/**
 * `redirectRegex`: when the (unanchored) expression matches the full request URL, redirects to
 * the URL made from the replacement template; a replacement equal to the URL is no redirect.
 */
export const redirectRegex = defineMiddleware(schema, (options) => {
  const matcher = compileGoRegexp(options.regex, 'regex');
  const replacer = new RegExp(matcher.source, `${matcher.flags}g`);
  const template = new GoTemplate(options.replacement);
  const { permanent } = options;
  return (next) => (ctx) => {
    const url = requestUrl(ctx);
    if (!matcher.test(url)) return next(ctx);
    const location = replaceAllGo(replacer, url, template);
    if (location === url) return next(ctx);
    redirect(ctx, location, permanent);
  };
});
