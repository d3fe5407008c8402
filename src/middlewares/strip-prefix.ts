import { z } from 'zod';
import { defineMiddleware } from './define.js';
import { flag, stringList } from './options.js';
import { acceptRewrittenPath, appendRequestHeader, ensureLeadingSlash } from './request-tools.js';

export const FORWARDED_PREFIX_HEADER = 'X-Forwarded-Prefix';

const schema = z.strictObject({
  prefixes: stringList.default([]),
  /** Deprecated in Traefik v3 and off unless set: `/api/` stripped from `/api/` gives `/` instead of ''. */
  forceSlash: flag.optional(),
});

/** `stripPrefix`: removes the first matching literal prefix and tells the upstream in X-Forwarded-Prefix. */
export const stripPrefix = defineMiddleware(schema, (options, deps) => {
  if (options.forceSlash !== undefined) {
    deps.log.warn({ middleware: deps.name }, 'stripPrefix.forceSlash is deprecated; remove it');
  }
  const prefixes = options.prefixes.map((prefix) => prefix.trim());
  const forceSlash = options.forceSlash === true;
  return (next) => (ctx) => {
    const prefix = prefixes.find((candidate) => ctx.path.startsWith(candidate));
    if (prefix !== undefined) {
      const rest = ctx.path.slice(prefix.length);
      const stripped = forceSlash ? `/${rest.replace(/^\//, '')}` : ensureLeadingSlash(rest);
      if (!acceptRewrittenPath(ctx, stripped)) return;
      // An empty path goes upstream as `/`, which is what HTTP requires anyway.
      ctx.path = stripped || '/';
      appendRequestHeader(ctx, FORWARDED_PREFIX_HEADER, prefix);
    }
    return next(ctx);
  };
});
