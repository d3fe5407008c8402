/** How an upstream failure is answered: see `classifyUpstreamError`. */
export type UpstreamFailure = 'unreachable' | 'dropped' | 'timeout' | 'failed';

/** Errors raised before a connection existed: nothing of the request reached the upstream. */
const DIAL_ERRORS = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The connection broke under the request: typically a kept-alive one the server had just closed. */
const DROP_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

const TIMEOUT_ERRORS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/**
 * unreachable ⇒ may be retried elsewhere; dropped ⇒ may be resent once on a fresh connection;
 * timeout ⇒ 504; anything else (and the two first when not retried) ⇒ 502.
 */
export function classifyUpstreamError(error: Error): UpstreamFailure {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return 'failed';
  if (DIAL_ERRORS.has(code)) return 'unreachable';
  if (DROP_ERRORS.has(code)) return 'dropped';
  if (TIMEOUT_ERRORS.has(code)) return 'timeout';
  return 'failed';
}
