import type { RequestContext } from '../runtime/context.js';
import type { LineBuffer } from './line-buffer.js';

/** One finished request, waiting for its batch to be formatted. */
export interface FinishedRequest {
  readonly ctx: RequestContext;
  readonly status: number;
  /** Body bytes sent to the client. */
  readonly bytesSent: number;
  readonly durationNs: number;
  /** Requests seen since start, this one included (Traefik's `RequestCount`). */
  readonly count: number;
  /** When the response finished, in milliseconds since the epoch. */
  readonly now: number;
}

/** Writes a finished request as one line of the access log, newline included. */
export type LineFormatter = (line: FinishedRequest, out: LineBuffer) => void;
