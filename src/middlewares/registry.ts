import { addPrefix } from './add-prefix.js';
import { basicAuth } from './basic-auth.js';
import { chain } from './chain.js';
import { headers } from './headers.js';
import { redirectRegex } from './redirect-regex.js';
import { redirectScheme } from './redirect-scheme.js';
import { replacePath } from './replace-path.js';
import { replacePathRegex } from './replace-path-regex.js';
import { stripPrefix } from './strip-prefix.js';
import { stripPrefixRegex } from './strip-prefix-regex.js';
import type { MiddlewareType } from './types.js';

/** Traefik's HTTP middleware types, under their configuration names. */
export const builtinMiddlewareTypes: Record<string, MiddlewareType> = {
  addPrefix,
  basicAuth,
  chain,
  headers,
  redirectRegex,
  redirectScheme,
  replacePath,
  replacePathRegex,
  stripPrefix,
  stripPrefixRegex,
};
