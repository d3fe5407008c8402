import { addPrefix } from './add-prefix.js';
import { basicAuth } from './basic-auth.js';
import { buffering } from './buffering.js';
import { chain } from './chain.js';
import { circuitBreaker } from './circuit-breaker.js';
import { compress } from './compress.js';
import { contentType } from './content-type.js';
import { digestAuth } from './digest-auth.js';
import { encodedCharacters } from './encoded-characters.js';
import { errors } from './errors.js';
import { forwardAuth } from './forward-auth.js';
import { headers } from './headers.js';
import { inFlightReq } from './in-flight-req.js';
import { ipAllowList } from './ip-allow-list.js';
import { passTLSClientCert } from './pass-tls-client-cert.js';
import { redirectRegex } from './redirect-regex.js';
import { redirectScheme } from './redirect-scheme.js';
import { replacePath } from './replace-path.js';
import { replacePathRegex } from './replace-path-regex.js';
import { retry } from './retry.js';
import { stripPrefix } from './strip-prefix.js';
import { stripPrefixRegex } from './strip-prefix-regex.js';
import type { MiddlewareType } from './types.js';

/** Traefik's HTTP middleware types, under their configuration names. */
export const builtinMiddlewareTypes: Record<string, MiddlewareType> = {
  addPrefix,
  basicAuth,
  buffering,
  chain,
  circuitBreaker,
  compress,
  contentType,
  digestAuth,
  encodedCharacters,
  errors,
  forwardAuth,
  headers,
  inFlightReq,
  ipAllowList,
  /** The v2 name, still read by Traefik v3. */
  ipWhiteList: ipAllowList,
  passTLSClientCert,
  redirectRegex,
  redirectScheme,
  replacePath,
  replacePathRegex,
  retry,
  stripPrefix,
  stripPrefixRegex,
};
