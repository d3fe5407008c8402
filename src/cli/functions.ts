/**
 * `portier functions …`: deploy, list, logs, rm, rollback and invoke through the API of a running
 * Portier (`--api`, or PORTIER_API), plus `dev` and `invoke ./file.ts` that run a function locally.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { FunctionSummary, InvocationRecord } from '../functions/index.js';
import { startDevServer } from './functions-dev.js';
import { deployFile, localRuntime, nameFromFile, parseEnv } from './functions-local.js';
import { bodyOutput, formatApiError, formatRecord, formatTable, shortVersion } from './functions-output.js';

const DEFAULT_API = 'http://127.0.0.1:8080';

const API_OPTION = { api: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

interface Command {
  usage: string;
  options: ParseArgsConfig['options'];
  run: (values: Record<string, unknown>, positionals: string[]) => Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  deploy: {
    usage:
      'portier functions deploy <name> <file.ts|file.js> [--api URL]\n  Compiles and deploys a new version; prints the compile error with its line and column.',
    options: API_OPTION,
    run: async (values, [name, file]) => {
      if (!name || !file) return usageError('deploy');
      const source = await readFile(file, 'utf8');
      const res = await api(
        values,
        `/api/functions/${encodeURIComponent(name)}?file=${encodeURIComponent(basename(file))}`,
        { method: 'PUT', body: source },
      );
      const body = (await res.json()) as Record<string, unknown>;
      if (!res.ok) return fail(formatApiError(body));
      const note = body.unchanged ? ' (unchanged)' : ` (compile ${ms(body.compileMs)}, load ${ms(body.initMs)})`;
      console.log(`deployed ${name} version ${shortVersion(body.version)}${note}`);
      return 0;
    },
  },
  list: {
    usage: 'portier functions list [--api URL] [--json]',
    options: { ...API_OPTION, json: { type: 'boolean' } },
    run: async (values) => {
      const res = await api(values, '/api/functions');
      if (!res.ok) return fail(formatApiError((await res.json()) as Record<string, unknown>));
      const list = (await res.json()) as FunctionSummary[];
      if (values.json) console.log(JSON.stringify(list, null, 2));
      else if (list.length === 0) console.log('no functions deployed');
      else
        console.log(
          formatTable([
            ['NAME', 'VERSION', 'VERSIONS', 'UPDATED', 'LOADED'],
            ...list.map((f) => [
              f.name,
              shortVersion(f.version),
              String(f.versions),
              f.updatedAt,
              f.loaded ? 'yes' : 'no',
            ]),
          ]),
        );
      return 0;
    },
  },
  logs: {
    usage:
      'portier functions logs <name> [--limit N] [--api URL] [--json]\n  The last invocations: request id, version, outcome, cold/warm, init and run time, params, logs.',
    options: { ...API_OPTION, json: { type: 'boolean' }, limit: { type: 'string' } },
    run: async (values, [name]) => {
      if (!name) return usageError('logs');
      const limit = typeof values.limit === 'string' ? `?limit=${encodeURIComponent(values.limit)}` : '';
      const res = await api(values, `/api/functions/${encodeURIComponent(name)}/logs${limit}`);
      const body = (await res.json()) as { invocations?: InvocationRecord[] } & Record<string, unknown>;
      if (!res.ok) return fail(formatApiError(body));
      const records = body.invocations ?? [];
      if (values.json) console.log(JSON.stringify(records, null, 2));
      else console.log(records.length ? records.map(formatRecord).join('\n') : `no invocations of ${name} yet`);
      return 0;
    },
  },
  rm: {
    usage: 'portier functions rm <name> [--api URL]',
    options: API_OPTION,
    run: async (values, [name]) => {
      if (!name) return usageError('rm');
      const res = await api(values, `/api/functions/${encodeURIComponent(name)}`, { method: 'DELETE' });
      if (!res.ok) return fail(formatApiError((await res.json()) as Record<string, unknown>));
      console.log(`removed ${name}`);
      return 0;
    },
  },
  rollback: {
    usage:
      'portier functions rollback <name> [--api URL]\n  Points the function back at the version before the current one.',
    options: API_OPTION,
    run: async (values, [name]) => {
      if (!name) return usageError('rollback');
      const res = await api(values, `/api/functions/${encodeURIComponent(name)}/rollback`, { method: 'POST' });
      const body = (await res.json()) as Record<string, unknown>;
      if (!res.ok) return fail(formatApiError(body));
      console.log(`${name} is back at version ${shortVersion(body.version)}`);
      return 0;
    },
  },
  invoke: {
    usage:
      'portier functions invoke <name|./file.ts> [path] [-X METHOD] [-d BODY] [--env KEY=VALUE…] [--api URL]\n' +
      '  Calls a deployed function through the API, or runs a local file once. Prints the body on stdout.',
    options: {
      ...API_OPTION,
      method: { type: 'string', short: 'X' },
      data: { type: 'string', short: 'd' },
      env: { type: 'string', multiple: true },
    },
    run: async (values, [target, path = '/']) => {
      if (!target) return usageError('invoke');
      const method =
        typeof values.method === 'string' ? values.method.toUpperCase() : values.data !== undefined ? 'POST' : 'GET';
      const data = typeof values.data === 'string' ? values.data : undefined;
      const routePath = path.startsWith('/') ? path : `/${path}`;
      if (isLocalFile(target))
        return invokeLocal(target, routePath, method, data, parseEnv(values.env as string[] | undefined));
      const res = await api(values, `/api/functions/${encodeURIComponent(target)}/invoke${routePath}`, {
        method,
        ...(data !== undefined ? { body: data } : {}),
      });
      bodyOutput.write(new Uint8Array(await res.arrayBuffer()));
      console.error(`\n${res.status} ${res.headers.get('content-type') ?? ''}`);
      return res.ok ? 0 : 1;
    },
  },
  dev: {
    usage:
      'portier functions dev <file.ts> [--port 8787] [--host 127.0.0.1] [--name NAME] [--env KEY=VALUE…]\n  Serves the function locally, reloads it on save and prints every call.',
    options: {
      help: API_OPTION.help,
      port: { type: 'string' },
      host: { type: 'string' },
      name: { type: 'string' },
      env: { type: 'string', multiple: true },
      timeout: { type: 'string' },
    },
    run: async (values, [file]) => {
      if (!file) return usageError('dev');
      const dev = await startDevServer({
        file,
        name: typeof values.name === 'string' ? values.name : nameFromFile(file),
        port: Number(values.port ?? 8787),
        host: typeof values.host === 'string' ? values.host : '127.0.0.1',
        env: parseEnv(values.env as string[] | undefined),
        ...(typeof values.timeout === 'string' ? { timeout: values.timeout } : {}),
      });
      console.error(`serving ${file} on ${dev.url} (Ctrl-C to stop)`);
      await new Promise<void>((done) => process.once('SIGINT', done).once('SIGTERM', done));
      await dev.close();
      return 0;
    },
  },
};

const HELP = `Usage: portier functions <command> [options]

Commands:
${Object.values(COMMANDS)
  .map((c) => `  ${c.usage.split('\n')[0]?.replace('portier functions ', '')}`)
  .join('\n')}

Deployed-function commands talk to the API of a running Portier: --api URL, or PORTIER_API
(default ${DEFAULT_API}). Add --help to a command for details.`;

export async function runFunctionsCommand(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(HELP);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) return fail(`unknown command "functions ${name}"; commands: ${Object.keys(COMMANDS).join(', ')}`, 2);
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
  } catch (error) {
    return fail(`${(error as Error).message}\n\nUsage: ${command.usage}`, 2);
  }
  if (parsed.values.help) {
    console.log(`Usage: ${command.usage}`);
    return 0;
  }
  try {
    return await command.run(parsed.values, parsed.positionals);
  } catch (error) {
    const cause = (error as { cause?: Error & { code?: string } }).cause;
    if (error instanceof TypeError && cause) {
      return fail(
        `cannot reach the Portier API at ${apiBase(parsed.values)} (${cause.code ?? cause.message}); is Portier running, and is --api right?`,
      );
    }
    return fail((error as Error).message);
  }
}

function apiBase(values: Record<string, unknown>): string {
  return (typeof values.api === 'string' ? values.api : (process.env.PORTIER_API ?? DEFAULT_API)).replace(/\/+$/, '');
}

function api(values: Record<string, unknown>, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${apiBase(values)}${path}`, init);
}

function isLocalFile(target: string): boolean {
  return /\.(ts|js|mjs|mts)$/.test(target) || target.includes('/') || existsSync(target);
}

async function invokeLocal(
  file: string,
  path: string,
  method: string,
  data: string | undefined,
  env: Record<string, string>,
): Promise<number> {
  const name = nameFromFile(file);
  const runtime = localRuntime(name, env);
  try {
    if (!(await deployFile(runtime, name, file))) return 1;
    const invocation = await runtime.core.invoke(name, {
      method,
      url: `http://localhost${path}`,
      routePath: path,
      headers: data !== undefined ? [['content-type', 'text/plain; charset=utf-8']] : [],
      body: data !== undefined ? new TextEncoder().encode(data) : null,
      requestId: randomUUID(),
    });
    if (!invocation) return 1;
    bodyOutput.write(invocation.result.body);
    console.error(`\n${formatRecord(invocation.record)}`);
    return invocation.result.status < 400 ? 0 : 1;
  } finally {
    await runtime.close();
  }
}

function usageError(command: string): number {
  return fail(`missing arguments\n\nUsage: ${COMMANDS[command]?.usage ?? ''}`, 2);
}

function fail(message: string, code = 1): number {
  console.error(`portier functions: ${message}`);
  return code;
}

function ms(value: unknown): string {
  return `${Math.round(Number(value) * 10) / 10} ms`;
}
