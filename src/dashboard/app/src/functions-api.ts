import type { FunctionActivityView, FunctionEvent } from '../../../functions/activity.js';
import type { InvocationRecord } from '../../../functions/invocation-log.js';

export type { FunctionActivityView, FunctionEvent, InvocationRecord };

/** One entry of `GET /api/functions`. */
export interface FunctionItem {
  name: string;
  version: string;
  versions: number;
  updatedAt: string;
  loaded: boolean;
  activity: FunctionActivityView;
}

export interface VersionItem {
  version: string;
  createdAt?: string;
  file?: string;
  current: boolean;
}

export interface FunctionSource {
  version: string;
  file: string;
  source: string;
}

/** Why a deploy was refused, as the API says it: compile errors carry line and column. */
export interface DeployRefusal {
  message: string;
  line?: number;
  column?: number;
  lineText?: string;
  logs?: string[];
}

export interface DeployResult {
  version: string;
  unchanged: boolean;
  compileMs: number;
  initMs: number;
}

const BASE = new URL('../api/functions/', document.baseURI);

function functionUrl(name: string, action = '', query = ''): URL {
  return new URL(`${encodeURIComponent(name)}${action ? `/${action}` : ''}${query}`, BASE);
}

/** JSON answers, or a plain-text refusal (the loopback-only 403 of the insecure API) as `{ error }`. */
async function readBody(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text();
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { error: text.trim() || `HTTP ${response.status}` };
  }
}

function errorMessage(body: Record<string, unknown>, status: number): string {
  if (typeof body.message === 'string') return body.message;
  return typeof body.error === 'string' ? body.error : `HTTP ${status}`;
}

async function request<T>(url: URL, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { ...init, headers: { accept: 'application/json', ...init?.headers } });
  const body = await readBody(response);
  if (!response.ok) throw new Error(errorMessage(body, response.status));
  return body as T;
}

export function listFunctions(): Promise<FunctionItem[]> {
  // The list itself is `/api/functions`, without the trailing slash the base carries.
  return request<FunctionItem[]>(new URL('../functions', BASE));
}

export async function loadVersions(name: string): Promise<VersionItem[]> {
  return (await request<{ versions: VersionItem[] }>(functionUrl(name, 'versions'))).versions;
}

export function loadSource(name: string): Promise<FunctionSource> {
  return request<FunctionSource>(functionUrl(name, 'source'));
}

export async function loadInvocations(name: string, limit = 50): Promise<InvocationRecord[]> {
  return (await request<{ invocations: InvocationRecord[] }>(functionUrl(name, 'logs', `?limit=${limit}`))).invocations;
}

/** Deploys `source`; a refusal (compile or load error) is returned, not thrown, so it can sit next to the editor. */
export async function deployFunction(
  name: string,
  source: string,
): Promise<{ deployed: DeployResult } | { refused: DeployRefusal }> {
  const response = await fetch(functionUrl(name, '', `?file=${encodeURIComponent(`${name}.ts`)}`), {
    method: 'PUT',
    headers: { 'content-type': 'text/plain; charset=utf-8', accept: 'application/json' },
    body: source,
  });
  const body = await readBody(response);
  if (response.ok) return { deployed: body as unknown as DeployResult };
  return {
    refused: {
      message: errorMessage(body, response.status),
      ...(typeof body.line === 'number' ? { line: body.line, column: Number(body.column) } : {}),
      ...(typeof body.lineText === 'string' ? { lineText: body.lineText } : {}),
      ...(Array.isArray(body.logs) ? { logs: body.logs as string[] } : {}),
    },
  };
}

export function rollbackFunction(name: string): Promise<{ version: string }> {
  return request(functionUrl(name, 'rollback'), { method: 'POST' });
}

export function removeFunction(name: string): Promise<unknown> {
  return request(functionUrl(name), { method: 'DELETE' });
}
