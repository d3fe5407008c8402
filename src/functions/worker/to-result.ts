/**
 * What a function returns, turned into status, headers and body bytes: a Response passes
 * through, a string is text/plain, bytes are octet-stream, nothing is 204, anything else is JSON.
 */
import type { HeaderList } from './protocol.js';

export interface ResultParts {
  status: number;
  headers: HeaderList;
  body: Uint8Array;
}

const encoder = new TextEncoder();

/** Synchronous except for a Response, whose body must be read: a promise less per call. */
export function toResult(value: unknown): ResultParts | Promise<ResultParts> {
  if (value instanceof Response) return responseParts(value);
  if (value === undefined || value === null) return { status: 204, headers: [], body: new Uint8Array() };
  if (typeof value === 'string') return typed('text/plain; charset=utf-8', encoder.encode(value));
  if (value instanceof Uint8Array) return typed('application/octet-stream', value);
  if (value instanceof ArrayBuffer) return typed('application/octet-stream', new Uint8Array(value));
  return typed('application/json', encoder.encode(JSON.stringify(value)));
}

async function responseParts(response: Response): Promise<ResultParts> {
  return {
    status: response.status,
    headers: [...response.headers],
    body: new Uint8Array(await response.arrayBuffer()),
  };
}

function typed(contentType: string, body: Uint8Array): ResultParts {
  return { status: 200, headers: [['content-type', contentType]], body };
}
