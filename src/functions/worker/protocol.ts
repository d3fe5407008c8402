/**
 * Messages between the proxy thread and a function worker. Rare messages (load, abort, loaded)
 * are objects; calls and results are tuples whose headers travel as one string, because
 * structured clone pays per value: one packed string clones in a fraction of the time of 20.
 */

export type HeaderList = [string, string][];

export interface LoadMessage {
  type: 'load';
  name: string;
  version: string;
  code: string;
  env: Record<string, string>;
}

export type InvokeMessage = [
  id: number,
  method: string,
  /** Absolute URL the function's Request gets. */
  url: string,
  /** Path matched against the function's `route` (after the function name). */
  routePath: string,
  requestId: string,
  consumer: string | undefined,
  maxResponseBytes: number,
  body: Uint8Array | null,
  headers: PackedHeaders,
];

export interface AbortMessage {
  type: 'abort';
  id: number;
}

/**
 * The calls that reached a worker during one turn of the proxy's event loop, sent as one message:
 * waking a sleeping thread costs more than cloning a call, so a burst of calls pays it once. The
 * answers come back the same way (`ResultBatch`).
 */
export type InvokeBatch = InvokeMessage[];

export type ToWorker = LoadMessage | InvokeBatch | AbortMessage;

export interface LoadedMessage {
  type: 'loaded';
  initMs: number;
  logs: string[];
}

export interface LoadFailedMessage {
  type: 'load-failed';
  message: string;
  logs: string[];
}

/** How one call ended inside the worker. */
export type WorkerOutcome = 'ok' | 'error' | 'no-route' | 'response-too-large';

export type ResultMessage = [
  id: number,
  outcome: WorkerOutcome,
  status: number,
  runMs: number,
  body: Uint8Array,
  headers: PackedHeaders,
  params: Record<string, string>,
  logs: string[],
  error: string | undefined,
];

/** The answers ready at the end of one turn of the worker's event loop. */
export type ResultBatch = ResultMessage[];

export type FromWorker = LoadedMessage | LoadFailedMessage | ResultBatch;

/**
 * A HeaderList as one string, names and values joined by NUL. Both ends only ever see names and
 * values that an HTTP parser (llhttp, nghttp2) or fetch's Headers accepted, and all of them refuse
 * NUL, so it cannot occur inside one.
 */
export type PackedHeaders = string;

const SEPARATOR = '\0';

export function packHeaders(headers: HeaderList): PackedHeaders {
  let packed = '';
  for (const [name, value] of headers)
    packed += packed === '' ? name + SEPARATOR + value : SEPARATOR + name + SEPARATOR + value;
  return packed;
}

export function unpackHeaders(packed: PackedHeaders): HeaderList {
  const headers: HeaderList = [];
  if (packed === '') return headers;
  const parts = packed.split(SEPARATOR);
  for (let i = 0; i + 1 < parts.length; i += 2) headers.push([parts[i] ?? '', parts[i + 1] ?? '']);
  return headers;
}

/** Below this, copying the bytes costs less than detaching and re-wrapping the buffer. */
const TRANSFER_MIN_BYTES = 64 * 1024;

/** The buffer to transfer with a message carrying `body`, when moving it beats copying it. */
export function transferable(body: Uint8Array | null): ArrayBuffer[] {
  if (!body || body.byteLength < TRANSFER_MIN_BYTES) return [];
  // Only a view of a whole buffer can be moved: a Buffer from Node's pool shares its buffer with others.
  return body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? [body.buffer as ArrayBuffer] : [];
}
