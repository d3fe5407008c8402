/** Messages between the proxy thread and a function worker. Plain structured-clone data only. */

export type HeaderList = [string, string][];

export interface LoadMessage {
  type: 'load';
  name: string;
  version: string;
  code: string;
  env: Record<string, string>;
}

export interface InvokeMessage {
  type: 'invoke';
  id: number;
  method: string;
  /** Absolute URL the function's Request gets. */
  url: string;
  /** Path matched against the function's `route` (after the function name). */
  routePath: string;
  headers: HeaderList;
  body: Uint8Array | null;
  requestId: string;
  consumer?: string;
  maxResponseBytes: number;
}

export interface AbortMessage {
  type: 'abort';
  id: number;
}

export type ToWorker = LoadMessage | InvokeMessage | AbortMessage;

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

export interface ResultMessage {
  type: 'result';
  id: number;
  outcome: WorkerOutcome;
  status: number;
  headers: HeaderList;
  body: Uint8Array;
  params: Record<string, string>;
  logs: string[];
  runMs: number;
  error?: string;
}

export type FromWorker = LoadedMessage | LoadFailedMessage | ResultMessage;
