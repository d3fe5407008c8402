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

async function request<T>(url: URL, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { ...init, headers: { accept: 'application/json', ...init?.headers } });
  const body = (await response.json().catch(() => ({}))) as T & { error?: string; message?: string };
  if (!response.ok) throw new Error(body.message ?? body.error ?? `HTTP ${response.status}`);
  return body;
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
  const body = (await response.json().catch(() => ({ error: `HTTP ${response.status}` }))) as Record<string, unknown>;
  if (response.ok) return { deployed: body as unknown as DeployResult };
  const message = typeof body.message === 'string' ? body.message : String(body.error ?? `HTTP ${response.status}`);
  return {
    refused: {
      message,
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
