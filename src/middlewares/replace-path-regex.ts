import { z } from 'zod';
import { respond } from '../runtime/respond.js';
import { defineMiddleware } from './define.js';
import { compileGoRegexp, GoTemplate, replaceAllGo } from './go-regexp.js';
import { hasInvalidEscape, REPLACED_PATH_HEADER } from './replace-path.js';
import { acceptRewrittenPath, appendRequestHeader, ensureLeadingSlash } from './request-tools.js';

const schema = z.strictObject({ regex: z.string().default(''), replacement: z.string().default('') });

/**
 * `replacePathRegex`: when the (unanchored) expression matches the path, every match is replaced
 * using Go template syntax (`$1`, `${name}`); the original path goes upstream in X-Replaced-Path.
 */
export const replacePathRegex = defineMiddleware(schema, (options) => {
  const matcher = compileGoRegexp(options.regex, 'regex');
  const replacer = new RegExp(matcher.source, `${matcher.flags}g`);
  const template = new GoTemplate(options.replacement.trim());
  return (next) => (ctx) => {
    if (!matcher.test(ctx.path)) return next(ctx);
    const replaced = replaceAllGo(replacer, ctx.path, template);
    if (hasInvalidEscape(replaced)) {
      respond(ctx, 500, 'Internal Server Error');
      return;
    }
    if (!acceptRewrittenPath(ctx, replaced)) return;
    appendRequestHeader(ctx, REPLACED_PATH_HEADER, ctx.path);
    ctx.path = ensureLeadingSlash(replaced) || '/';
    return next(ctx);
  };
});
