import type { MiddlewareType } from '../middlewares/types.js';
import { apiKey } from './api-key.js';
import { hmacAuth } from './hmac-auth.js';
import { jwtAuth } from './jwt-auth.js';
import { oauth2Introspection } from './oauth2-introspection.js';
import { rateLimit } from './rate-limit.js';

/** The gateway's middleware types, by config name; merged with Traefik's built-in ones. */
export const gatewayMiddlewareTypes: Record<string, MiddlewareType> = {
  hmacAuth,
  apiKey,
  rateLimit,
  jwtAuth,
  oauth2Introspection,
};
