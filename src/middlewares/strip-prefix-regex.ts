import { z } from 'zod';
import { defineMiddleware } from './define.js';
import { compileGoRegexp } from './go-regexp.js';
import { stringList } from './options.js';
import { acceptRewrittenPath, appendRequestHeader, ensureLeadingSlash } from './request-tools.js';
import { FORWARDED_PREFIX_HEADER } from './strip-prefix.js';

const schema = z.strictObject({ regex: stringList.default([]) });

/**
 * `stripPrefixRegex`: the first expression whose (unanchored) match starts the path strips that
 * match, which is then sent in X-Forwarded-Prefix.
 */
export const stripPrefixRegex = defineMiddleware(schema, (options) => {
  const expressions = options.regex.map((source, i) => compileGoRegexp(source, `regex[${i}]`));
  return (next) => (ctx) => {
    for (const expression of expressions) {
      const prefix = expression.exec(ctx.path)?.[0];
      if (!prefix || !ctx.path.startsWith(prefix)) continue;
      const stripped = ensureLeadingSlash(ctx.path.slice(prefix.length));
      if (!acceptRewrittenPath(ctx, stripped)) return;
      ctx.path = stripped || '/';
      appendRequestHeader(ctx, FORWARDED_PREFIX_HEADER, prefix);
      break;
    }
    return next(ctx);
  };
});
